// Request shaping and response interpretation of the Client, against a recording
// handler. Server semantics (conflicts, paging, watch) are proven against the real API
// server in test/client-contract.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RestRequest, RestResponse, WatchEventBody } from "../api/index.js";
import { ApiError, isApiError } from "../machinery/index.js";
import { Client } from "./client.js";
import { resources, resourcePath } from "./resources.js";
import { inProcessTransport } from "./transport.js";

function recording(answer: (req: RestRequest) => RestResponse = () => ({ status: 200, body: { metadata: {} } })) {
  const requests: RestRequest[] = [];
  const client = new Client({
    transport: async (req) => {
      requests.push(req);
      return answer(req);
    },
  });
  return { client, requests };
}

async function* events(list: WatchEventBody[]): AsyncGenerator<WatchEventBody> {
  for (const e of list) yield e;
}

describe("resourcePath", () => {
  it("builds upstream paths for core and grouped, namespaced and cluster resources", () => {
    assert.equal(resourcePath(resources.pods, { namespace: "default", name: "web", subresource: "status" }), "/api/v1/namespaces/default/pods/web/status");
    assert.equal(resourcePath(resources.pods), "/api/v1/pods");
    assert.equal(resourcePath(resources.deployments, { namespace: "ns" }), "/apis/apps/v1/namespaces/ns/deployments");
    assert.equal(resourcePath(resources.nodes, { namespace: "ignored", name: "n1" }), "/api/v1/nodes/n1");
    assert.equal(resourcePath(resources.leases, { namespace: "kube-system", name: "k8ts-scheduler" }), "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/k8ts-scheduler");
  });
});

describe("Client requests", () => {
  it("get, list and create send the upstream method, path and query", async () => {
    const { client, requests } = recording();
    await client.get(resources.pods, "a", { namespace: "ns" });
    await client.list(resources.deployments, { labelSelector: "app=web", limit: 10, continue: "tok", resourceVersion: "5", resourceVersionMatch: "NotOlderThan" });
    await client.create(resources.configmaps, { metadata: { name: "c", namespace: "ns" }, data: {} }, { dryRun: true, fieldManager: "me", fieldValidation: "Strict" });
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.query]),
      [
        ["GET", "/api/v1/namespaces/ns/pods/a", {}],
        ["GET", "/apis/apps/v1/deployments", { labelSelector: "app=web", limit: "10", continue: "tok", resourceVersion: "5", resourceVersionMatch: "NotOlderThan" }],
        ["POST", "/api/v1/namespaces/ns/configmaps", { dryRun: "All", fieldManager: "me", fieldValidation: "Strict" }],
      ],
    );
    assert.deepEqual(requests[2].body, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "ns" }, data: {} });
    assert.equal(requests[2].contentType, "application/json");
  });

  it("update, updateStatus and patch address the object and its subresource", async () => {
    const { client, requests } = recording();
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "ns", resourceVersion: "7" } };
    await client.update(resources.deployments, dep);
    await client.updateStatus(resources.deployments, dep);
    await client.patch(resources.deployments, "web", { spec: { replicas: 3 } }, { namespace: "ns", type: "merge", subresource: "scale" });
    await client.patch(resources.deployments, "web", { metadata: {} }, { namespace: "ns", type: "apply", fieldManager: "k8ts", force: true });
    await client.patch(resources.pods, "p", [{ op: "add", path: "/metadata/labels/a", value: "b" }], { namespace: "ns", type: "json" });
    await client.patch(resources.pods, "p", { spec: {} }, { namespace: "ns", type: "strategic" });
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.contentType]),
      [
        ["PUT", "/apis/apps/v1/namespaces/ns/deployments/web", "application/json"],
        ["PUT", "/apis/apps/v1/namespaces/ns/deployments/web/status", "application/json"],
        ["PATCH", "/apis/apps/v1/namespaces/ns/deployments/web/scale", "application/merge-patch+json"],
        ["PATCH", "/apis/apps/v1/namespaces/ns/deployments/web", "application/apply-patch+yaml"],
        ["PATCH", "/api/v1/namespaces/ns/pods/p", "application/json-patch+json"],
        ["PATCH", "/api/v1/namespaces/ns/pods/p", "application/strategic-merge-patch+json"],
      ],
    );
    assert.deepEqual(requests[3].query, { fieldManager: "k8ts", force: "true" });
  });

  it("delete sends DeleteOptions and returns what the server answers", async () => {
    const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 200 };
    const { client, requests } = recording(() => ({ status: 200, body: status }));
    const out = await client.delete(resources.pods, "p", { namespace: "ns", gracePeriodSeconds: 0, propagationPolicy: "Foreground", preconditions: { uid: "u1" } });
    assert.deepEqual(out, status);
    assert.equal(requests[0].method, "DELETE");
    assert.deepEqual(requests[0].query, { gracePeriodSeconds: "0", propagationPolicy: "Foreground" });
    assert.deepEqual(requests[0].body, { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0, propagationPolicy: "Foreground", preconditions: { uid: "u1" } });
    await client.deleteCollection(resources.pods, { namespace: "ns", labelSelector: "a=b" });
    assert.deepEqual([requests[1].path, requests[1].query, requests[1].body], ["/api/v1/namespaces/ns/pods", { labelSelector: "a=b" }, undefined]);
  });

  it("subresources: get scale, create binding and eviction", async () => {
    const { client, requests } = recording();
    await client.getSubresource(resources.deployments, "web", { namespace: "ns", subresource: "scale" });
    await client.createSubresource(resources.pods, "p", { apiVersion: "v1", kind: "Binding", metadata: { name: "p" }, target: { kind: "Node", name: "n1" } }, { namespace: "ns", subresource: "binding" });
    assert.deepEqual(
      requests.map((r) => [r.method, r.path]),
      [
        ["GET", "/apis/apps/v1/namespaces/ns/deployments/web/scale"],
        ["POST", "/api/v1/namespaces/ns/pods/p/binding"],
      ],
    );
  });

  it("refuses a namespaced get without a namespace before sending anything", async () => {
    const { client, requests } = recording();
    await assert.rejects(client.get(resources.pods, "a"), TypeError);
    assert.equal(requests.length, 0);
  });

  it("throws ApiError carrying the server's Status on non-2xx", async () => {
    const conflict = ApiError.staleUpdate({ group: "apps", resource: "deployments" }, "web").status;
    const { client } = recording(() => ({ status: 409, body: conflict }));
    await assert.rejects(client.update(resources.deployments, { metadata: { name: "web", namespace: "ns" } }), (err: unknown) => {
      assert.ok(isApiError(err, "Conflict"));
      assert.equal(err.code, 409);
      assert.equal(err.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
      return true;
    });
  });

  it("makes a Status out of a non-Status error body", async () => {
    const { client } = recording(() => ({ status: 503, body: undefined, text: "overloaded" }));
    await assert.rejects(client.list(resources.pods), (err: unknown) => isApiError(err, "ServiceUnavailable") && err.message === "overloaded");
  });

  it("reports Warning headers", async () => {
    const warnings: string[] = [];
    const client = new Client({ transport: async () => ({ status: 201, body: { metadata: {} }, headers: { Warning: ['299 - unknown field "spec.foo"'] } }), onWarning: (w) => warnings.push(w) });
    await client.create(resources.configmaps, { metadata: { name: "c", namespace: "ns" } });
    assert.deepEqual(warnings, ['299 - unknown field "spec.foo"']);
  });
});

