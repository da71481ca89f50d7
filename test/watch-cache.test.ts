/**
 * The watch cache through the API server: N watchers (HTTP and in-process, with selectors)
 * cost no store watch of their own, every watcher gets every matching event in order with
 * store revisions, LISTs are served at the cache's revision, and in-process watchers share
 * one decoded object per event (read-only: frozen under the cache mutation detector).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinRegistry, type KubeObject } from "../src/api/index.js";
import { startApiServer, type RunningApiServer } from "../src/apiserver/index.js";
import { Client, httpTransport, inProcessTransport, resources, type HttpTransport } from "../src/client/index.js";
import { ensurePki } from "../src/cmd/pki.js";
import { MemoryStore, type Store, type StoreEvent } from "../src/storage/index.js";

class CountingStore extends MemoryStore {
  watches = 0;
  override watch(prefix: string, options: Parameters<Store["watch"]>[1]): AsyncIterable<StoreEvent> {
    this.watches++;
    return super.watch(prefix, options);
  }
}

describe("watch cache through the API", () => {
  let dir = "";
  let store: CountingStore;
  let server: RunningApiServer;
  let transport: HttpTransport;
  let http: Client;
  let local: Client;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-watch-cache-"));
    const pki = await ensurePki(join(dir, "pki"), { bindAddress: "127.0.0.1" });
    store = new CountingStore();
    server = await startApiServer({ store, registry: builtinRegistry(), tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert }, host: "127.0.0.1", port: 0 });
    transport = httpTransport({ server: server.url, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
    http = new Client({ transport });
    local = new Client({ transport: inProcessTransport(server.handler) });
  });
  after(async () => {
    transport.close();
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves 40 watchers with selectors without a store watch each, in order, at store revisions", async () => {
    const ns = "default";
    const list = await http.list(resources.configmaps, { namespace: ns });
    const rv = list.metadata?.resourceVersion;
    assert.ok(Number(rv) > 0);
    const before = store.watches;
    const ac = new AbortController();
    const seen: string[][] = [];
    const watchers = Array.from({ length: 40 }, (_, i) => {
      seen.push([]);
      const client = i % 2 ? http : local;
      return (async () => {
        for await (const ev of client.watch(resources.configmaps, { namespace: ns, resourceVersion: rv, labelSelector: `group=g${i % 4}`, signal: ac.signal })) {
          if (ev.type === "BOOKMARK" || ev.type === "ERROR") continue;
          seen[i]!.push(`${ev.type} ${ev.object.metadata.name}@${ev.object.metadata.resourceVersion}`);
        }
      })().catch(() => undefined);
    });
    await new Promise((r) => setTimeout(r, 200));
    const written: KubeObject[] = [];
    for (let n = 0; n < 20; n++) {
      written.push(await http.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${n}`, labels: { group: `g${n % 4}` } } }, { namespace: ns }));
    }
    const last = written.at(-1)!.metadata.resourceVersion;
    const deadline = Date.now() + 10_000;
    while (seen.some((s, i) => s.length < written.filter((_, n) => n % 4 === i % 4).length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await Promise.all(watchers);
    assert.equal(store.watches, before, "no watcher opened a store watch");
    for (const [i, s] of seen.entries()) {
      const expected = written.filter((_, n) => n % 4 === i % 4).map((o) => `ADDED ${o.metadata.name}@${o.metadata.resourceVersion}`);
      assert.deepEqual(s, expected, `watcher ${i}`);
    }
    // A consistent LIST right after the writes is served at a revision that includes them.
    const after = await http.list(resources.configmaps, { namespace: ns });
    assert.ok(Number(after.metadata?.resourceVersion) >= Number(last));
    assert.equal(after.items.filter((o) => o.metadata.name?.startsWith("c")).length, 20);
  });

  it("hands every in-process watcher the same object per event, frozen when the detector asks", async () => {
    const ns = "default";
    const rv = (await local.list(resources.configmaps, { namespace: ns })).metadata?.resourceVersion;
    const frozenLocal = new Client({ transport: inProcessTransport(server.handler, { freezeWatchEvents: true }) });
    const ac = new AbortController();
    const first = (client: Client): Promise<KubeObject | undefined> =>
      (async () => {
        for await (const ev of client.watch(resources.configmaps, { namespace: ns, resourceVersion: rv, signal: ac.signal })) {
          if (ev.type !== "BOOKMARK" && ev.type !== "ERROR") return ev.object;
        }
        return undefined;
      })();
    const pending = [first(local), first(local), first(frozenLocal)];
    await new Promise((r) => setTimeout(r, 100));
    await local.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shared" }, data: { k: "v" } }, { namespace: ns });
    const [a, b, c] = await Promise.all(pending);
    ac.abort();
    assert.ok(a && b && c);
    assert.equal(a, b, "one decoded object for every in-process watcher");
    assert.equal(a, c);
    assert.equal(a.metadata.name, "shared");
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.metadata), "a freezing transport deep-freezes the shared object");
    assert.throws(() => {
      (c.metadata as { labels?: Record<string, string> }).labels = { mutated: "yes" };
    }, TypeError);
    // GET answers are decoded per request: the caller's own, and the shared event is not theirs.
    const got = await local.get(resources.configmaps, "shared", { namespace: ns });
    assert.notEqual(got, a);
    (got.metadata.labels ??= {})["mutated"] = "yes";
    assert.equal((await local.get(resources.configmaps, "shared", { namespace: ns })).metadata.labels?.["mutated"], undefined);
  });
});
