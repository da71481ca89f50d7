import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RestRequest, RestResponse } from "../../src/api/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { cronTabCrd } from "./_crd-fixtures.js";

const admin = { username: "admin", groups: ["system:masters", "system:authenticated"] };
const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const ctPath = "/apis/stable.example.com/v1/namespaces/default/crontabs";

describe("CustomResourceDefinitions (in-process API server)", () => {
  let server: TestApiServer;
  const call = (req: Partial<RestRequest> & { method: RestRequest["method"]; path: string }): Promise<RestResponse> => server.handler({ query: {}, user: admin, ...req });
  const body = (res: RestResponse) => res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads nested JSON

  async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
  });
  after(() => server.close());

  it("lists and watches by selectable fields", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Cluster",
        names: { plural: "widgets", kind: "Widget" },
        versions: [{ name: "v1", served: true, storage: true, selectableFields: [{ jsonPath: ".spec.color" }], schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { color: { type: "string" } } } } } } }],
      },
    };
    assert.equal((await call({ method: "POST", path: crdPath, body: crd })).status, 201);
    const wpath = "/apis/example.com/v1/widgets";
    await until(async () => ((await call({ method: "GET", path: wpath })).status === 200 ? true : undefined), "widgets served");
    for (const [name, color] of [["w1", "blue"], ["w2", "red"]]) {
      assert.equal((await call({ method: "POST", path: wpath, body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec: { color } } })).status, 201);
    }
    const blue = body(await call({ method: "GET", path: wpath, query: { fieldSelector: "spec.color=blue" } }));
    assert.deepEqual(blue.items.map((o: { metadata: { name: string } }) => o.metadata.name), ["w1"]);
    const notRed = body(await call({ method: "GET", path: wpath, query: { fieldSelector: "spec.color!=red,metadata.name=w1" } }));
    assert.equal(notRed.items.length, 1);
    const bad = await call({ method: "GET", path: wpath, query: { fieldSelector: "spec.size=1" } });
    assert.equal(bad.status, 400);
  });

  it("establishes a new CRD and serves its resource", async () => {
    const res = await call({ method: "POST", path: crdPath, body: cronTabCrd() });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(body(res).status.storedVersions, ["v1"]);
    assert.equal(body(res).spec.names.listKind, "CronTabList");
    const crd = await until(async () => {
      const got = body(await call({ method: "GET", path: `${crdPath}/crontabs.stable.example.com` }));
      return got.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True") ? got : undefined;
    }, "Established");
    assert.deepEqual(crd.status.acceptedNames.plural, "crontabs");
    assert.ok(crd.status.conditions.some((c: { type: string; reason: string }) => c.type === "NamesAccepted" && c.reason === "NoConflicts"));
    const discovery = body(await call({ method: "GET", path: "/apis/stable.example.com/v1" }));
    const names = discovery.resources.map((r: { name: string }) => r.name).sort();
    assert.deepEqual(names, ["crontabs", "crontabs/scale", "crontabs/status"]);
  });

  it("does not accept names another CRD of the group already uses", async () => {
    const dup = cronTabCrd() as { metadata: { name: string }; spec: { names: Record<string, unknown> } };
    dup.metadata.name = "crontabs2.stable.example.com";
    dup.spec.names = { plural: "crontabs2", singular: "crontab2", kind: "CronTab" };
    assert.equal((await call({ method: "POST", path: crdPath, body: dup })).status, 201);
    const crd = await until(async () => {
      const got = body(await call({ method: "GET", path: `${crdPath}/crontabs2.stable.example.com` }));
      return got.status?.conditions?.length ? got : undefined;
    }, "conditions");
    const cond = (t: string) => crd.status.conditions.find((c: { type: string }) => c.type === t);
    assert.deepEqual([cond("NamesAccepted").status, cond("NamesAccepted").reason, cond("NamesAccepted").message], ["False", "KindConflict", '"CronTab" is already in use']);
    assert.deepEqual([cond("Established").status, cond("Established").reason], ["False", "NotAccepted"]);
    assert.equal((await call({ method: "GET", path: "/apis/stable.example.com/v1/namespaces/default/crontabs2" })).status, 404);
    assert.equal((await call({ method: "DELETE", path: `${crdPath}/crontabs2.stable.example.com` })).status, 200);
    await until(async () => ((await call({ method: "GET", path: `${crdPath}/crontabs2.stable.example.com` })).status === 404 ? true : undefined), "crontabs2 gone");
  });

  it("refuses a CRD whose name is not plural.group, with upstream's message", async () => {
    const bad = cronTabCrd();
    (bad.metadata as { name: string }).name = "wrong.stable.example.com";
    const res = await call({ method: "POST", path: crdPath, body: bad });
    assert.equal(res.status, 422);
    assert.match(body(res).message, /metadata.name: Invalid value: "wrong.stable.example.com": must be spec.names.plural\+"."\+spec.group/);
  });

  it("requires the API approval annotation for groups under k8s.io", async () => {
    const crd = cronTabCrd() as { metadata: { name: string; annotations?: Record<string, string> }; spec: { group: string } };
    crd.metadata.name = "crontabs.stable.k8s.io";
    crd.spec.group = "stable.k8s.io";
    const res = await call({ method: "POST", path: crdPath, body: crd, query: { dryRun: "All" } });
    assert.equal(res.status, 422);
    assert.match(body(res).message, /metadata.annotations\[api-approved.kubernetes.io\]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https:\/\/github.com\/kubernetes\/enhancements\/pull\/1111/);
    crd.metadata.annotations = { "api-approved.kubernetes.io": "https://github.com/kubernetes/enhancements/pull/1111" };
    assert.equal((await call({ method: "POST", path: crdPath, body: crd, query: { dryRun: "All" } })).status, 201);
  });

  it("creates an object with defaults, prunes unknown fields, and refuses schema violations", async () => {
    const created = await call({ method: "POST", path: ctPath, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "a" }, spec: { cronSpec: "* * * * */5", unknownField: 1, extra: { kept: true } } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(body(created).spec, { cronSpec: "* * * * */5", image: "busybox", replicas: 1, maxReplicas: 5, extra: { kept: true } });
    assert.equal(body(created).metadata.generation, 1);

    const bad = await call({ method: "POST", path: ctPath, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "b" }, spec: { cronSpec: "x", replicas: "3", size: "XL", tags: ["a", "a"] } } });
    assert.equal(bad.status, 422);
    const msg: string = body(bad).message;
    assert.match(msg, /^CronTab.stable.example.com "b" is invalid: \[/);
    assert.match(msg, /spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"/);
    assert.match(msg, /spec.size: Unsupported value: "XL": supported values: "S", "M", "L"/);
    assert.match(msg, /spec.cronSpec: Invalid value: "x": spec.cronSpec in body should match/);
    assert.match(msg, /spec.tags\[1\]: Duplicate value: "a"/);
    assert.equal((await call({ method: "GET", path: `${ctPath}/b` })).status, 404);

    const strict = await call({ method: "POST", path: ctPath, query: { fieldValidation: "Strict" }, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "c" }, spec: { cronSpec: "* * * * *", bogus: 1 } } });
    assert.equal(strict.status, 400);
    assert.equal(body(strict).message, 'strict decoding error: unknown field "spec.bogus"');
    const warn = await call({ method: "POST", path: ctPath, query: { fieldValidation: "Warn" }, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "w", labels: { a: "b" } }, spec: { cronSpec: "* * * * *", bogus: 1 } } });
    assert.equal(warn.status, 201);
    assert.deepEqual(warn.headers?.Warning, ['299 - "unknown field \\"spec.bogus\\""']);
    assert.equal(body(warn).spec.bogus, undefined);
    assert.equal((await call({ method: "DELETE", path: `${ctPath}/w` })).status, 200);
  });

  it("refuses a CEL rule violation with its message, and checks transition rules on update", async () => {
    const res = await call({ method: "POST", path: ctPath, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "cel" }, spec: { cronSpec: "* * * * *", replicas: 8, maxReplicas: 5 } } });
    assert.equal(res.status, 422);
    assert.equal(body(res).message, 'CronTab.stable.example.com "cel" is invalid: spec: Invalid value: "object": replicas must not exceed maxReplicas');
    const patch = await call({ method: "PATCH", path: `${ctPath}/a`, contentType: "application/merge-patch+json", body: { spec: { image: "nginx" } } });
    assert.equal(patch.status, 422);
    assert.match(body(patch).message, /spec: Invalid value: "object": image is immutable/);
  });

  it("keeps spec and status apart through the status subresource, and serves scale", async () => {
    const st = await call({ method: "PATCH", path: `${ctPath}/a/status`, contentType: "application/merge-patch+json", body: { spec: { replicas: 9 }, status: { replicas: 2, labelSelector: "app=x" } } });
    assert.equal(st.status, 200, JSON.stringify(st.body));
    assert.equal(body(st).spec.replicas, 1);
    assert.equal(body(st).status.replicas, 2);
    const main = await call({ method: "PATCH", path: `${ctPath}/a`, contentType: "application/merge-patch+json", body: { spec: { replicas: 3 }, status: { replicas: 7 } } });
    assert.equal(body(main).spec.replicas, 3);
    assert.equal(body(main).status.replicas, 2);
    assert.equal(body(main).metadata.generation, 2);
    const scale = body(await call({ method: "GET", path: `${ctPath}/a/scale` }));
    assert.deepEqual([scale.kind, scale.spec.replicas, scale.status.replicas, scale.status.selector], ["Scale", 3, 2, "app=x"]);
    const put = await call({ method: "PUT", path: `${ctPath}/a/scale`, body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "a" }, spec: { replicas: 4 } } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(body(await call({ method: "GET", path: `${ctPath}/a` })).spec.replicas, 4);
  });

  it("refuses strategic merge patch, as upstream does for custom resources", async () => {
    const res = await call({ method: "PATCH", path: `${ctPath}/a`, contentType: "application/strategic-merge-patch+json", body: { spec: { replicas: 2 } } });
    assert.equal(res.status, 415);
    assert.equal(body(res).message, "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  });

  it("publishes its schema in /openapi/v2", async () => {
    const res = await call({ method: "GET", path: "/openapi/v2", accept: "application/json" });
    const doc = JSON.parse(Buffer.from(res.raw!.data).toString());
    const def = doc.definitions["com.example.stable.v1.CronTab"];
    assert.deepEqual(Object.keys(def.properties).sort(), ["apiVersion", "kind", "metadata", "spec", "status"]);
    assert.equal(def.properties.spec.properties.size.enum.length, 3);
    assert.ok(doc.paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale"]);
  });

  it("prints additionalPrinterColumns in Table output", async () => {
    const res = await call({ method: "GET", path: ctPath, accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    const table = body(res);
    assert.deepEqual(table.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Spec", "Replicas", "Age"]);
    assert.deepEqual(table.rows[0].cells.slice(0, 3), ["a", "* * * * */5", 4]);
    assert.match(table.rows[0].cells[3], /^\d+s$/);
  });

  it("keeps conditions others set through the CRD's status subresource", async () => {
    const path = `${crdPath}/crontabs.stable.example.com/status`;
    const crd = body(await call({ method: "GET", path }));
    crd.status.conditions.push({ type: "StatusUpdated", status: "True", reason: "E2E", message: "set from a test", lastTransitionTime: "2026-01-01T00:00:00Z" });
    const put = await call({ method: "PUT", path, body: crd });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await new Promise((r) => setTimeout(r, 100));
    const after = body(await call({ method: "GET", path }));
    assert.ok(after.status.conditions.some((c: { type: string }) => c.type === "StatusUpdated"));
    assert.ok(after.status.conditions.some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True"));
  });

  it("defaults objects read from storage with defaults added to the schema later", async () => {
    const path = `${crdPath}/crontabs.stable.example.com`;
    const crd = body(await call({ method: "GET", path }));
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.default = "M";
    assert.equal((await call({ method: "PUT", path, body: crd })).status, 200);
    const got = await until(async () => {
      const a = body(await call({ method: "GET", path: `${ctPath}/a` }));
      return a.spec.size === "M" ? a : undefined;
    }, "default from storage");
    assert.equal(got.spec.size, "M");
    const raw = JSON.parse((await server.store.get("/registry/stable.example.com/crontabs/default/a")).kv!.value);
    assert.equal(raw.spec.size, undefined);
  });

  it("refuses new objects while the CRD is terminating, and lets finalizers be removed", async () => {
    const held = await call({ method: "POST", path: ctPath, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "held", finalizers: ["example.com/hold"] }, spec: { cronSpec: "* * * * *" } } });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    assert.equal((await call({ method: "DELETE", path: `${crdPath}/crontabs.stable.example.com` })).status, 200);
    const refused = await until(async () => {
      const r = await call({ method: "POST", path: ctPath, body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "late" }, spec: { cronSpec: "* * * * *" } } });
      return r.status === 405 ? r : undefined;
    }, "405 while terminating");
    assert.equal(body(refused).message, "create not allowed while custom resource definition is terminating");
    await until(async () => {
      const crd = body(await call({ method: "GET", path: `${crdPath}/crontabs.stable.example.com` }));
      return crd.status.conditions.some((c: { type: string; reason: string }) => c.type === "Terminating" && c.reason === "InstanceDeletionInProgress") ? true : undefined;
    }, "Terminating: InstanceDeletionInProgress");
    const unhold = await call({ method: "PATCH", path: `${ctPath}/held`, contentType: "application/merge-patch+json", body: { metadata: { finalizers: null } } });
    assert.equal(unhold.status, 200, JSON.stringify(unhold.body));
  });

  it("deletes every object when the CRD is deleted, then the CRD and its resource", async () => {
    const marked = body(await call({ method: "GET", path: `${crdPath}/crontabs.stable.example.com` }));
    if (marked.metadata) assert.ok(marked.metadata.finalizers.includes("customresourcecleanup.apiextensions.k8s.io"));
    // Deleted in the previous test; held there by a finalizer that is now gone.
    await until(async () => ((await call({ method: "GET", path: `${crdPath}/crontabs.stable.example.com` })).status === 404 ? true : undefined), "CRD gone");
    await until(async () => ((await call({ method: "GET", path: ctPath })).status === 404 ? true : undefined), "resource unregistered");
    assert.equal((await server.store.range("/registry/stable.example.com/crontabs/")).kvs.length, 0);
  });

  it("accepts a CRD's names once the CRD that held them is gone", async () => {
    const waiting = cronTabCrd() as { metadata: { name: string }; spec: { names: Record<string, unknown> } };
    waiting.metadata.name = "crontabs3.stable.example.com";
    waiting.spec.names = { plural: "crontabs3", singular: "crontab3", kind: "Widget3" };
    const holder = structuredClone(waiting);
    holder.metadata.name = "crontabs4.stable.example.com";
    holder.spec.names = { plural: "crontabs4", singular: "crontab4", kind: "Widget3" };
    assert.equal((await call({ method: "POST", path: crdPath, body: holder })).status, 201);
    await until(async () => ((await call({ method: "GET", path: "/apis/stable.example.com/v1/namespaces/default/crontabs4" })).status === 200 ? true : undefined), "holder served");
    assert.equal((await call({ method: "POST", path: crdPath, body: waiting })).status, 201);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await call({ method: "GET", path: "/apis/stable.example.com/v1/namespaces/default/crontabs3" })).status, 404);
    assert.equal((await call({ method: "DELETE", path: `${crdPath}/crontabs4.stable.example.com` })).status, 200);
    await until(async () => ((await call({ method: "GET", path: "/apis/stable.example.com/v1/namespaces/default/crontabs3" })).status === 200 ? true : undefined), "waiting CRD served");
  });
});

