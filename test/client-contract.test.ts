// The Client contract: one suite, run against the in-process transport and the HTTPS
// transport of a real API server (memory store), proving the two mean the same thing.
// Only the network is tampered with (a watch cut, a request held back); the server is real.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, RestRequest } from "../src/api/index.js";
import { isApiError, type Status } from "../src/machinery/index.js";
import { MessageChannel } from "node:worker_threads";
import { Client, FakeClock, Informer, LeaderElector, PortChannel, httpTransport, inProcessTransport, keyOf, namespaceIndex, portTransport, resources, servePortRequests, type Transport } from "../src/client/index.js";
import { serializedWatchLine } from "../src/apiserver/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

interface Variant {
  name: string;
  /** A fresh transport of this kind to the running server; `close` frees its connections. */
  connect(server: TestApiServer): { transport: Transport; close(): void };
}

const variants: Variant[] = [
  { name: "in-process", connect: (s) => ({ transport: inProcessTransport(s.handler), close: () => {} }) },
  {
    // What --control-loops-thread uses between threads; both ends in this thread here.
    name: "message-port",
    connect: (s) => {
      const { port1, port2 } = new MessageChannel();
      const stop = servePortRequests(port1, s.handler, { watchLine: serializedWatchLine });
      return {
        transport: portTransport(new PortChannel(port2)),
        close: () => {
          stop();
          port1.close();
        },
      };
    },
  },
  {
    name: "https",
    connect: (s) => {
      const transport = httpTransport({ server: s.url, ca: s.pki.ca.cert, cert: s.pki.admin.cert, key: s.pki.admin.key });
      return { transport, close: () => transport.close() };
    },
  },
];

/** A transport wrapper that can cut open watches and hold new ones back, like a flaky network. */
class Network {
  private cuts = new Set<AbortController>();
  private held: Array<() => void> | undefined;
  watchRequests: RestRequest[] = [];

  constructor(private readonly inner: Transport) {}

  readonly transport: Transport = async (req) => {
    if (req.query.watch !== "true") return this.inner(req);
    this.watchRequests.push(req);
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    const ac = new AbortController();
    req.signal?.addEventListener("abort", () => ac.abort(), { once: true });
    this.cuts.add(ac);
    return this.inner({ ...req, signal: ac.signal });
  };

  cutWatches(): void {
    for (const ac of this.cuts) ac.abort();
    this.cuts.clear();
  }

  holdWatches(): void {
    this.held = [];
  }

  releaseWatches(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const go of waiting) go();
  }
}

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function configMap(namespace: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: labels ? { name, namespace, labels } : { name, namespace }, data };
}

async function apiError(p: Promise<unknown>): Promise<Status> {
  try {
    await p;
  } catch (err) {
    if (isApiError(err)) return err.status;
    throw err;
  }
  assert.fail("expected an ApiError");
}

