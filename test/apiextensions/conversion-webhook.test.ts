// Several versions of a CRD converted by a webhook (ConversionReview v1) reached through its
// Service's EndpointSlice, verified with the CRD's caBundle: reads in either version, writes
// stored in the storage version, mixed lists, watch events, and upstream's error when the
// webhook fails.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import { after, before, describe, it } from "node:test";
import type { RestRequest, RestResponse } from "../../src/api/index.js";
import { issueServingCertificate } from "../../src/cmd/pki.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const admin = { username: "admin", groups: ["system:masters", "system:authenticated"] };
type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec?: Record<string, unknown> };

// v1: spec.hostPort "host:port"; v2: spec.host + spec.port.
function convert(obj: Obj, to: string): Obj {
  const spec = { ...(obj.spec ?? {}) };
  if (to.endsWith("/v2") && typeof spec.hostPort === "string") {
    const [host, port] = spec.hostPort.split(":");
    delete spec.hostPort;
    Object.assign(spec, { host, port });
  } else if (to.endsWith("/v1") && spec.host !== undefined) {
    spec.hostPort = `${String(spec.host)}:${String(spec.port)}`;
    delete spec.host;
    delete spec.port;
  }
  return { ...obj, apiVersion: to, spec, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels as object), converted: "yes" } } };
}

