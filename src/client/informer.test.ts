// The informer's own logic (paging, diffing a relist, re-watching from the last
// resourceVersion, indexes, resync) against a scripted handler: each test says what the
// server answers. Behaviour against the real API server is in test/client-contract.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, RestRequest, RestResponse, WatchEventBody } from "../api/index.js";
import { ApiError } from "../machinery/index.js";
import { Client } from "./client.js";
import { FakeClock } from "./clock.js";
import { Informer, keyOf, namespaceIndex, splitKey } from "./informer.js";
import { resources } from "./resources.js";

/** An event stream the test feeds by hand. */
class Stream {
  private readonly queue: WatchEventBody[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  constructor(readonly request: RestRequest) {
    request.signal?.addEventListener("abort", () => this.end());
  }
  push(ev: WatchEventBody): void {
    this.queue.push(ev);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  async *events(): AsyncGenerator<WatchEventBody> {
    for (;;) {
      while (this.queue.length) yield this.queue.shift() as WatchEventBody;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

class Scripted {
  items: KubeObject[] = [];
  listRv = "10";
  lists: RestRequest[] = [];
  streams: Stream[] = [];
  failNextList: ApiError | undefined;
  readonly client = new Client({ transport: (req) => this.handle(req) });

  private async handle(req: RestRequest): Promise<RestResponse> {
    if (req.query.watch === "true") {
      const s = new Stream(req);
      this.streams.push(s);
      return { status: 200, body: undefined, watch: s.events() };
    }
    this.lists.push(req);
    if (this.failNextList) {
      const err = this.failNextList;
      this.failNextList = undefined;
      return { status: err.code, body: err.status };
    }
    const limit = Number(req.query.limit ?? "0") || this.items.length;
    const start = Number(req.query.continue ?? "0");
    const page = this.items.slice(start, start + limit);
    const next = start + limit < this.items.length ? String(start + limit) : undefined;
    return { status: 200, body: { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: this.listRv, continue: next }, items: page } };
  }

  get lastStream(): Stream {
    return this.streams[this.streams.length - 1];
  }
}

function pod(ns: string, name: string, rv: string, node = ""): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { namespace: ns, name, resourceVersion: rv }, spec: { nodeName: node } };
}

function recorder() {
  const log: string[] = [];
  return {
    log,
    handlers: {
      add: (o: KubeObject) => log.push(`add ${keyOf(o)}@${o.metadata.resourceVersion}`),
      update: (a: KubeObject, b: KubeObject) => log.push(`update ${keyOf(b)}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
      delete: (o: KubeObject) => log.push(`delete ${keyOf(o)}`),
    },
  };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), "condition not reached");
}

describe("keyOf / splitKey", () => {
  it("keys namespaced objects ns/name and cluster objects by name", () => {
    assert.equal(keyOf(pod("default", "a", "1")), "default/a");
    assert.equal(keyOf({ metadata: { name: "node-1" } }), "node-1");
    assert.deepEqual(splitKey("default/a"), { namespace: "default", name: "a" });
    assert.deepEqual(splitKey("node-1"), { name: "node-1" });
  });
});

describe("Informer", () => {
  it("lists in pages, syncs, then watches from the list's resourceVersion with bookmarks", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "5"), pod("a", "p2", "6"), pod("b", "p3", "7")];
    const inf = new Informer({ client: server.client, resource: resources.pods, pageSize: 2, clock: new FakeClock() });
    const { log, handlers } = recorder();
    inf.addHandler(handlers);
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    assert.equal(await inf.waitForSync(ac.signal), true);
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual(log, ["add a/p1@5", "add a/p2@6", "add b/p3@7"]);
    assert.deepEqual(server.lists.map((r) => r.query), [{ limit: "2" }, { limit: "2", continue: "2" }]);
    await until(() => server.streams.length === 1);
    assert.equal(server.lastStream.request.query.resourceVersion, "10");
    assert.equal(server.lastStream.request.query.allowWatchBookmarks, "true");
    assert.deepEqual(inf.byIndex(namespaceIndex, "a").map(keyOf).sort(), ["a/p1", "a/p2"]);
    ac.abort();
    await run;
  });

  it("applies watch events to the cache and handlers, and re-watches from the last resourceVersion when a watch ends", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "5")];
    const inf = new Informer({ client: server.client, resource: resources.pods, clock: new FakeClock() });
    const { log, handlers } = recorder();
    inf.addHandler(handlers);
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await until(() => server.streams.length === 1);
    server.lastStream.push({ type: "ADDED", object: pod("a", "p2", "11") });
    server.lastStream.push({ type: "MODIFIED", object: pod("a", "p1", "12") });
    server.lastStream.push({ type: "DELETED", object: pod("a", "p2", "13") });
    server.lastStream.push({ type: "BOOKMARK", object: { kind: "Pod", metadata: { resourceVersion: "20" } } });
    await until(() => inf.lastSyncResourceVersion() === "20");
    assert.deepEqual(log, ["add a/p1@5", "add a/p2@11", "update a/p1@5->12", "delete a/p2"]);
    assert.deepEqual(inf.keys(), ["a/p1"]);
    assert.equal(inf.get("a/p1")?.metadata.resourceVersion, "12");
    server.lastStream.end();
    await until(() => server.streams.length === 2);
    assert.equal(server.lastStream.request.query.resourceVersion, "20");
    assert.equal(server.lists.length, 1, "a watch that ends is resumed, not relisted");
    ac.abort();
    await run;
  });

  it("relists on 410 Gone and delivers only the difference", async () => {
    const server = new Scripted();
    server.items = [pod("a", "keep", "1"), pod("a", "change", "2"), pod("a", "gone", "3")];
    const inf = new Informer({ client: server.client, resource: resources.pods, clock: new FakeClock() });
    const { log, handlers } = recorder();
    inf.addHandler(handlers);
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await until(() => server.streams.length === 1);
    log.length = 0;
    server.items = [pod("a", "keep", "1"), pod("a", "change", "30"), pod("a", "new", "31")];
    server.listRv = "40";
    server.lastStream.push({ type: "ERROR", object: ApiError.gone("too old resource version: 10 (35)").status });
    await until(() => server.streams.length === 2);
    assert.deepEqual(log, ["update a/change@2->30", "add a/new@31", "delete a/gone"]);
    assert.equal(server.lastStream.request.query.resourceVersion, "40");
    assert.deepEqual(inf.keys().sort(), ["a/change", "a/keep", "a/new"]);
    ac.abort();
    await run;
  });

  it("backs off on the clock after a failed list, then retries", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "1")];
    server.failNextList = ApiError.internal("store unavailable");
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const inf = new Informer({ client: server.client, resource: resources.pods, clock, onError: (e) => errors.push(e) });
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await clock.untilTimers(1);
    assert.equal(inf.hasSynced(), false);
    assert.equal(errors.length, 1);
    await clock.advance(799);
    assert.equal(server.lists.length, 1);
    await clock.advance(1);
    assert.equal(await inf.waitForSync(ac.signal), true);
    assert.equal(server.lists.length, 2);
    ac.abort();
    await run;
  });

  it("maintains custom indexes through updates and deletes, and indexes existing objects when added late", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "1", "n1"), pod("a", "p2", "2", "n2")];
    const inf = new Informer({ client: server.client, resource: resources.pods, clock: new FakeClock() });
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await inf.waitForSync();
    inf.addIndex("node", (p) => [(p.spec as { nodeName: string }).nodeName]);
    assert.deepEqual(inf.byIndex("node", "n1").map(keyOf), ["a/p1"]);
    await until(() => server.streams.length === 1);
    server.lastStream.push({ type: "MODIFIED", object: pod("a", "p1", "3", "n2") });
    server.lastStream.push({ type: "DELETED", object: pod("a", "p2", "4", "n2") });
    await until(() => inf.lastSyncResourceVersion() === "4");
    assert.deepEqual(inf.byIndex("node", "n1"), []);
    assert.deepEqual(inf.byIndex("node", "n2").map(keyOf), ["a/p1"]);
    assert.throws(() => inf.byIndex("nope", "x"), /no index/);
    ac.abort();
    await run;
  });

  it("replays the cache to a handler added after sync, and resyncs on the clock", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "1")];
    const clock = new FakeClock();
    const inf = new Informer({ client: server.client, resource: resources.pods, clock, resyncPeriodMs: 60_000 });
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await inf.waitForSync();
    const { log, handlers } = recorder();
    const remove = inf.addHandler(handlers);
    assert.deepEqual(log, ["add a/p1@1"]);
    clock.step(60_000);
    assert.deepEqual(log, ["add a/p1@1", "update a/p1@1->1"]);
    remove();
    clock.step(60_000);
    assert.equal(log.length, 2);
    ac.abort();
    await run;
    assert.equal(clock.pendingTimers(), 0, "stopping cancels the resync timer");
  });

  it("waitForSync resolves false when its signal aborts first", async () => {
    const server = new Scripted();
    const inf = new Informer({ client: server.client, resource: resources.pods });
    const ac = new AbortController();
    const waiting = inf.waitForSync(ac.signal);
    ac.abort();
    assert.equal(await waiting, false);
  });

  it("with freezeCached (the cache mutation detector), caches listed and watched objects read-only", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "5")];
    const inf = new Informer({ client: server.client, resource: resources.pods, clock: new FakeClock(), freezeCached: true });
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await until(() => server.streams.length === 1);
    server.lastStream.push({ type: "ADDED", object: pod("a", "p2", "11") });
    await until(() => inf.get("a/p2") !== undefined);
    for (const key of ["a/p1", "a/p2"]) {
      const cached = inf.get(key)!;
      assert.throws(() => {
        (cached.metadata.labels ??= {})["x"] = "y";
      }, TypeError, key);
      assert.throws(() => {
        (cached.spec as { nodeName?: string }).nodeName = "n";
      }, TypeError, key);
    }
    ac.abort();
    await run;
  });

  it("keeps running when a handler throws", async () => {
    const server = new Scripted();
    server.items = [pod("a", "p1", "1")];
    const errors: unknown[] = [];
    const inf = new Informer({ client: server.client, resource: resources.pods, clock: new FakeClock(), onError: (e) => errors.push(e) });
    inf.addHandler({
      add: () => {
        throw new Error("handler bug");
      },
    });
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    await inf.waitForSync();
    assert.equal(errors.length, 1);
    ac.abort();
    await run;
  });
});
