/** Contract: range (prefix, limit, startKey, more, at a revision) and count. */
import assert from "node:assert/strict";
import { isStoreError } from "../machinery/index.js";
import type { Store } from "./store.js";
import { type ContractContext, mustCreate, mustUpdate, storeTest } from "./_contract-support.js";

async function seed(store: Store, keys: string[]): Promise<void> {
  for (const k of keys) await mustCreate(store, k, `v:${k}`);
}

export function defineRangeTests(ctx: ContractContext): void {
  storeTest(ctx, "range returns the keys under a prefix in ascending order", async (store) => {
    await seed(store, ["/t/b/2", "/t/a/1", "/t/b/1", "/t/bb/1", "/t/b", "/t/c/1", "/u/b/1"]);
    const r = await store.range("/t/b/");
    assert.deepEqual(
      r.kvs.map((kv) => kv.key),
      ["/t/b/1", "/t/b/2"],
    );
    assert.equal(r.more, false);
    assert.equal(r.revision, await store.currentRevision());
    assert.deepEqual(
      (await store.range("/t/")).kvs.map((kv) => kv.key),
      ["/t/a/1", "/t/b", "/t/b/1", "/t/b/2", "/t/bb/1", "/t/c/1"],
    );
    assert.deepEqual((await store.range("/none/")).kvs, []);
  });

  storeTest(ctx, "range with the empty prefix returns every key", async (store) => {
    await seed(store, ["/b", "/a/1", "/z"]);
    assert.deepEqual(
      (await store.range("")).kvs.map((kv) => kv.key),
      ["/a/1", "/b", "/z"],
    );
    assert.equal(await store.count(""), 3);
  });

  storeTest(ctx, "range returns full key values", async (store) => {
    const kv = await mustCreate(store, "/t/a", "1");
    const updated = await mustUpdate(store, "/t/a", "2");
    assert.deepEqual((await store.range("/t/")).kvs, [{ ...updated, createRevision: kv.createRevision }]);
  });

  storeTest(ctx, "range with a limit reports more, and startKey continues from a key inclusive", async (store) => {
    const keys = Array.from({ length: 7 }, (_, i) => `/t/k${i}`);
    await seed(store, keys);
    const page1 = await store.range("/t/", { limit: 3 });
    assert.deepEqual(
      page1.kvs.map((kv) => kv.key),
      keys.slice(0, 3),
    );
    assert.equal(page1.more, true);
    const page2 = await store.range("/t/", { limit: 3, startKey: "/t/k3", revision: page1.revision });
    assert.deepEqual(
      page2.kvs.map((kv) => kv.key),
      keys.slice(3, 6),
    );
    assert.equal(page2.more, true);
    const page3 = await store.range("/t/", { limit: 3, startKey: "/t/k6", revision: page1.revision });
    assert.deepEqual(
      page3.kvs.map((kv) => kv.key),
      keys.slice(6),
    );
    assert.equal(page3.more, false);
    const exact = await store.range("/t/", { limit: 7 });
    assert.equal(exact.kvs.length, 7);
    assert.equal(exact.more, false);
  });

  storeTest(ctx, "range with a startKey between keys or before the prefix", async (store) => {
    await seed(store, ["/t/a", "/t/c", "/t/e"]);
    assert.deepEqual(
      (await store.range("/t/", { startKey: "/t/b" })).kvs.map((kv) => kv.key),
      ["/t/c", "/t/e"],
    );
    assert.deepEqual(
      (await store.range("/t/", { startKey: "/a" })).kvs.map((kv) => kv.key),
      ["/t/a", "/t/c", "/t/e"],
    );
    assert.deepEqual((await store.range("/t/", { startKey: "/t/z" })).kvs, []);
  });

  storeTest(ctx, "range at an older revision sees the keys and values as they were", async (store) => {
    await seed(store, ["/t/a", "/t/b"]);
    const at = await store.currentRevision();
    await mustUpdate(store, "/t/a", "changed");
    assert.ok((await store.delete("/t/b")).ok);
    await mustCreate(store, "/t/c", "new");
    const old = await store.range("/t/", { revision: at });
    assert.equal(old.revision, at);
    assert.deepEqual(
      old.kvs.map((kv) => `${kv.key}=${kv.value}`),
      ["/t/a=v:/t/a", "/t/b=v:/t/b"],
    );
    const now = await store.range("/t/");
    assert.deepEqual(
      now.kvs.map((kv) => `${kv.key}=${kv.value}`),
      ["/t/a=changed", "/t/c=new"],
    );
    const paged = await store.range("/t/", { revision: at, limit: 1 });
    assert.deepEqual(
      paged.kvs.map((kv) => kv.key),
      ["/t/a"],
    );
    assert.equal(paged.more, true);
  });

  storeTest(ctx, "reading at a future revision fails with unavailable", async (store) => {
    await seed(store, ["/t/a"]);
    const future = (await store.currentRevision()) + 100;
    await assert.rejects(store.range("/t/", { revision: future }), (err) => isStoreError(err, "unavailable"));
    await assert.rejects(store.get("/t/a", { revision: future }), (err) => isStoreError(err, "unavailable"));
  });

  storeTest(ctx, "count counts the live keys under a prefix", async (store) => {
    await seed(store, ["/t/a/1", "/t/a/2", "/t/a/3", "/t/ab", "/t/b/1"]);
    assert.ok((await store.delete("/t/a/2")).ok);
    assert.equal(await store.count("/t/a/"), 2);
    assert.equal(await store.count("/t/"), 4);
    assert.equal(await store.count("/none/"), 0);
  });
}