for (const variant of variants) {
  describe(`Client contract over ${variant.name}`, () => {
    let server: TestApiServer;
    let client: Client;
    let transport: Transport;
    let close = (): void => {};
    const ns = "contract";

    before(async () => {
      server = await startTestApiServer({ store: "memory" });
      ({ transport, close } = variant.connect(server));
      client = new Client({ transport });
      await client.create(resources.namespaces, { metadata: { name: ns } });
    });

    after(async () => {
      close();
      await server.close();
    });

    it("creates, gets, updates, patches (merge, json, strategic) and deletes", async () => {
      const created = await client.create(resources.configmaps, configMap(ns, "crud", { a: "1" }));
      assert.equal(created.metadata.name, "crud");
      assert.ok(created.metadata.uid);
      assert.ok(created.metadata.resourceVersion);
      const got = await client.get(resources.configmaps, "crud", { namespace: ns });
      assert.deepEqual(got.data, { a: "1" });

      const updated = await client.update(resources.configmaps, { ...got, data: { a: "2" } });
      assert.deepEqual(updated.data, { a: "2" });
      assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);

      const merged = await client.patch(resources.configmaps, "crud", { data: { b: "3" } }, { namespace: ns, type: "merge" });
      assert.deepEqual(merged.data, { a: "2", b: "3" });
      const jsonPatched = await client.patch(resources.configmaps, "crud", [{ op: "remove", path: "/data/a" }], { namespace: ns, type: "json" });
      assert.deepEqual(jsonPatched.data, { b: "3" });
      const strategic = await client.patch(resources.configmaps, "crud", { metadata: { labels: { tier: "x" } } }, { namespace: ns, type: "strategic" });
      assert.deepEqual(strategic.metadata.labels, { tier: "x" });

      await client.delete(resources.configmaps, "crud", { namespace: ns });
      const notFound = await apiError(client.get(resources.configmaps, "crud", { namespace: ns }));
      assert.equal(notFound.code, 404);
      assert.equal(notFound.reason, "NotFound");
      assert.equal(notFound.message, 'configmaps "crud" not found');
    });

    it("answers a stale update with 409 Conflict and a duplicate create with 409 AlreadyExists", async () => {
      const first = await client.create(resources.configmaps, configMap(ns, "conflict"));
      await client.update(resources.configmaps, { ...first, data: { x: "1" } });
      const stale = await apiError(client.update(resources.configmaps, { ...first, data: { x: "2" } }));
      assert.equal(stale.code, 409);
      assert.equal(stale.reason, "Conflict");
      assert.equal(stale.message, 'Operation cannot be fulfilled on configmaps "conflict": the object has been modified; please apply your changes to the latest version and try again');
      const dup = await apiError(client.create(resources.configmaps, configMap(ns, "conflict")));
      assert.equal(dup.code, 409);
      assert.equal(dup.reason, "AlreadyExists");
      assert.equal(dup.message, 'configmaps "conflict" already exists');
    });

    it("answers invalid input with 422 naming the field, and stores nothing", async () => {
      const invalid = await apiError(client.create(resources.configmaps, configMap(ns, "Not_A_Name")));
      assert.equal(invalid.code, 422);
      assert.equal(invalid.reason, "Invalid");
      assert.ok(invalid.details?.causes?.some((c) => c.field === "metadata.name"), JSON.stringify(invalid));
      await apiError(client.get(resources.configmaps, "Not_A_Name", { namespace: ns }));
    });

    it("dry-run create validates but stores nothing", async () => {
      const out = await client.create(resources.configmaps, configMap(ns, "dry"), { dryRun: true });
      assert.equal(out.metadata.name, "dry");
      assert.equal((await apiError(client.get(resources.configmaps, "dry", { namespace: ns }))).code, 404);
    });

    it("pages a list with limit/continue at one resourceVersion, and filters by label", async () => {
      const pageNs = "paging";
      await client.create(resources.namespaces, { metadata: { name: pageNs } });
      for (let i = 0; i < 5; i++) await client.create(resources.configmaps, configMap(pageNs, `p${i}`, {}, { group: i % 2 ? "odd" : "even" }));
      const names: string[] = [];
      const versions = new Set<string>();
      let cont: string | undefined;
      let pages = 0;
      do {
        const page = await client.list(resources.configmaps, { namespace: pageNs, limit: 2, continue: cont });
        pages++;
        names.push(...page.items.map((o) => o.metadata.name ?? ""));
        versions.add(page.metadata.resourceVersion ?? "");
        cont = page.metadata.continue || undefined;
      } while (cont);
      assert.equal(pages, 3);
      assert.deepEqual(names.filter((n) => n.startsWith("p")), ["p0", "p1", "p2", "p3", "p4"]);
      assert.equal(versions.size, 1, "every page is read at the first page's revision");
      const odd = await client.list(resources.configmaps, { namespace: pageNs, labelSelector: "group=odd" });
      assert.deepEqual(odd.items.map((o) => o.metadata.name), ["p1", "p3"]);
    });

    it("watches from a resourceVersion: ADDED, MODIFIED, DELETED in order; abort ends the loop", async () => {
      const list = await client.list(resources.configmaps, { namespace: ns });
      const ac = new AbortController();
      const seen: string[] = [];
      const watching = (async () => {
        for await (const ev of client.watch(resources.configmaps, { namespace: ns, resourceVersion: list.metadata.resourceVersion, signal: ac.signal })) {
          if (ev.type === "ADDED" || ev.type === "MODIFIED" || ev.type === "DELETED") seen.push(`${ev.type} ${ev.object.metadata.name}`);
        }
      })();
      const c = await client.create(resources.configmaps, configMap(ns, "watched"));
      await client.update(resources.configmaps, { ...c, data: { k: "v" } });
      await client.delete(resources.configmaps, "watched", { namespace: ns });
      await until("three events", () => seen.length >= 3);
      ac.abort();
      await watching;
      assert.deepEqual(seen, ["ADDED watched", "MODIFIED watched", "DELETED watched"]);
    });

    it("throws 410 from a watch whose resourceVersion has been compacted", async () => {
      const old = await client.create(resources.configmaps, configMap(ns, "old"));
      await client.update(resources.configmaps, { ...old, data: { n: "1" } });
      await server.store.compact(await server.store.currentRevision());
      const gone = await apiError(
        (async () => {
          for await (const _ of client.watch(resources.configmaps, { namespace: ns, resourceVersion: old.metadata.resourceVersion })) void _;
        })(),
      );
      assert.equal(gone.code, 410);
    });

    it("informer: syncs, follows events, and relists after 410 delivering the difference", async () => {
      const infNs = "informer";
      await client.create(resources.namespaces, { metadata: { name: infNs } });
      const keep = await client.create(resources.configmaps, configMap(infNs, "keep"));
      await client.create(resources.configmaps, configMap(infNs, "doomed"));
      const net = new Network(transport);
      const informer = new Informer({ client: new Client({ transport: net.transport }), resource: resources.configmaps, namespace: infNs, clock: new FakeClock(), pageSize: 1 });
      const log: string[] = [];
      informer.addHandler({
        add: (o) => log.push(`add ${o.metadata.name}`),
        update: (_, o) => log.push(`update ${o.metadata.name}`),
        delete: (o) => log.push(`delete ${o.metadata.name}`),
      });
      const ac = new AbortController();
      const run = informer.start(ac.signal);
      try {
        assert.equal(await informer.waitForSync(ac.signal), true);
        assert.deepEqual(log.sort(), ["add doomed", "add keep"]);
        assert.deepEqual(informer.byIndex(namespaceIndex, infNs).map(keyOf).sort(), ["informer/doomed", "informer/keep"]);

        log.length = 0;
        await client.create(resources.configmaps, configMap(infNs, "live"));
        await until("the live add", () => log.includes("add live"));

        // The connection drops; while the informer cannot re-watch, history moves on and is compacted.
        net.holdWatches();
        net.cutWatches();
        await until("a re-watch attempt", () => net.watchRequests.length >= 2);
        await client.update(resources.configmaps, { ...keep, data: { changed: "yes" } });
        await client.delete(resources.configmaps, "doomed", { namespace: infNs });
        await client.create(resources.configmaps, configMap(infNs, "born"));
        await server.store.compact(await server.store.currentRevision());
        log.length = 0;
        net.releaseWatches();

        await until("the relist diff", () => log.length >= 3);
        assert.deepEqual(log.sort(), ["add born", "delete doomed", "update keep"]);
        assert.deepEqual(informer.keys().sort(), ["informer/born", "informer/keep", "informer/live"]);
        assert.deepEqual(informer.get("informer/keep")?.data, { changed: "yes" });

        log.length = 0;
        await client.create(resources.configmaps, configMap(infNs, "after"));
        await until("events after the relist", () => log.includes("add after"));
      } finally {
        ac.abort();
        await run;
      }
    });

    it("leader election: acquires a Lease with MicroTimes and releases it on stop", async () => {
      const ac = new AbortController();
      let leading = false;
      const elector = new LeaderElector({
        client,
        lease: { namespace: "kube-system", name: `contract-${variant.name}` },
        identity: "candidate-1",
        onStartedLeading: () => {
          leading = true;
        },
      });
      const run = elector.run(ac.signal);
      await until("leadership", () => leading);
      const lease = await client.get(resources.leases, `contract-${variant.name}`, { namespace: "kube-system" });
      const spec = lease.spec as { holderIdentity: string; renewTime: string; acquireTime: string; leaseDurationSeconds: number };
      assert.equal(spec.holderIdentity, "candidate-1");
      assert.equal(spec.leaseDurationSeconds, 15);
      assert.match(spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      ac.abort();
      await run;
      const released = await client.get(resources.leases, `contract-${variant.name}`, { namespace: "kube-system" });
      assert.equal((released.spec as { holderIdentity?: string }).holderIdentity ?? "", "");
    });
  });
}

