// The userspace forwarder as a child process (started inside a network namespace by
// UserspaceBackend): JSON lines in ({ id, op: "sync" | "cleanup", plan }), JSON lines out
// ({ id } or { id, error }; { log } for listener errors). Exits when stdin closes.
import { createInterface } from "node:readline";
import { commandRunner } from "./exec.js";
import { Forwarder } from "./forwarder.js";
import type { UserspacePlan } from "./userspace-rules.js";

const forwarder = new Forwarder({ runner: commandRunner(), onError: (err) => write({ log: err instanceof Error ? err.message : String(err) }) });

function write(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

let queue = Promise.resolve();
createInterface({ input: process.stdin })
  .on("line", (line) => {
    const msg = JSON.parse(line) as { id: number; op: "sync" | "cleanup"; plan?: UserspacePlan };
    queue = queue.then(async () => {
      try {
        if (msg.op === "sync") await forwarder.sync(msg.plan!);
        else await forwarder.cleanup();
        write({ id: msg.id });
      } catch (err) {
        write({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
      }
    });
  })
  .on("close", () => {
    forwarder.close();
    void queue.then(() => process.exit(0));
  });
