/** Contract: compaction keeps the state at its revision and forgets what came before. */
import assert from "node:assert/strict";
import { isStoreError } from "../machinery/index.js";
import { type ContractContext, describeEvents, mark, mustCreate, mustUpdate, storeTest, take } from "./_contract-support.js";

export function defineCompactionTests(ctx: ContractContext): void {
  storeTest(ctx, "compaction keeps the state at its revision; older reads fail with compacted", async (store) => {
    const a1 = await mustCreate(store, "/t/a", "1");
    await mustCreate(store, "/t/b", "1");
    await mustUpdate(store, "/t/a", "2");
    assert.ok((await store.delete("/t/b")).ok);
    await mustCreate(store, "/t/c", "1");
    const at = await store.currentRevision();
    await mustUpdate(store, "/t/c", "2");
    await store.compact(at);
    assert.equal(await store.compactedRevision(), at);

    const state = await store.range("/t/", { revision: at });
    assert.deepEqual(
      state.kvs.map((kv) => `${kv.key}=${kv.value}`),
      ["/t/a=2", "/t/c=1"],
    );
    assert.deepEqual(
      (await store.range("/t/")).kvs.map((kv) => `${kv.key}=${kv.value}`),
      ["/t/a=2", "/t/c=2"],
    );
    assert.equal((await store.get("/t/b", { revision: at })).kv, undefined);
    await assert.rejects(store.range("/t/", { revision: a1.modRevision }), (err) => {
      assert.ok(isStoreError(err, "compacted"));
      assert.equal(err.compactRevision, at);
      return true;
    });
    await assert.rejects(store.get("/t/a", { revision: at - 1 }), (err) => isStoreError(err, "compacted"));
  });

  storeTest(ctx, "compacting at or below the compacted revision changes nothing", async (store) => {
    await mustCreate(store, "/t/a", "1");
    const at = (await mustUpdate(store, "/t/a", "2")).modRevision;
    await mustUpdate(store, "/t/a", "3");
    await store.compact(at);
    await store.compact(at);
    await store.compact(at - 1);
    assert.equal(await store.compactedRevision(), at);
    assert.equal((await store.get("/t/a", { revision: at })).kv?.value, "2");
  });

  storeTest(ctx, "compacting at a future revision fails and changes nothing", async (store) => {
    await mustCreate(store, "/t/a", "1");
    const before = await store.compactedRevision();
    await assert.rejects(store.compact((await store.currentRevision()) + 10));
    assert.equal(await store.compactedRevision(), before);
  });

  storeTest(ctx, "a watch from exactly the compacted revision replays what follows", async (store) => {
    await mustCreate(store, "/t/a", "1");
    const at = (await mustUpdate(store, "/t/a", "2")).modRevision;
    const next = await mustUpdate(store, "/t/a", "3");
    await store.compact(at);
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: at, signal: ac.signal })[Symbol.asyncIterator]();
    assert.deepEqual(describeEvents(await take(iter, 1)), [`put /t/a=3@${next.modRevision}`]);
    ac.abort();
  });

  storeTest(ctx, "a watch still replaying history fails with compacted when compaction passes it", async (store) => {
    const start = await mark(store);
    for (let i = 0; i < 3_000; i++) await mustCreate(store, `/t/k${i}`, `${i}`);
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: start, signal: ac.signal })[Symbol.asyncIterator]();
    const [first] = await take(iter, 1);
    assert.equal(first?.kv.modRevision, start + 1);
    await store.compact(await store.currentRevision());
    // Whatever was already read out arrives in order; then the watch fails.
    const seen: number[] = [];
    let err: unknown;
    for (;;) {
      try {
        const r = await iter.next();
        if (r.done) break;
        seen.push(r.value.kv.modRevision);
      } catch (e) {
        err = e;
        break;
      }
    }
    ac.abort();
    assert.ok(isStoreError(err, "compacted"), `expected compacted, got ${String(err)}`);
    seen.forEach((rev, i) => assert.equal(rev, start + 2 + i));
    assert.ok(seen.length < 2_999, "the watch must not deliver past the compaction");
  });
}