describe("CRD versions with conversion None", () => {
  let server: TestApiServer;
  const call = (req: Partial<RestRequest> & { method: RestRequest["method"]; path: string }): Promise<RestResponse> => server.handler({ query: {}, user: admin, ...req });
  const body = (res: RestResponse) => res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads nested JSON
  const path = (v: string) => `/apis/stable.example.com/${v}/namespaces/default/crontabs`;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    const crd = cronTabCrd() as { spec: { versions: Record<string, unknown>[] } };
    const v1 = crd.spec.versions[0];
    crd.spec.versions = [
      { ...v1, name: "v1beta1", storage: true },
      { ...v1, name: "v1", storage: false },
      { ...v1, name: "v0", served: false, storage: false },
    ];
    assert.equal((await call({ method: "POST", path: crdPath, body: crd })).status, 201);
    for (let i = 0; i < 200 && (await call({ method: "GET", path: path("v1") })).status !== 200; i++) await new Promise((r) => setTimeout(r, 25));
  });
  after(() => server.close());

  it("serves only served versions, stores the storage version and answers in the request's", async () => {
    assert.equal((await call({ method: "GET", path: path("v0") })).status, 404);
    const created = await call({ method: "POST", path: path("v1"), body: { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "x" }, spec: { cronSpec: "* * * * *" } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(body(created).apiVersion, "stable.example.com/v1");
    const raw = JSON.parse((await server.store.get("/registry/stable.example.com/crontabs/default/x")).kv!.value);
    assert.equal(raw.apiVersion, "stable.example.com/v1beta1");
    assert.equal(body(await call({ method: "GET", path: `${path("v1beta1")}/x` })).apiVersion, "stable.example.com/v1beta1");
    const patched = await call({ method: "PATCH", path: `${path("v1")}/x`, contentType: "application/merge-patch+json", body: { spec: { replicas: 2 } } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([body(patched).apiVersion, body(patched).spec.replicas], ["stable.example.com/v1", 2]);
    const crd = body(await call({ method: "GET", path: `${crdPath}/crontabs.stable.example.com` }));
    assert.deepEqual(crd.status.storedVersions, ["v1beta1"]);
    const discovery = body(await call({ method: "GET", path: "/apis/stable.example.com" }));
    assert.deepEqual(discovery.versions.map((v: { version: string }) => v.version), ["v1", "v1beta1"]);
    assert.equal(discovery.preferredVersion.version, "v1");
  });

  it("refuses a CRD update that drops a stored version from spec.versions", async () => {
    const crd = body(await call({ method: "GET", path: `${crdPath}/crontabs.stable.example.com` }));
    crd.spec.versions = crd.spec.versions.filter((v: { name: string }) => v.name !== "v1beta1");
    crd.spec.versions[0].storage = true;
    const res = await call({ method: "PUT", path: `${crdPath}/crontabs.stable.example.com`, body: crd });
    assert.equal(res.status, 422);
    assert.match(body(res).message, /status.storedVersions\[0\]: Invalid value: "v1beta1": must appear in spec.versions/);
  });
});
