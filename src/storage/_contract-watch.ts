/** Contract: watch from a revision, from now, history → live, prefix, abort, slow consumers. */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { isStoreError } from "../machinery/index.js";
import type { StoreEvent } from "./store.js";
import {
  type ContractContext,
  describeEvents,
  mark,
  mustCreate,
  mustUpdate,
  staysQuiet,
  storeTest,
  take,
  watchError,
  withTimeout,
} from "./_contract-support.js";

export function defineWatchTests(ctx: ContractContext): void {
  storeTest(ctx, "watch from a revision replays history after it, then live changes, in order", async (store) => {
    const a = await mustCreate(store, "/t/a", "1");
    await mustUpdate(store, "/t/a", "2");
    await mustCreate(store, "/t/b", "1");
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: a.modRevision, signal: ac.signal })[Symbol.asyncIterator]();
    const history = await take(iter, 2);
    assert.deepEqual(describeEvents(history), [`put /t/a=2@${a.modRevision + 1}`, `put /t/b=1@${a.modRevision + 2}`]);
    assert.ok((await store.delete("/t/a")).ok);
    const live = await take(iter, 1);
    assert.deepEqual(describeEvents(live), [`delete /t/a@${a.modRevision + 3}`]);
    ac.abort();
  });

  storeTest(ctx, "watch from 0 sees only changes made after the call", async (store) => {
    await mustCreate(store, "/t/old", "1");
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    const kv = await mustCreate(store, "/t/new", "1");
    assert.deepEqual(describeEvents(await take(iter, 1)), [`put /t/new=1@${kv.modRevision}`]);
    ac.abort();
  });

  storeTest(ctx, "watch delivers only keys under its prefix", async (store) => {
    const start = await mark(store);
    const ac = new AbortController();
    const iter = store.watch("/t/a/", { fromRevision: start, signal: ac.signal })[Symbol.asyncIterator]();
    await mustCreate(store, "/t/ab", "no");
    await mustCreate(store, "/t/b/1", "no");
    const kv = await mustCreate(store, "/t/a/1", "yes");
    assert.deepEqual(describeEvents(await take(iter, 1)), [`put /t/a/1=yes@${kv.modRevision}`]);
    ac.abort();
  });

  storeTest(ctx, "events carry prev: none on create, the old value on update and delete", async (store) => {
    const start = await mark(store);
    const created = await mustCreate(store, "/t/a", "1");
    const updated = await mustUpdate(store, "/t/a", "2");
    const del = await store.delete("/t/a");
    assert.ok(del.ok);
    const ac = new AbortController();
    const [c, u, d] = await take(store.watch("/t/", { fromRevision: start, signal: ac.signal })[Symbol.asyncIterator](), 3);
    ac.abort();
    assert.deepEqual(c, { type: "put", kv: created } satisfies StoreEvent);
    assert.deepEqual(u?.prev, created);
    assert.deepEqual(u?.kv, updated);
    assert.equal(d?.type, "delete");
    assert.deepEqual(d?.kv, { ...updated, modRevision: del.revision });
    assert.deepEqual(d?.prev, updated);
  });

  storeTest(ctx, "watch across the switch from history to live has no gap or duplicate", async (store) => {
    const start = await mark(store);
    for (let i = 0; i < 2_500; i++) await mustCreate(store, `/t/h${i}`, `${i}`);
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: start, signal: ac.signal })[Symbol.asyncIterator]();
    // Keep writing while the watch is still replaying history.
    const writer = (async () => {
      for (let i = 0; i < 500; i++) await mustCreate(store, `/t/l${i}`, `${i}`);
    })();
    const events = await take(iter, 3_000, 20_000);
    await writer;
    ac.abort();
    events.forEach((ev, i) => assert.equal(ev.kv.modRevision, start + 1 + i, `event ${i}`));
  });

  storeTest(ctx, "watch from a revision older than the compacted one fails with compacted", async (store) => {
    const a = await mustCreate(store, "/t/a", "1");
    await mustUpdate(store, "/t/a", "2");
    const b = await mustUpdate(store, "/t/a", "3");
    await store.compact(b.modRevision);
    const err = await watchError(store.watch("/t/", { fromRevision: a.modRevision })[Symbol.asyncIterator]());
    assert.ok(isStoreError(err, "compacted"), `expected compacted, got ${String(err)}`);
    assert.equal(err.compactRevision, b.modRevision);
  });

  storeTest(ctx, "aborting the signal ends a waiting watch", async (store) => {
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    const pending = iter.next();
    ac.abort();
    const r = await withTimeout(pending, 2_000, "for the aborted watch to end");
    assert.equal(r.done, true);
    await mustCreate(store, "/t/after", "1");
    assert.equal((await iter.next()).done, true);
  });

  storeTest(ctx, "a watch whose signal is already aborted yields nothing", async (store) => {
    await mustCreate(store, "/t/a", "1");
    const ac = new AbortController();
    ac.abort();
    const seen: StoreEvent[] = [];
    for await (const ev of store.watch("/t/", { fromRevision: 0, signal: ac.signal })) seen.push(ev);
    assert.deepEqual(seen, []);
  });

  storeTest(ctx, "breaking out of for-await ends the watch", async (store) => {
    const start = await mark(store);
    await mustCreate(store, "/t/a", "1");
    await mustCreate(store, "/t/b", "1");
    let n = 0;
    for await (const ev of store.watch("/t/", { fromRevision: start })) {
      assert.equal(ev.kv.key, "/t/a");
      n++;
      break;
    }
    assert.equal(n, 1);
  });

  storeTest(ctx, "a watch that ends leaves no listener on its signal", async (store) => {
    const start = await mark(store);
    await mustCreate(store, "/t/a", "1");
    const ac = new AbortController();
    for await (const ev of store.watch("/t/", { fromRevision: start, signal: ac.signal })) {
      assert.equal(getEventListeners(ac.signal, "abort").length > 0, true, "a live watch listens for abort");
      assert.equal(ev.kv.key, "/t/a");
      break;
    }
    assert.equal(getEventListeners(ac.signal, "abort").length, 0, "after break");
    const iter = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    await iter.return?.();
    assert.equal(getEventListeners(ac.signal, "abort").length, 0, "after return()");
    const waiting = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    const pending = waiting.next();
    ac.abort();
    assert.equal((await pending).done, true);
    assert.equal(getEventListeners(ac.signal, "abort").length, 0, "after abort");
  });

  storeTest(ctx, "a watch waits quietly when nothing changes", async (store) => {
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    await staysQuiet(iter, 50);
    ac.abort();
  });

  storeTest(ctx, "a watcher that stops reading is ended with unavailable and never blocks writers", async (store) => {
    const ac = new AbortController();
    const iter = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    const writes = await Promise.all(Array.from({ length: 10_100 }, (_, i) => store.create(`/t/k${i}`, "x")));
    assert.ok(writes.every((w) => w.ok));
    const err = await watchError(iter);
    assert.ok(isStoreError(err, "unavailable"), `expected unavailable, got ${String(err)}`);
    assert.equal(getEventListeners(ac.signal, "abort").length, 0, "the ended watch let go of its signal");
    assert.equal((await iter.next()).done, true, "after its error the watch is finished");
    ac.abort();
  });

  storeTest(ctx, "two watches on one prefix each see every event", async (store) => {
    const ac = new AbortController();
    const w1 = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    const w2 = store.watch("/t/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
    await mustCreate(store, "/t/a", "1");
    await mustCreate(store, "/t/b", "1");
    assert.deepEqual(describeEvents(await take(w1, 2)), describeEvents(await take(w2, 2)));
    ac.abort();
  });
}