describe("Client transports agree", () => {
  let server: TestApiServer;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
  });

  after(async () => {
    await server.close();
  });

  it("answer the same Status for the same failures", async () => {
    const [inProcess, https] = [server.client, server.httpClient];
    const created = await inProcess.create(resources.configmaps, configMap("default", "same"));
    await inProcess.update(resources.configmaps, { ...created, data: { v: "1" } });
    const failures = (c: Client) =>
      Promise.all([
        apiError(c.get(resources.configmaps, "absent", { namespace: "default" })),
        apiError(c.update(resources.configmaps, { ...created, data: { v: "2" } })),
        apiError(c.create(resources.configmaps, configMap("default", "same"))),
        apiError(c.create(resources.configmaps, configMap("default", "Bad_Name"))),
        apiError(c.patch(resources.configmaps, "same", [{ op: "test", path: "/data/v", value: "nope" }], { namespace: "default", type: "json" })),
      ]);
    assert.deepEqual(await failures(https), await failures(inProcess));
    const port = variants.find((v) => v.name === "message-port")!.connect(server);
    try {
      assert.deepEqual(await failures(new Client({ transport: port.transport })), await failures(inProcess));
    } finally {
      port.close();
    }
  });

  it("return the same object for the same read", async () => {
    const a = await server.client.get(resources.namespaces, "default");
    const b = await server.httpClient.get(resources.namespaces, "default");
    assert.deepEqual(b, a);
  });
});
