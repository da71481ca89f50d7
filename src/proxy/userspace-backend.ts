import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ProxyBackend } from "./backend.js";
import type { CommandRunner } from "./exec.js";
import { Forwarder } from "./forwarder.js";
import type { NodeInfo, ServicePortInfo } from "./service-table.js";
import { userspacePlan, type UserspacePlan } from "./userspace-rules.js";

interface PlanApplier {
  sync(plan: UserspacePlan): Promise<void>;
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The userspace mode: a Node.js forwarder. In this process normally; inside a network
 * namespace (tests), in a child started with `ip netns exec`, since a process cannot
 * open sockets in another namespace.
 */
export class UserspaceBackend implements ProxyBackend {
  readonly mode = "userspace" as const;
  private readonly applier: PlanApplier;
  private started = false;

  constructor(runner: CommandRunner, onError?: (err: unknown) => void) {
    if (runner.netns) {
      this.applier = new ChildForwarder(runner.netns, onError);
    } else {
      const fwd = new Forwarder({ runner, onError });
      this.applier = { sync: (plan) => fwd.sync(plan), cleanup: () => fwd.cleanup(), close: async () => fwd.close() };
    }
  }

  async sync(table: readonly ServicePortInfo[], node: NodeInfo): Promise<{ full: boolean }> {
    const full = !this.started;
    await this.applier.sync(userspacePlan(table, node));
    this.started = true;
    return { full };
  }

  cleanup(): Promise<void> {
    return this.applier.cleanup();
  }

  close(): Promise<void> {
    return this.applier.close();
  }
}

/** A Forwarder in a child process inside `netns`, driven by JSON lines on its stdin. */
class ChildForwarder implements PlanApplier {
  private child: ChildProcess | undefined;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly netns: string,
    private readonly onError?: (err: unknown) => void,
  ) {}

  private start(): ChildProcess {
    if (this.child) return this.child;
    const here = fileURLToPath(import.meta.url);
    const entry = here.replace(/userspace-backend\.(ts|js)$/, "_forwarder-child.$1");
    // Keep the loader flags (tsx under `npx tsx --test`), not the test runner's.
    const execArgv = process.execArgv.filter((a) => !a.startsWith("--test"));
    const child = spawn("ip", ["netns", "exec", this.netns, process.execPath, ...execArgv, entry], { stdio: ["pipe", "pipe", "inherit"] });
    child.on("error", (err) => this.onError?.(err));
    child.on("exit", () => {
      for (const w of this.waiting.values()) w.reject(new Error("userspace forwarder exited"));
      this.waiting.clear();
      this.child = undefined;
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { id?: number; error?: string; log?: string };
      if (msg.log) this.onError?.(new Error(msg.log));
      if (msg.id === undefined) return;
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (msg.error) w?.reject(new Error(msg.error));
      else w?.resolve();
    });
    this.child = child;
    return child;
  }

  private call(op: "sync" | "cleanup", plan?: UserspacePlan): Promise<void> {
    const child = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      child.stdin!.write(`${JSON.stringify({ id, op, plan })}\n`);
    });
  }

  sync(plan: UserspacePlan): Promise<void> {
    return this.call("sync", plan);
  }

  cleanup(): Promise<void> {
    return this.call("cleanup");
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  }
}
