import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isStoreError } from "../../machinery/index.js";
import { GroupCommit } from "./_group-commit.js";

function recorder(options: { failOn?: number; maxBatch?: number; minIntervalMs?: number } = {}) {
  const batches: number[] = [];
  let applied: string[] = [];
  const commits = new GroupCommit({
    maxBatch: options.maxBatch ?? 1_000,
    minIntervalMs: options.minIntervalMs,
    commit: (body) => {
      const before = applied;
      applied = [...applied];
      const size = applied.length;
      body();
      batches.push(applied.length - size);
      if (batches.length === options.failOn) {
        applied = before; // roll back
        throw new Error("disk full");
      }
    },
  });
  const write = (name: string) =>
    commits.submit(() => {
      applied.push(name);
      return `${name}@${applied.length}`;
    });
  return { commits, batches, write, applied: () => applied };
}

describe("GroupCommit", () => {
  it("commits writes submitted in one tick as one batch and gives each caller its own result", async () => {
    const r = recorder();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => r.write(`w${i}`)));
    assert.deepEqual(r.batches, [100]);
    assert.deepEqual(results.slice(0, 2), ["w0@1", "w1@2"]);
    assert.equal(results[99], "w99@100");
  });

  it("starts a new batch for writes submitted after the commit", async () => {
    const r = recorder();
    await r.write("a");
    await Promise.all([r.write("b"), r.write("c")]);
    assert.deepEqual(r.batches, [1, 2]);
  });

  it("splits a large queue into batches of at most maxBatch", async () => {
    const r = recorder({ maxBatch: 40 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => r.write(`w${i}`)));
    assert.deepEqual(r.batches, [40, 40, 20]);
  });

  it("rejects every write of a batch that failed to commit with unavailable, and only those", async () => {
    const r = recorder({ failOn: 1 });
    const failed = await Promise.allSettled([r.write("a"), r.write("b")]);
    for (const f of failed) {
      assert.equal(f.status, "rejected");
      assert.ok(isStoreError(f.status === "rejected" ? f.reason : undefined, "unavailable"));
    }
    assert.equal(await r.write("c"), "c@1");
  });

  it("with minIntervalMs, gathers writes submitted over several ticks after a commit into one batch", async () => {
    const r = recorder({ minIntervalMs: 50 });
    await r.write("a");
    const later = [r.write("b")];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      later.push(r.write(`c${i}`));
    }
    await Promise.all(later);
    assert.deepEqual(r.batches, [1, 4]);
  });

  it("with minIntervalMs, an idle store still commits on the next tick", async () => {
    const r = recorder({ minIntervalMs: 20 });
    await r.write("a");
    await new Promise((resolve) => setTimeout(resolve, 30));
    const t = performance.now();
    await r.write("b");
    assert.ok(performance.now() - t < 15, "the second write waited for the interval although the store was idle");
    assert.deepEqual(r.batches, [1, 1]);
  });

  it("drain waits for queued writes", async () => {
    const r = recorder();
    void r.write("a");
    void r.write("b");
    await r.commits.drain();
    assert.deepEqual(r.applied(), ["a", "b"]);
  });
});
