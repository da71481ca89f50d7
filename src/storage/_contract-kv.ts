/** Contract: revisions, create/update/delete with compare-and-swap, get. */
import assert from "node:assert/strict";
import { isStoreError } from "../machinery/index.js";
import { type ContractContext, mustCreate, mustUpdate, storeTest } from "./_contract-support.js";

export function defineKeyValueTests(ctx: ContractContext): void {
  storeTest(ctx, "every write takes the next revision and the revision only grows", async (store) => {
    const start = await store.currentRevision();
    const a = await mustCreate(store, "/t/a", "1");
    assert.equal(a.modRevision, start + 1);
    assert.equal(a.createRevision, start + 1);
    const b = await mustUpdate(store, "/t/a", "2");
    assert.equal(b.modRevision, start + 2);
    const d = await store.delete("/t/a");
    assert.ok(d.ok);
    assert.equal(d.revision, start + 3);
    assert.equal(await store.currentRevision(), start + 3);
  });

  storeTest(ctx, "a failed write takes no revision", async (store) => {
    const kv = await mustCreate(store, "/t/a", "1");
    assert.equal((await store.create("/t/a", "again")).ok, false);
    assert.equal((await store.update("/t/a", "x", { expectedModRevision: kv.modRevision - 1 })).ok, false);
    assert.equal((await store.delete("/t/missing")).ok, false);
    assert.equal(await store.currentRevision(), kv.modRevision);
  });

  storeTest(ctx, "create succeeds only when the key is absent", async (store) => {
    const kv = await mustCreate(store, "/t/a", "first");
    assert.deepEqual(kv, { key: "/t/a", value: "first", createRevision: kv.modRevision, modRevision: kv.modRevision });
    const again = await store.create("/t/a", "second");
    assert.deepEqual(again, { ok: false, current: kv });
    assert.equal((await store.get("/t/a")).kv?.value, "first");
  });

  storeTest(ctx, "create after delete starts a new createRevision", async (store) => {
    const first = await mustCreate(store, "/t/a", "1");
    assert.ok((await store.delete("/t/a")).ok);
    const second = await mustCreate(store, "/t/a", "2");
    assert.ok(second.createRevision > first.createRevision);
    assert.equal(second.createRevision, second.modRevision);
  });

  storeTest(ctx, "update without expectedModRevision overwrites and keeps createRevision", async (store) => {
    const created = await mustCreate(store, "/t/a", "1");
    const updated = await mustUpdate(store, "/t/a", "2");
    assert.equal(updated.value, "2");
    assert.equal(updated.createRevision, created.createRevision);
    assert.ok(updated.modRevision > created.modRevision);
  });

  storeTest(ctx, "update at the current modRevision succeeds", async (store) => {
    const created = await mustCreate(store, "/t/a", "1");
    const r = await store.update("/t/a", "2", { expectedModRevision: created.modRevision });
    assert.ok(r.ok);
    assert.equal(r.kv.value, "2");
  });

  storeTest(ctx, "update at a stale modRevision returns ok:false with the current value", async (store) => {
    const created = await mustCreate(store, "/t/a", "1");
    const current = await mustUpdate(store, "/t/a", "2");
    const r = await store.update("/t/a", "3", { expectedModRevision: created.modRevision });
    assert.deepEqual(r, { ok: false, current });
    assert.equal((await store.get("/t/a")).kv?.value, "2");
  });

  storeTest(ctx, "update of a missing key returns ok:false without current", async (store) => {
    const r = await store.update("/t/missing", "x");
    assert.equal(r.ok, false);
    assert.equal(r.ok ? undefined : r.current, undefined);
    assert.equal((await store.get("/t/missing")).kv, undefined);
  });

  storeTest(ctx, "delete returns the previous value and the delete's revision", async (store) => {
    const kv = await mustCreate(store, "/t/a", "last");
    const r = await store.delete("/t/a");
    assert.deepEqual(r, { ok: true, revision: kv.modRevision + 1, prev: kv });
    assert.equal((await store.get("/t/a")).kv, undefined);
  });

  storeTest(ctx, "delete at a stale modRevision returns ok:false with the current value and keeps the key", async (store) => {
    const created = await mustCreate(store, "/t/a", "1");
    const current = await mustUpdate(store, "/t/a", "2");
    assert.deepEqual(await store.delete("/t/a", { expectedModRevision: created.modRevision }), { ok: false, current });
    assert.equal((await store.get("/t/a")).kv?.value, "2");
    const r = await store.delete("/t/a", { expectedModRevision: current.modRevision });
    assert.ok(r.ok);
  });

  storeTest(ctx, "delete of a missing key returns ok:false without current", async (store) => {
    const r = await store.delete("/t/missing");
    assert.equal(r.ok, false);
    assert.equal(r.ok ? undefined : r.current, undefined);
  });

  storeTest(ctx, "get returns the value and the revision it was read at", async (store) => {
    const kv = await mustCreate(store, "/t/a", "1");
    await mustCreate(store, "/t/b", "2");
    const r = await store.get("/t/a");
    assert.deepEqual(r, { kv, revision: kv.modRevision + 1 });
    const missing = await store.get("/t/none");
    assert.equal(missing.kv, undefined);
    assert.equal(missing.revision, kv.modRevision + 1);
  });

  storeTest(ctx, "get at an older revision returns the value as it was then", async (store) => {
    const before = await mustCreate(store, "/t/other", "0");
    const v1 = await mustCreate(store, "/t/a", "1");
    const v2 = await mustUpdate(store, "/t/a", "2");
    const del = await store.delete("/t/a");
    assert.ok(del.ok);
    assert.equal((await store.get("/t/a", { revision: before.modRevision })).kv, undefined);
    assert.deepEqual((await store.get("/t/a", { revision: v1.modRevision })).kv, v1);
    assert.deepEqual((await store.get("/t/a", { revision: v2.modRevision })).kv, v2);
    assert.equal((await store.get("/t/a", { revision: del.revision })).kv, undefined);
    assert.equal((await store.get("/t/a", { revision: v2.modRevision })).revision, v2.modRevision);
  });

  storeTest(ctx, "values round-trip unchanged", async (store) => {
    const values = ["", "plain", '{"kind":"Pod","metadata":{"name":"ü-名前-🚀"}}', "line\nbreak\ttab\u0000nul", "x".repeat(512 * 1024)];
    for (const [i, value] of values.entries()) await mustCreate(store, `/t/v${i}`, value);
    for (const [i, value] of values.entries()) assert.equal((await store.get(`/t/v${i}`)).kv?.value, value);
  });

  storeTest(ctx, "a value over the size limit is refused with tooLarge and changes nothing", async (store) => {
    const before = await store.currentRevision();
    await assert.rejects(store.create("/t/big", "x".repeat(2 * 1024 * 1024)), (err) => isStoreError(err, "tooLarge"));
    assert.equal(await store.currentRevision(), before);
    assert.equal((await store.get("/t/big")).kv, undefined);
  });

  storeTest(ctx, "concurrent compare-and-swaps on one key: exactly one wins", async (store) => {
    const kv = await mustCreate(store, "/t/a", "0");
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.update("/t/a", `w${i}`, { expectedModRevision: kv.modRevision })),
    );
    const winners = results.filter((r) => r.ok);
    assert.equal(winners.length, 1);
    for (const r of results) if (!r.ok) assert.equal(r.current?.modRevision, kv.modRevision + 1);
  });

  storeTest(ctx, "concurrent creates each get a distinct revision and all are readable", async (store) => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/t/k${String(i).padStart(3, "0")}`, `${i}`)));
    const revisions = results.map((r) => (r.ok ? r.kv.modRevision : -1));
    assert.equal(new Set(revisions).size, 200);
    assert.ok(!revisions.includes(-1));
    const all = await store.range("/t/");
    assert.equal(all.kvs.length, 200);
    assert.equal(all.revision, Math.max(...revisions));
  });
}
