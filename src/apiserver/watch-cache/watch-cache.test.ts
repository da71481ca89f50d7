import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { StoreError } from "../../machinery/index.js";
import { MemoryStore, type Store, type StoreEvent } from "../../storage/index.js";
import { WatchCache, resourcePrefixOf } from "./watch-cache.js";

const pods = "/registry/core/pods/";
const cms = "/registry/core/configmaps/";

class CountingStore extends MemoryStore {
  watches = 0;
  /** The next event a watch would deliver ends it with `unavailable` instead (a watcher that fell behind). */
  breakWatches = false;
  override watch(prefix: string, options: Parameters<Store["watch"]>[1]): AsyncIterable<StoreEvent> {
    this.watches++;
    const inner = super.watch(prefix, options);
    const self = this;
    return (async function* () {
      for await (const ev of inner) {
        if (self.breakWatches) {
          self.breakWatches = false;
          throw new StoreError("unavailable", "fell behind");
        }
        yield ev;
      }
    })();
  }
}

describe("WatchCache", () => {
  let store: CountingStore;
  let cache: WatchCache;
  beforeEach(() => {
    store = new CountingStore();
  });
  afterEach(async () => {
    await cache.close();
    await store.close();
  });

  it("loads each resource and follows the store: N watchers, one store watch, events in order", async () => {
    await store.create(`${pods}ns1/a`, '{"n":1}');
    cache = new WatchCache({ store });
    await cache.start([pods, cms]);
    const c = cache.resource(pods)!;
    assert.deepEqual(c.list(pods).map((kv) => kv.key), [`${pods}ns1/a`]);
    const seen: string[][] = [[], [], []];
    const from = c.revision();
    for (const [i, prefix] of [pods, `${pods}ns1/`, `${pods}ns2/`].entries()) {
      c.watch({ prefix, onEvent: (ev) => seen[i]!.push(`${ev.type} ${ev.kv.key}@${ev.kv.modRevision}`), onReset: () => undefined }, from);
    }
    const b = await store.create(`${pods}ns2/b`, "{}");
    await store.create(`${cms}ns1/x`, "{}");
    const d = await store.delete(`${pods}ns1/a`);
    assert.ok(b.ok && d.ok);
    assert.ok(await cache.waitFor(d.revision));
    assert.equal(store.watches, 1, "one store watch for every cache and watcher");
    assert.deepEqual(seen[0], [`put ${pods}ns2/b@${b.kv.modRevision}`, `delete ${pods}ns1/a@${d.revision}`]);
    assert.deepEqual(seen[1], [`delete ${pods}ns1/a@${d.revision}`]);
    assert.deepEqual(seen[2], [`put ${pods}ns2/b@${b.kv.modRevision}`]);
    assert.deepEqual(c.list(pods).map((kv) => kv.key), [`${pods}ns2/b`]);
    assert.equal(c.revision(), d.revision);
  });

  it("tells whether anything is under a prefix without listing, as objects come and go", async () => {
    cache = new WatchCache({ store });
    await cache.start([pods]);
    const c = cache.resource(pods)!;
    assert.equal(c.hasAny(`${pods}ns1/`), false);
    await store.create(`${pods}ns1/a`, "{}");
    const b = await store.create(`${pods}ns10/b`, "{}");
    assert.ok(b.ok && (await cache.waitFor(b.kv.modRevision)));
    assert.equal(c.hasAny(`${pods}ns1/`), true);
    assert.equal(c.hasAny(`${pods}ns2/`), false, "a key after the prefix is not under it");
    assert.equal(c.hasAny(`${pods}ns0/`), false, "a key before the prefix is not under it");
    const d = await store.delete(`${pods}ns1/a`);
    assert.ok(d.ok && (await cache.waitFor(d.revision)));
    assert.equal(c.hasAny(`${pods}ns1/`), false, "ns10 is another namespace");
    assert.equal(c.hasAny(pods), true);
  });

  it("replays history after a revision and refuses starts older than its history", async () => {
    cache = new WatchCache({ store, historyLimit: 100 });
    await cache.start([pods]);
    const c = cache.resource(pods)!;
    const start = c.revision();
    for (let i = 0; i < 150; i++) await store.create(`${pods}ns/p${String(i).padStart(3, "0")}`, "{}");
    assert.ok(await cache.waitFor(start + 150));
    const replayed: number[] = [];
    const sub = c.watch({ prefix: pods, onEvent: (ev) => replayed.push(ev.kv.modRevision), onReset: () => undefined }, start + 120);
    assert.ok(sub);
    assert.deepEqual(replayed, Array.from({ length: 30 }, (_, i) => start + 121 + i));
    assert.equal(c.watch({ prefix: pods, onEvent: () => undefined, onReset: () => undefined }, start + 10), undefined, "older than the history");
    assert.equal(c.oldestRevision(), start + 50);
    assert.equal(c.list(pods).length, 150);
  });

  it("waitFor resolves once the revision is applied, or false after the timeout", async () => {
    cache = new WatchCache({ store, catchUpTimeoutMs: 50 });
    await cache.start([pods]);
    const now = await store.currentRevision();
    assert.equal(await cache.waitFor(now + 5), false);
    const waiting = cache.waitFor(now + 1, 2_000);
    await store.create(`${pods}x/y`, "{}");
    assert.equal(await waiting, true);
  });

  it("loads a resource first asked for later, with nothing lost between its range and the watch", async () => {
    cache = new WatchCache({ store });
    await cache.start([]);
    assert.equal(cache.resource(cms), undefined, "starts loading");
    const writes = Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`${cms}ns/c${i}`, "{}")));
    await writes;
    assert.ok(await cache.waitFor(await store.currentRevision()));
    for (let i = 0; i < 100 && !cache.resource(cms); i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(cache.resource(cms)?.list(cms).length, 50);
  });

  it("resumes a broken store watch where it stopped, and rebuilds (ending its watchers) when that is compacted", async () => {
    await store.create("/registry/core/namespaces/default", "{}");
    cache = new WatchCache({ store });
    await cache.start([pods]);
    let reset = 0;
    const seen: string[] = [];
    cache.resource(pods)!.watch({ prefix: pods, onEvent: (ev) => seen.push(ev.kv.key), onReset: () => reset++ }, cache.revision);
    // Broken once: resumes from the last applied revision, nothing lost.
    store.breakWatches = true;
    await store.create(`${pods}a/1`, "{}");
    await store.create(`${pods}a/2`, "{}");
    assert.ok(await cache.waitFor(await store.currentRevision(), 2_000));
    assert.deepEqual(seen, [`${pods}a/1`, `${pods}a/2`]);
    assert.equal(reset, 0);
    // Broken, and compacted past before it resumes: rebuilt from a fresh range.
    store.breakWatches = true;
    await store.create(`${pods}a/3`, "{}");
    await store.delete(`${pods}a/1`);
    await store.compact(await store.currentRevision());
    assert.ok(await cache.waitFor(await store.currentRevision(), 2_000));
    for (let i = 0; i < 100 && !cache.resource(pods); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(reset, 1, "watchers of the old cache are ended");
    assert.deepEqual(cache.resource(pods)!.list(pods).map((kv) => kv.key), [`${pods}a/2`, `${pods}a/3`]);
    assert.equal(store.watches, 3);
  });

  it("finds a key's resource prefix", () => {
    assert.equal(resourcePrefixOf("/registry/core/pods/ns/a"), "/registry/core/pods/");
    assert.equal(resourcePrefixOf("/registry/apps/deployments/ns/a"), "/registry/apps/deployments/");
    assert.equal(resourcePrefixOf("/mark"), undefined);
  });
});
