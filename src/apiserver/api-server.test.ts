import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinRegistry, type KubeObject, type RestRequest, type RestResponse, type WatchEventBody } from "../api/index.js";
import { MemoryStore } from "../storage/index.js";
import { bootstrapCluster } from "./bootstrap.js";
import { createApiServer } from "./start.js";

const admin = { username: "admin", groups: ["system:masters"] };

async function newServer() {
  const store = new MemoryStore();
  const server = createApiServer({ store, registry: builtinRegistry(), watch: { bookmarkIntervalMs: 50 } });
  await bootstrapCluster(server.handle);
  const call = (method: RestRequest["method"], path: string, body?: unknown, extra: Partial<RestRequest> = {}): Promise<RestResponse> =>
    server.handle({ method, path, query: {}, body, user: admin, ...extra });
  return { store, server, call };
}

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "busybox" }] },
  ...extra,
});

const deployment = (name: string, replicas = 1): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox:1" }] } },
  },
});

function body<T = KubeObject>(res: RestResponse): T {
  return res.body as T;
}

test("create fills server metadata and upstream defaults, and stores at a revision", async () => {
  const { call } = await newServer();
  const res = await call("POST", "/api/v1/namespaces/default/pods", pod("a"));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const created = body(res);
  assert.match(created.metadata.uid ?? "", /^[0-9a-f-]{36}$/);
  assert.match(created.metadata.creationTimestamp ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(created.metadata.resourceVersion ?? "", /^\d+$/);
  assert.equal(created.metadata.namespace, "default");
  const spec = created.spec as { restartPolicy: string; dnsPolicy: string; terminationGracePeriodSeconds: number; containers: { imagePullPolicy: string }[] };
  assert.equal(spec.restartPolicy, "Always");
  assert.equal(spec.dnsPolicy, "ClusterFirst");
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.containers[0].imagePullPolicy, "Always");
  assert.equal((created.status as { phase: string }).phase, "Pending");

  const got = await call("GET", "/api/v1/namespaces/default/pods/a");
  assert.equal(got.status, 200);
  assert.equal(body(got).metadata.resourceVersion, created.metadata.resourceVersion);
});

test("errors are upstream-shaped: duplicate 409, missing namespace 404, not found 404, stale update 409", async () => {
  const { call } = await newServer();
  assert.equal((await call("POST", "/api/v1/namespaces/default/pods", pod("a"))).status, 201);
  const dup = await call("POST", "/api/v1/namespaces/default/pods", pod("a"));
  assert.equal(dup.status, 409);
  assert.deepEqual(
    { reason: body<{ reason: string }>(dup).reason, message: body<{ message: string }>(dup).message },
    { reason: "AlreadyExists", message: 'pods "a" already exists' },
  );
  const noNs = await call("POST", "/api/v1/namespaces/nope/pods", pod("a"));
  assert.equal(noNs.status, 404);
  assert.equal(body<{ message: string }>(noNs).message, 'namespaces "nope" not found');
  const missing = await call("GET", "/api/v1/namespaces/default/pods/zzz");
  assert.equal(missing.status, 404);
  assert.equal(body<{ message: string }>(missing).message, 'pods "zzz" not found');

  const current = body((await call("GET", "/api/v1/namespaces/default/pods/a")));
  const first = structuredClone(current);
  first.metadata.labels = { app: "one" };
  assert.equal((await call("PUT", "/api/v1/namespaces/default/pods/a", first)).status, 200);
  const stale = structuredClone(current);
  stale.metadata.labels = { app: "two" };
  const conflict = await call("PUT", "/api/v1/namespaces/default/pods/a", stale);
  assert.equal(conflict.status, 409);
  assert.equal(body<{ reason: string }>(conflict).reason, "Conflict");
  assert.match(body<{ message: string }>(conflict).message, /the object has been modified; please apply your changes to the latest version and try again/);
});

test("invalid objects get 422 naming each field, and nothing is stored", async () => {
  const { call } = await newServer();
  const bad = pod("Bad_Name");
  (bad.spec as { containers: unknown[] }).containers = [{ name: "c" }];
  const res = await call("POST", "/api/v1/namespaces/default/pods", bad);
  assert.equal(res.status, 422);
  const status = body<{ reason: string; details: { causes: { field: string }[] } }>(res);
  assert.equal(status.reason, "Invalid");
  const fields = status.details.causes.map((c) => c.field);
  assert.ok(fields.includes("metadata.name"), fields.join());
  assert.ok(fields.includes("spec.containers[0].image"), fields.join());
  const list = await call("GET", "/api/v1/namespaces/default/pods");
  assert.equal(body<{ items: unknown[] }>(list).items.length, 0);
});

