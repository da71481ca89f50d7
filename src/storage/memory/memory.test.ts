import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runStoreContract } from "../contract.js";
import { MemoryStore } from "./memory-store.js";

runStoreContract({ name: "MemoryStore", newStore: () => new MemoryStore() });

describe("MemoryStore", () => {
  it("frees every watch registration when watches end", async () => {
    const store = new MemoryStore();
    const ac = new AbortController();
    const w1 = store.watch("/a/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    const w2 = store.watch("/a/", { fromRevision: 0 })[Symbol.asyncIterator]();
    assert.equal(store.watchCount, 2);
    ac.abort();
    assert.equal(store.watchCount, 1);
    await w2.return?.();
    assert.equal(store.watchCount, 0);
    assert.equal((await w1.next()).done, true);
    await store.close();
  });

  it("ends a slow watch at its buffer limit", async () => {
    const store = new MemoryStore({ watchBufferLimit: 5 });
    const iter = store.watch("/a/", { fromRevision: 0 })[Symbol.asyncIterator]();
    for (let i = 0; i < 6; i++) await store.create(`/a/${i}`, "x");
    assert.equal(store.watchCount, 0);
    await assert.rejects(iter.next(), { code: "unavailable" });
    assert.equal((await iter.next()).done, true);
    await store.close();
  });

  it("fails open watches and refuses calls after close", async () => {
    const store = new MemoryStore();
    const iter = store.watch("/a/", { fromRevision: 0 })[Symbol.asyncIterator]();
    const pending = iter.next();
    await store.close();
    await assert.rejects(pending, { code: "unavailable" });
    await assert.rejects(store.create("/a/x", "1"), { code: "unavailable" });
  });

  it("compaction drops superseded versions and deleted keys", async () => {
    const store = new MemoryStore();
    await store.create("/a/1", "1");
    await store.update("/a/1", "2");
    await store.create("/a/2", "1");
    await store.delete("/a/2");
    const at = await store.currentRevision();
    await store.create("/a/2", "again");
    await store.compact(at);
    assert.deepEqual(
      (await store.range("/a/", { revision: at })).kvs.map((kv) => kv.value),
      ["2"],
    );
    assert.equal((await store.get("/a/2")).kv?.value, "again");
    await store.close();
  });
});