describe("Client.watch", () => {
  it("sends watch query parameters and yields typed events", async () => {
    const { client, requests } = recording(() => ({
      status: 200,
      body: undefined,
      watch: events([
        { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "2" } } },
        { type: "BOOKMARK", object: { metadata: { resourceVersion: "3" } } },
      ]),
    }));
    const seen: string[] = [];
    for await (const ev of client.watch(resources.pods, { namespace: "ns", resourceVersion: "1", allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: "a=b" })) {
      seen.push(`${ev.type}:${ev.object.metadata?.resourceVersion}`);
    }
    assert.deepEqual(seen, ["ADDED:2", "BOOKMARK:3"]);
    assert.deepEqual(requests[0].query, { watch: "true", resourceVersion: "1", allowWatchBookmarks: "true", timeoutSeconds: "30", labelSelector: "a=b" });
    assert.equal(requests[0].path, "/api/v1/namespaces/ns/pods");
  });

  it("throws ApiError on an ERROR event with a 410 Status", async () => {
    const gone = ApiError.gone("too old resource version: 1 (5)").status;
    const { client } = recording(() => ({ status: 200, body: undefined, watch: events([{ type: "ERROR", object: gone }]) }));
    await assert.rejects(
      (async () => {
        for await (const _ of client.watch(resources.pods, { resourceVersion: "1" })) void _;
      })(),
      (err: unknown) => isApiError(err, "Expired") && err.code === 410,
    );
  });

  it("yields other ERROR events and ends", async () => {
    const internal = ApiError.internal("boom").status;
    const { client } = recording(() => ({
      status: 200,
      body: undefined,
      watch: events([
        { type: "ERROR", object: internal },
        { type: "ADDED", object: { metadata: { name: "never" } } },
      ]),
    }));
    const seen: string[] = [];
    for await (const ev of client.watch(resources.pods)) seen.push(ev.type);
    assert.deepEqual(seen, ["ERROR"]);
  });

  it("throws ApiError when the watch request itself fails", async () => {
    const { client } = recording(() => ({ status: 403, body: ApiError.forbidden({ group: "", resource: "pods" }, "", "no").status }));
    await assert.rejects(
      (async () => {
        for await (const _ of client.watch(resources.pods)) void _;
      })(),
      (err: unknown) => isApiError(err, "Forbidden"),
    );
  });

  it("ends quietly when the signal aborts, and aborts the request's signal when the loop is left", async () => {
    let requestSignal: AbortSignal | undefined;
    const client = new Client({
      transport: async (req) => {
        requestSignal = req.signal;
        return {
          status: 200,
          body: undefined,
          watch: (async function* () {
            yield { type: "ADDED" as const, object: { metadata: { name: "a" } } };
            await new Promise(() => {}); // a quiet stream
          })(),
        };
      },
    });
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of client.watch(resources.pods, { signal: ac.signal })) {
      seen.push(ev.type);
      setImmediate(() => ac.abort());
    }
    assert.deepEqual(seen, ["ADDED"]);
    assert.equal(requestSignal?.aborted, true);
  });
});

describe("inProcessTransport", () => {
  it("sets the loopback user and copies the body", async () => {
    let seen: RestRequest | undefined;
    const transport = inProcessTransport(async (req) => {
      seen = req;
      (req.body as { metadata: { labels?: Record<string, string> } }).metadata.labels = { defaulted: "yes" };
      return { status: 201, body: req.body };
    });
    const client = new Client({ transport });
    const mine = { metadata: { name: "c", namespace: "ns" } };
    await client.create(resources.configmaps, mine);
    assert.equal(seen?.user?.username, "system:apiserver");
    assert.deepEqual(mine, { metadata: { name: "c", namespace: "ns" } }, "the caller's object is unchanged");
  });
});