test("fieldValidation: Strict refuses unknown fields, Warn warns and drops them", async () => {
  const { call } = await newServer();
  const withUnknown = pod("u", { spec: { containers: [{ name: "c", image: "x", bogus: 1 }] } });
  const strict = await call("POST", "/api/v1/namespaces/default/pods", withUnknown, { query: { fieldValidation: "Strict" } });
  assert.equal(strict.status, 400);
  assert.match(body<{ message: string }>(strict).message, /strict decoding error: unknown field "spec.containers\[0\].bogus"/);
  const warn = await call("POST", "/api/v1/namespaces/default/pods", withUnknown);
  assert.equal(warn.status, 201);
  assert.ok(JSON.stringify(warn.headers?.Warning).includes("bogus"));
  assert.equal(JSON.stringify(warn.body).includes("bogus"), false);
});

test("dryRun=All validates and answers but stores nothing", async () => {
  const { call } = await newServer();
  const res = await call("POST", "/api/v1/namespaces/default/pods", pod("dry"), { query: { dryRun: "All" } });
  assert.equal(res.status, 201);
  assert.equal((await call("GET", "/api/v1/namespaces/default/pods/dry")).status, 404);
});

test("generation moves on spec changes only; status and main resource ignore each other", async () => {
  const { call } = await newServer();
  const created = body(await call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("web")));
  assert.equal(created.metadata.generation, 1);
  const relabeled = structuredClone(created);
  relabeled.metadata.labels = { x: "y" };
  const afterLabel = body(await call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", relabeled));
  assert.equal(afterLabel.metadata.generation, 1);
  const scaled = structuredClone(afterLabel);
  (scaled.spec as { replicas: number }).replicas = 3;
  scaled.status = { replicas: 99 };
  const afterScale = body(await call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", scaled));
  assert.equal(afterScale.metadata.generation, 2);
  assert.equal((afterScale.status as { replicas?: number } | undefined)?.replicas, undefined);

  const statusWrite = structuredClone(afterScale);
  statusWrite.status = { replicas: 3, observedGeneration: 2 };
  (statusWrite.spec as { replicas: number }).replicas = 10;
  const afterStatus = body(await call("PUT", "/apis/apps/v1/namespaces/default/deployments/web/status", statusWrite));
  assert.equal((afterStatus.status as { replicas: number }).replicas, 3);
  assert.equal((afterStatus.spec as { replicas: number }).replicas, 3);
  assert.equal(afterStatus.metadata.generation, 2);
});

test("list filters by label and field selectors and pages with continue at one revision", async () => {
  const { call } = await newServer();
  for (let i = 0; i < 7; i++) {
    await call("POST", "/api/v1/namespaces/default/pods", pod(`p${i}`, { metadata: { name: `p${i}`, labels: { app: i % 2 ? "odd" : "even" } } }));
  }
  const odd = body<{ items: KubeObject[] }>(await call("GET", "/api/v1/namespaces/default/pods", undefined, { query: { labelSelector: "app in (odd)" } }));
  assert.deepEqual(odd.items.map((p) => p.metadata.name), ["p1", "p3", "p5"]);
  const byName = body<{ items: KubeObject[] }>(await call("GET", "/api/v1/pods", undefined, { query: { fieldSelector: "metadata.name=p4" } }));
  assert.deepEqual(byName.items.map((p) => p.metadata.name), ["p4"]);
  const badField = await call("GET", "/api/v1/pods", undefined, { query: { fieldSelector: "spec.bogus=1" } });
  assert.equal(badField.status, 400);

  const first = body<{ items: KubeObject[]; metadata: { continue?: string; resourceVersion: string } }>(
    await call("GET", "/api/v1/namespaces/default/pods", undefined, { query: { limit: "3", labelSelector: "app=even" } }),
  );
  assert.deepEqual(first.items.map((p) => p.metadata.name), ["p0", "p2", "p4"]);
  assert.ok(first.metadata.continue);
  await call("POST", "/api/v1/namespaces/default/pods", pod("p8", { metadata: { name: "p8", labels: { app: "even" } } }));
  const second = body<{ items: KubeObject[]; metadata: { continue?: string; resourceVersion: string } }>(
    await call("GET", "/api/v1/namespaces/default/pods", undefined, { query: { limit: "3", labelSelector: "app=even", continue: first.metadata.continue! } }),
  );
  // The second page is read at the first page's revision: p8 came later.
  assert.deepEqual(second.items.map((p) => p.metadata.name), ["p6"]);
  assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
  assert.equal(second.metadata.continue, undefined);
});

async function collect(events: AsyncIterable<WatchEventBody>, n: number): Promise<WatchEventBody[]> {
  const out: WatchEventBody[] = [];
  for await (const ev of events) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

test("watch from a resourceVersion sees every later change in order, filtered by selector", async () => {
  const { call } = await newServer();
  const created = body(await call("POST", "/api/v1/namespaces/default/pods", pod("w")));
  const abort = new AbortController();
  const res = await call("GET", "/api/v1/namespaces/default/pods", undefined, {
    query: { watch: "true", resourceVersion: created.metadata.resourceVersion!, labelSelector: "app=web" },
    signal: abort.signal,
  });
  assert.equal(res.status, 200);
  const events = collect(res.watch!, 3);
  const relabeled = body(await call("PATCH", "/api/v1/namespaces/default/pods/w", { metadata: { labels: { app: "web", v: "2" } } }, { contentType: "application/merge-patch+json" }));
  await call("PATCH", "/api/v1/namespaces/default/pods/w", { metadata: { labels: { app: "other" } } }, { contentType: "application/merge-patch+json" });
  await call("POST", "/api/v1/namespaces/default/pods", pod("w2"));
  const got = await events;
  abort.abort();
  assert.deepEqual(got.map((e) => [e.type, (e.object as KubeObject).metadata.name]), [["MODIFIED", "w"], ["DELETED", "w"], ["ADDED", "w2"]]);
  assert.equal((got[0].object as KubeObject).metadata.resourceVersion, relabeled.metadata.resourceVersion);
});

test("watch without resourceVersion starts with ADDED for what exists; bookmarks carry revisions", async () => {
  const { call } = await newServer();
  await call("POST", "/api/v1/namespaces/default/pods", pod("x"));
  const abort = new AbortController();
  const res = await call("GET", "/api/v1/namespaces/default/pods", undefined, { query: { watch: "1", allowWatchBookmarks: "true" }, signal: abort.signal });
  const got = await collect(res.watch!, 2);
  abort.abort();
  assert.equal(got[0].type, "ADDED");
  assert.equal(got[1].type, "BOOKMARK");
  assert.match((got[1].object as KubeObject).metadata.resourceVersion ?? "", /^\d+$/);
});

test("watch from a compacted revision gets a 410 Expired ERROR event", async () => {
  const { call, store } = await newServer();
  await call("POST", "/api/v1/namespaces/default/pods", pod("c1"));
  const rv = await store.currentRevision();
  await call("POST", "/api/v1/namespaces/default/pods", pod("c2"));
  await store.compact(await store.currentRevision());
  const res = await call("GET", "/api/v1/namespaces/default/pods", undefined, { query: { watch: "true", resourceVersion: String(rv) } });
  const [ev] = await collect(res.watch!, 1);
  assert.equal(ev.type, "ERROR");
  assert.equal((ev.object as { code: number }).code, 410);
});

test("finalizers hold a deleted object until the last one is removed", async () => {
  const { call } = await newServer();
  await call("POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "f", finalizers: ["example.com/x"] } });
  const del = await call("DELETE", "/api/v1/namespaces/default/configmaps/f");
  assert.equal(del.status, 200);
  const held = body(await call("GET", "/api/v1/namespaces/default/configmaps/f"));
  assert.ok(held.metadata.deletionTimestamp);
  const res = await call("PATCH", "/api/v1/namespaces/default/configmaps/f", { metadata: { finalizers: null } }, { contentType: "application/merge-patch+json" });
  assert.equal(res.status, 200);
  assert.equal((await call("GET", "/api/v1/namespaces/default/configmaps/f")).status, 404);
});

test("pods are deleted gracefully once bound, and at once when grace is 0", async () => {
  const { call } = await newServer();
  await call("POST", "/api/v1/namespaces/default/pods", pod("g"));
  const bind = await call("POST", "/api/v1/namespaces/default/pods/g/binding", { apiVersion: "v1", kind: "Binding", metadata: { name: "g" }, target: { kind: "Node", name: "n1" } });
  assert.equal(bind.status, 201, JSON.stringify(bind.body));
  const bound = body(await call("GET", "/api/v1/namespaces/default/pods/g"));
  assert.equal((bound.spec as { nodeName: string }).nodeName, "n1");
  const rebind = await call("POST", "/api/v1/namespaces/default/pods/g/binding", { apiVersion: "v1", kind: "Binding", metadata: { name: "g" }, target: { kind: "Node", name: "n2" } });
  assert.equal(rebind.status, 409);

  const first = await call("DELETE", "/api/v1/namespaces/default/pods/g");
  assert.equal(first.status, 200);
  const terminating = body(await call("GET", "/api/v1/namespaces/default/pods/g"));
  assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
  await call("DELETE", "/api/v1/namespaces/default/pods/g", { gracePeriodSeconds: 0 });
  assert.equal((await call("GET", "/api/v1/namespaces/default/pods/g")).status, 404);
});

test("the scale subresource reads and writes replicas", async () => {
  const { call } = await newServer();
  await call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("s", 2));
  const scale = body(await call("GET", "/apis/apps/v1/namespaces/default/deployments/s/scale"));
  assert.equal(scale.kind, "Scale");
  assert.equal((scale.spec as { replicas: number }).replicas, 2);
  assert.equal((scale.status as { selector: string }).selector, "app=s");
  const patched = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/s/scale", { spec: { replicas: 5 } }, { contentType: "application/merge-patch+json" });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const dep = body(await call("GET", "/apis/apps/v1/namespaces/default/deployments/s"));
  assert.equal((dep.spec as { replicas: number }).replicas, 5);
  assert.equal(dep.metadata.generation, 2);
});

test("patch types: JSON patch, merge patch, strategic merge by container name", async () => {
  const { call } = await newServer();
  await call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("p"));
  const smp = await call(
    "PATCH",
    "/apis/apps/v1/namespaces/default/deployments/p",
    { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } },
    { contentType: "application/strategic-merge-patch+json" },
  );
  assert.equal(smp.status, 200, JSON.stringify(smp.body));
  const containers = (body(smp).spec as { template: { spec: { containers: { name: string; image: string; imagePullPolicy: string }[] } } }).template.spec.containers;
  assert.deepEqual(containers.map((c) => [c.name, c.image, c.imagePullPolicy]), [["c", "busybox:2", "IfNotPresent"]]);
  const jp = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/p", [{ op: "replace", path: "/spec/replicas", value: 4 }], {
    contentType: "application/json-patch+json",
  });
  assert.equal((body(jp).spec as { replicas: number }).replicas, 4);
  const failedTest = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/p", [{ op: "test", path: "/spec/replicas", value: 9 }], {
    contentType: "application/json-patch+json",
  });
  assert.ok(failedTest.status >= 400 && failedTest.status < 500, String(failedTest.status));
});

test("generateName makes a unique name", async () => {
  const { call } = await newServer();
  const a = body(await call("POST", "/api/v1/namespaces/default/configmaps", { metadata: { generateName: "cm-" } }));
  const b = body(await call("POST", "/api/v1/namespaces/default/configmaps", { metadata: { generateName: "cm-" } }));
  assert.match(a.metadata.name ?? "", /^cm-[a-z0-9]{5}$/);
  assert.notEqual(a.metadata.name, b.metadata.name);
});

test("Table output for kubectl get", async () => {
  const { call } = await newServer();
  await call("POST", "/api/v1/namespaces/default/pods", pod("t"));
  const res = await call("GET", "/api/v1/namespaces/default/pods", undefined, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" });
  const table = body<{ kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>(res);
  assert.equal(table.kind, "Table");
  assert.deepEqual(table.columnDefinitions.slice(0, 5).map((c) => c.name), ["Name", "Ready", "Status", "Restarts", "Age"]);
  assert.deepEqual(table.rows[0].cells.slice(0, 4), ["t", "0/1", "Pending", "0"]);
});