describe("CRD conversion webhook", () => {
  let server: TestApiServer;
  let webhook: Server;
  let port = 0;
  let failing = false;
  const reviews: { desiredAPIVersion: string; count: number }[] = [];
  const call = (req: Partial<RestRequest> & { method: RestRequest["method"]; path: string }): Promise<RestResponse> => server.handler({ query: {}, user: admin, ...req });
  const body = (res: RestResponse) => res.body as Obj & { items: Obj[]; message: string };
  const base = (v: string) => `/apis/stable.example.com/${v}/namespaces/default/endpoints2`;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    const cert = await issueServingCertificate(server.pki.ca, { commonName: "conv.default.svc", sans: ["conv.default.svc"] });
    webhook = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => {
        const review = JSON.parse(text) as { request: { uid: string; desiredAPIVersion: string; objects: Obj[] } };
        const r = review.request;
        reviews.push({ desiredAPIVersion: r.desiredAPIVersion, count: r.objects.length });
        const response = failing
          ? { uid: r.uid, result: { status: "Failure", message: "converter is broken" } }
          : { uid: r.uid, result: { status: "Success" }, convertedObjects: r.objects.map((o) => convert(o, r.desiredAPIVersion)) };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response }));
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    port = (webhook.address() as { port: number }).port;

    // The Service and its EndpointSlice, as the endpointslice controller would write them.
    assert.equal((await call({ method: "POST", path: "/api/v1/namespaces/default/services", body: { apiVersion: "v1", kind: "Service", metadata: { name: "conv" }, spec: { ports: [{ name: "https", port: 443, targetPort: port }] } } })).status, 201);
    const slice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "conv-1", labels: { "kubernetes.io/service-name": "conv" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }],
      ports: [{ name: "https", port, protocol: "TCP" }],
    };
    assert.equal((await call({ method: "POST", path: "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", body: slice })).status, 201);

    const schema = (props: Record<string, unknown>) => ({ openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: props } } } });
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "endpoints2.stable.example.com" },
      spec: {
        group: "stable.example.com",
        scope: "Namespaced",
        names: { plural: "endpoints2", singular: "endpoint2", kind: "Endpoint2" },
        conversion: {
          strategy: "Webhook",
          webhook: { conversionReviewVersions: ["v1", "v1beta1"], clientConfig: { service: { namespace: "default", name: "conv", path: "/convert" }, caBundle: Buffer.from(server.pki.ca.cert).toString("base64") } },
        },
        versions: [
          { name: "v1", served: true, storage: true, schema: schema({ hostPort: { type: "string" } }), selectableFields: [{ jsonPath: ".spec.hostPort" }] },
          {
            name: "v2",
            served: true,
            storage: false,
            schema: schema({ host: { type: "string" }, port: { type: "string" } }),
            selectableFields: [{ jsonPath: ".spec.host" }, { jsonPath: ".spec.port" }],
            additionalPrinterColumns: [{ name: "Host", type: "string", jsonPath: ".spec.host" }],
          },
        ],
      },
    };
    assert.equal((await call({ method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd })).status, 201);
    for (let i = 0; i < 200 && (await call({ method: "GET", path: base("v2") })).status !== 200; i++) await new Promise((r) => setTimeout(r, 25));
  });

  after(async () => {
    webhook.close();
    await server.close();
  });

  it("serves an object written in v1 as v2, through the webhook", async () => {
    const created = await call({ method: "POST", path: base("v1"), body: { apiVersion: "stable.example.com/v1", kind: "Endpoint2", metadata: { name: "a" }, spec: { hostPort: "localhost:8080" } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(body(created).spec, { hostPort: "localhost:8080" });
    const v2 = body(await call({ method: "GET", path: `${base("v2")}/a` }));
    assert.equal(v2.apiVersion, "stable.example.com/v2");
    assert.deepEqual(v2.spec, { host: "localhost", port: "8080" });
    assert.equal((v2.metadata.labels as Record<string, string>).converted, "yes");
    assert.ok(reviews.some((r) => r.desiredAPIVersion === "stable.example.com/v2"));
  });

  it("stores an object written in v2 in the storage version", async () => {
    const created = await call({ method: "POST", path: base("v2"), body: { apiVersion: "stable.example.com/v2", kind: "Endpoint2", metadata: { name: "b" }, spec: { host: "example.com", port: "443" } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(body(created).spec, { host: "example.com", port: "443" });
    const raw = await server.store.get("/registry/stable.example.com/endpoints2/default/b");
    const stored = JSON.parse(raw.kv!.value) as Obj;
    assert.deepEqual([stored.apiVersion, stored.spec], ["stable.example.com/v1", { hostPort: "example.com:443" }]);
    assert.deepEqual(body(await call({ method: "GET", path: `${base("v1")}/b` })).spec, { hostPort: "example.com:443" });
  });

  it("prints the request version's columns from converted objects", async () => {
    const table = body(await call({ method: "GET", path: base("v2"), accept: "application/json;as=Table;v=v1;g=meta.k8s.io" })) as unknown as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ["Name", "Host"]);
    assert.deepEqual(table.rows.map((r) => r.cells), [["a", "localhost"], ["b", "example.com"]]);
  });

  it("converts a list of mixed stored versions in one review, and patches through v2", async () => {
    reviews.length = 0;
    const list = body(await call({ method: "GET", path: base("v2") }));
    assert.deepEqual(list.items.map((o) => [o.metadata.name, o.apiVersion, o.spec]), [
      ["a", "stable.example.com/v2", { host: "localhost", port: "8080" }],
      ["b", "stable.example.com/v2", { host: "example.com", port: "443" }],
    ]);
    assert.deepEqual(reviews, [{ desiredAPIVersion: "stable.example.com/v2", count: 2 }]);
    const patched = await call({ method: "PATCH", path: `${base("v2")}/a`, contentType: "application/merge-patch+json", body: { spec: { port: "9090" } } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(body(patched).spec, { host: "localhost", port: "9090" });
    assert.deepEqual(body(await call({ method: "GET", path: `${base("v1")}/a` })).spec, { hostPort: "localhost:9090" });
  });

  it("converts watch events", async () => {
    const ctl = new AbortController();
    const res = await call({ method: "GET", path: base("v2"), query: { watch: "true", resourceVersion: "0" }, signal: ctl.signal });
    const it = res.watch![Symbol.asyncIterator]();
    const first = await it.next();
    ctl.abort();
    await it.return?.();
    assert.equal((first.value as { object: Obj }).object.apiVersion, "stable.example.com/v2");
    assert.ok((first.value as { object: Obj }).object.spec?.host);
  });

  it("selects by the request version's selectable fields: list, watch, delete collection", async () => {
    const names = (res: RestResponse) => body(res).items.map((o) => o.metadata.name).sort();
    assert.deepEqual(names(await call({ method: "GET", path: base("v2"), query: { fieldSelector: "spec.host=localhost" } })), ["a"]);
    assert.deepEqual(names(await call({ method: "GET", path: base("v2"), query: { fieldSelector: "spec.host=example.com,spec.port=443" } })), ["b"]);
    assert.deepEqual(names(await call({ method: "GET", path: base("v1"), query: { fieldSelector: "spec.hostPort=example.com:443" } })), ["b"]);
    assert.equal((await call({ method: "GET", path: base("v2"), query: { fieldSelector: "spec.hostPort=x" } })).status, 400);

    const ctl = new AbortController();
    const res = await call({ method: "GET", path: base("v2"), query: { watch: "true", resourceVersion: "0", fieldSelector: "spec.host=example.com" }, signal: ctl.signal });
    const it = res.watch![Symbol.asyncIterator]();
    const next = async () => (await it.next()).value as { type: string; object: Obj };
    const first = await next();
    assert.deepEqual([first.type, first.object.metadata.name, first.object.apiVersion], ["ADDED", "b", "stable.example.com/v2"]);
    await call({ method: "PATCH", path: `${base("v2")}/b`, contentType: "application/merge-patch+json", body: { spec: { host: "other.org" } } });
    const left = await next();
    assert.deepEqual([left.type, left.object.metadata.name], ["DELETED", "b"]);
    await call({ method: "PATCH", path: `${base("v2")}/a`, contentType: "application/merge-patch+json", body: { spec: { host: "example.com" } } });
    const joined = await next();
    assert.deepEqual([joined.type, joined.object.metadata.name], ["ADDED", "a"]);
    ctl.abort();
    await it.return?.();

    const del = await call({ method: "DELETE", path: base("v2"), query: { fieldSelector: "spec.host=example.com" } });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.deepEqual(names(del), ["a"]);
    assert.deepEqual(names(await call({ method: "GET", path: base("v2") })), ["b"]);
  });

  it("fails a read with upstream's message when the webhook refuses", async () => {
    failing = true;
    const res = await call({ method: "GET", path: `${base("v2")}/b` });
    failing = false;
    assert.equal(res.status, 500);
    assert.equal(body(res).message, "Internal error occurred: conversion webhook for stable.example.com/v2, Kind=Endpoint2 returned failure: converter is broken");
  });
});
