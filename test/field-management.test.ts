// Server-side apply and managedFields through the API server's REST surface (in-process
// handler and HTTPS): option validation with upstream's messages, apply-create, YAML
// bodies, the User-Agent as default manager, managedFields reset, the status subresource.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:https";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";
import type { KubeObject, ManagedFieldsEntry, RestRequest, RestResponse } from "../src/api/index.js";
import { Client, inProcessTransport, resources } from "../src/client/index.js";

const admin = { username: "admin", groups: ["system:masters"] };
const apply = "application/apply-patch+yaml";

describe("field management over the REST API", () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({ store: "memory" });
  });
  after(async () => {
    await api?.close();
  });

  const call = (method: RestRequest["method"], path: string, o: { body?: unknown; query?: Record<string, string>; contentType?: string; userAgent?: string } = {}): Promise<RestResponse> =>
    api.handler({ method, path, query: o.query ?? {}, body: o.body, contentType: o.contentType, user: admin, userAgent: o.userAgent });
  const body = (r: RestResponse) => r.body as KubeObject & { message?: string; details?: { causes?: unknown[] } };
  const managers = (r: RestResponse) => (body(r).metadata.managedFields ?? []).map((e: ManagedFieldsEntry) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ""}`);

  const cm = (name: string, data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });
  const cms = "/api/v1/namespaces/default/configmaps";

  it("requires a field manager for apply, as upstream's ValidatePatchOptions (422)", async () => {
    const r = await call("PATCH", `${cms}/a`, { body: cm("a", { k: "v" }), contentType: apply });
    assert.equal(r.status, 422);
    assert.equal(body(r).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.equal((await call("GET", `${cms}/a`)).status, 404);
  });

  it("refuses force on other patch types and over-long or unprintable managers", async () => {
    const created = await call("POST", cms, { body: cm("f", { k: "v" }) });
    assert.equal(created.status, 201);
    const force = await call("PATCH", `${cms}/f`, { body: { data: { k: "w" } }, contentType: "application/merge-patch+json", query: { force: "true" } });
    assert.equal(force.status, 422);
    assert.equal(body(force).message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const long = await call("POST", cms, { body: cm("long", {}), query: { fieldManager: "x".repeat(129) } });
    assert.equal(long.status, 422);
    assert.match(body(long).message!, /^CreateOptions\.meta\.k8s\.io "" is invalid: fieldManager: Too long/);
    const tab = await call("PUT", `${cms}/f`, { body: cm("f", {}), query: { fieldManager: "a\tb" } });
    assert.equal(tab.status, 422);
    assert.match(body(tab).message!, /^UpdateOptions\.meta\.k8s\.io "" is invalid: fieldManager: Invalid value: "a\\tb": invalid character U\+0009 \(at position 1\)/);
    assert.deepEqual(body(await call("GET", `${cms}/f`)).data, { k: "v" });
  });

  it("creates on apply (201), then updates (200), owning the applied fields", async () => {
    const first = await call("PATCH", `${cms}/applied`, { body: cm("applied", { a: "1" }), contentType: apply, query: { fieldManager: "tool" } });
    assert.equal(first.status, 201);
    assert.deepEqual(managers(first), ["tool/Apply"]);
    assert.deepEqual(body(first).metadata.managedFields?.[0].fieldsV1, { "f:data": { "f:a": {} } });
    const second = await call("PATCH", `${cms}/applied`, { body: cm("applied", { a: "2" }), contentType: apply, query: { fieldManager: "tool" } });
    assert.equal(second.status, 200);
    assert.deepEqual(body(second).data, { a: "2" });
  });

  it("answers a conflict with 409 and one FieldManagerConflict cause per field", async () => {
    const r = await call("PATCH", `${cms}/applied`, { body: cm("applied", { a: "3" }), contentType: apply, query: { fieldManager: "other" } });
    assert.equal(r.status, 409);
    assert.equal(body(r).message, 'Apply failed with 1 conflict: conflict with "tool": .data.a');
    assert.deepEqual(body(r).details?.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "tool"', field: ".data.a" }]);
    const forced = await call("PATCH", `${cms}/applied`, { body: cm("applied", { a: "3" }), contentType: apply, query: { fieldManager: "other", force: "true" } });
    assert.equal(forced.status, 200);
    assert.deepEqual(managers(forced).sort(), ["other/Apply"]);
  });

  it("refuses an applied configuration of another kind or name, and one carrying managedFields", async () => {
    const kind = await call("PATCH", `${cms}/applied`, { body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "applied" } }, contentType: apply, query: { fieldManager: "t" } });
    assert.equal(kind.status, 400);
    assert.equal(body(kind).message, "invalid object type: apps/v1, Kind=Deployment");
    const name = await call("PATCH", `${cms}/applied`, { body: cm("other-name", {}), contentType: apply, query: { fieldManager: "t" } });
    assert.equal(name.status, 400);
    const mf = await call("PATCH", `${cms}/applied`, { body: { ...cm("applied", {}), metadata: { name: "applied", managedFields: [] } }, contentType: apply, query: { fieldManager: "t" } });
    assert.equal(mf.status, 400);
    assert.equal(body(mf).message, "metadata.managedFields must be nil");
  });

  it("refuses undeclared fields in an applied configuration under fieldValidation=Strict with upstream's typed-conversion message", async () => {
    const r = await call("PATCH", `${cms}/strict`, { body: { ...cm("strict", {}), spec: { x: 1 } }, contentType: apply, query: { fieldManager: "t", fieldValidation: "Strict" } });
    assert.equal(r.status, 500);
    assert.equal(body(r).message, "failed to create typed patch object (/strict; /v1, Kind=ConfigMap): .spec: field not declared in schema");
    // Warn (the default without kubectl) reports and drops them, as any write does.
    const warned = await call("PATCH", `${cms}/strict`, { body: { ...cm("strict", { a: "1" }), spec: { x: 1 } }, contentType: apply, query: { fieldManager: "t" } });
    assert.equal(warned.status, 201);
    assert.equal((body(warned) as Record<string, unknown>).spec, undefined);
    assert.deepEqual(body(warned).metadata.managedFields?.[0].fieldsV1, { "f:data": { "f:a": {} } });
  });

  it("names the manager after the User-Agent when the request gives none", async () => {
    const r = await call("POST", cms, { body: cm("ua", { a: "1" }), userAgent: "my-operator/v1.2.3 (linux/amd64) kubernetes/abc" });
    assert.deepEqual(managers(r), ["my-operator/Update"]);
  });

  it("names in-process components' writes after their user agent (kube-controller-manager…)", async () => {
    const controller = new Client({ transport: inProcessTransport(api.handler, { user: admin, userAgent: "kube-controller-manager/v1.35.0 (linux/amd64)" }) });
    const created = await controller.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "by-controller", namespace: "default" }, data: { a: "1" } });
    assert.deepEqual(created.metadata.managedFields?.map((e) => e.manager), ["kube-controller-manager"]);
  });

  it("resets managedFields set to [{}] by a patch, and tracks again after an apply", async () => {
    const reset = await call("PATCH", `${cms}/ua`, { body: { metadata: { managedFields: [{}] } }, contentType: "application/merge-patch+json", query: { fieldManager: "resetter" } });
    assert.equal(reset.status, 200);
    assert.equal(body(reset).metadata.managedFields, undefined);
    const untracked = await call("PATCH", `${cms}/ua`, { body: { data: { b: "2" } }, contentType: "application/merge-patch+json", query: { fieldManager: "editor" } });
    assert.equal(body(untracked).metadata.managedFields, undefined);
    const applied = await call("PATCH", `${cms}/ua`, { body: cm("ua", { c: "3" }), contentType: apply, query: { fieldManager: "applier" } });
    assert.deepEqual(managers(applied).sort(), ["applier/Apply", "before-first-apply/Update"]);
  });

  it("keeps managedFields a client omits from a PUT, and takes managedFields it sets", async () => {
    const current = body(await call("GET", `${cms}/ua`));
    const withoutMf = { ...current, metadata: { ...current.metadata, managedFields: undefined }, data: { ...(current.data as object), d: "4" } };
    const put = await call("PUT", `${cms}/ua`, { body: withoutMf, query: { fieldManager: "putter" } });
    assert.deepEqual(managers(put).sort(), ["applier/Apply", "before-first-apply/Update", "putter/Update"]);
    const only = body(put).metadata.managedFields!.filter((e) => e.manager === "applier");
    const set = await call("PATCH", `${cms}/ua`, { body: [{ op: "replace", path: "/metadata/managedFields", value: only }], contentType: "application/json-patch+json" });
    assert.deepEqual(managers(set), ["applier/Apply"]);
  });

  it("records the status subresource's writes with subresource status, owning only status", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
    };
    const path = "/apis/apps/v1/namespaces/default/deployments/web";
    assert.equal((await call("PATCH", path, { body: deployment, contentType: apply, query: { fieldManager: "deployer" } })).status, 201);
    const status = await call("PATCH", `${path}/status`, { body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, status: { replicas: 1, observedGeneration: 1 } }, contentType: apply, query: { fieldManager: "ctrl" } });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    const entry = body(status).metadata.managedFields!.find((e) => e.manager === "ctrl");
    assert.deepEqual([entry?.operation, entry?.subresource, entry?.fieldsV1], ["Apply", "status", { "f:status": { "f:observedGeneration": {}, "f:replicas": {} } }]);
    // Status sent through the main resource is not stored, so not owned.
    const main = await call("PATCH", path, { body: { ...deployment, status: { replicas: 7 } }, contentType: apply, query: { fieldManager: "deployer" } });
    assert.equal((body(main).status as { replicas: number }).replicas, 1);
    assert.ok(!JSON.stringify(body(main).metadata.managedFields!.find((e) => e.manager === "deployer")?.fieldsV1).includes("f:status"));
  });

  it("takes YAML apply bodies over HTTPS", async () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: hello\n";
    const res = await rawRequest(api, "PATCH", `${cms}/from-yaml?fieldManager=yaml-tool`, yaml, apply);
    assert.equal(res.status, 201, res.text);
    const obj = JSON.parse(res.text) as KubeObject;
    assert.deepEqual(obj.data, { greeting: "hello" });
    assert.equal(obj.metadata.managedFields?.[0].manager, "yaml-tool");
  });
});

function rawRequest(api: TestApiServer, method: string, path: string, payload: string, contentType: string): Promise<{ status: number; text: string }> {
  const url = new URL(path, api.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, ca: api.pki.ca.cert, cert: api.pki.admin.cert, key: api.pki.admin.key, headers: { "Content-Type": contentType, Accept: "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
