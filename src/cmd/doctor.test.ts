import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { runChecks } from "./doctor.js";

describe("k8ts doctor", () => {
  it("fails a port something already listens on, naming the fix, and passes a free one", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as { port: number }).port;
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, "127.0.0.1", r));
    const freePort = (free.address() as { port: number }).port;
    await new Promise<void>((r) => free.close(() => r()));
    try {
      const checks = await runChecks({ host: "127.0.0.1", ports: [port, freePort] });
      const taken = checks.find((c) => c.name === `port ${port}`)!;
      assert.equal(taken.level, "fail");
      assert.match(taken.fix ?? "", new RegExp(`sport = :${port}`));
      assert.equal(checks.find((c) => c.name === `port ${freePort}`)?.level, "ok");
      // Every check that is not ok says how to fix it.
      for (const c of checks) if (c.level !== "ok") assert.ok(c.fix, `${c.name} has no fix`);
      assert.ok(checks.some((c) => c.name === "Node.js" && c.level === "ok"));
    } finally {
      busy.close();
    }
  });
});
