// Upstream's e2e ServerSideApply suite (test/e2e/apimachinery/apply.go), case by case,
// against the in-process API server: the same requests, the same expectations.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";
import type { KubeObject, RestRequest, RestResponse } from "../src/api/index.js";

const admin = { username: "admin", groups: ["system:masters", "system:authenticated"] };
const apply = "application/apply-patch+yaml";
const merge = "application/merge-patch+json";
// any: the tests read nested JSON of several kinds.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function nginxDeployment(name: string, spec: { replicas?: number; hostname?: string; ports?: boolean } = {}): Json {
  const container: Json = { name: "nginx", image: "registry.k8s.io/e2e-test-images/nginx:1.15-4" };
  if (spec.ports) container.ports = [{ containerPort: 80, protocol: "TCP" }];
  const podSpec: Json = { containers: [container] };
  if (spec.hostname) podSpec.hostname = spec.hostname;
  const s: Json = { selector: { matchLabels: { app: "nginx" } }, template: { metadata: { labels: { app: "nginx" } }, spec: podSpec } };
  if (spec.replicas !== undefined) s.replicas = spec.replicas;
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, labels: { app: "nginx" } }, spec: s };
}

describe("ServerSideApply (upstream apply.go)", () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({ store: "memory" });
  });
  after(async () => {
    await api?.close();
  });

  const call = (method: RestRequest["method"], path: string, o: { body?: unknown; query?: Record<string, string>; contentType?: string } = {}): Promise<RestResponse> =>
    api.handler({ method, path, query: o.query ?? {}, body: o.body, contentType: o.contentType, user: admin });
  const ok = async (r: Promise<RestResponse>): Promise<Json> => {
    const res = await r;
    assert.ok(res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };
  const deployments = "/apis/apps/v1/namespaces/default/deployments";

  it("should create an applied object if it does not already exist", async () => {
    const cases = [
      {
        resource: "pods",
        name: "test-pod",
        body: { apiVersion: "v1", kind: "Pod", metadata: { name: "test-pod" }, spec: { containers: [{ name: "test-container", image: "test-image" }] } },
        managedFields: '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"test-container\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
      },
      {
        resource: "services",
        name: "test-svc",
        body: { apiVersion: "v1", kind: "Service", metadata: { name: "test-svc" }, spec: { ports: [{ port: 8080, protocol: "UDP" }] } },
        managedFields: '{"f:spec":{"f:ports":{"k:{\\"port\\":8080,\\"protocol\\":\\"UDP\\"}":{".":{},"f:port":{},"f:protocol":{}}}}}',
      },
    ];
    for (const tc of cases) {
      const path = `/api/v1/namespaces/default/${tc.resource}/${tc.name}`;
      await ok(call("PATCH", path, { body: tc.body, contentType: apply, query: { fieldManager: "apply_test" } }));
      await ok(call("GET", path));
      const obj = (await ok(call("PATCH", path, { body: tc.body, contentType: apply, query: { fieldManager: "apply_test_2" } }))) as KubeObject;
      const entries = obj.metadata.managedFields!.filter((e) => e.manager === "apply_test" || e.manager === "apply_test_2");
      assert.equal(entries.length, 2);
      for (const e of entries) assert.equal(JSON.stringify(e.fieldsV1), tc.managedFields);
    }
  });

  it("should work for subresources", async () => {
    const path = "/api/v1/namespaces/default/pods/test-pod";
    const statusPatch = { apiVersion: "v1", kind: "Pod", metadata: { name: "test-pod" }, status: { conditions: [{ type: "MyStatus", status: "True" }] } };
    await ok(call("PATCH", path, { body: statusPatch, contentType: apply, query: { fieldManager: "apply_test2" } }));
    let pod = await ok(call("GET", path));
    assert.ok(!(pod.status?.conditions ?? []).some((c: Json) => c.type === "MyStatus"), "apply to the main resource must not change status");
    await ok(call("PATCH", `${path}/status`, { body: statusPatch, contentType: apply, query: { fieldManager: "apply_test2" } }));
    pod = await ok(call("GET", path));
    assert.ok(pod.status.conditions.some((c: Json) => c.type === "MyStatus"), "apply to status must update status");
  });

  it("should remove a field if it is owned but removed in the apply request", async () => {
    const path = `${deployments}/deployment`;
    await ok(call("PATCH", path, { body: nginxDeployment("deployment", { replicas: 3, ports: true }), contentType: apply, query: { fieldManager: "apply_test" } }));
    await ok(call("PATCH", path, { body: nginxDeployment("deployment", { replicas: 3 }), contentType: apply, query: { fieldManager: "apply_test" } }));
    const d = await ok(call("GET", path));
    assert.equal(d.spec.template.spec.containers[0].ports, undefined);
  });

  it("should not remove a field if an owner unsets the field but other managers still have ownership of the field", async () => {
    const path = `${deployments}/deployment-shared-unset`;
    for (const fieldManager of ["shared_owner_1", "shared_owner_2"]) {
      await ok(call("PATCH", path, { body: nginxDeployment("deployment-shared-unset", { replicas: 3, hostname: "test-hostname" }), contentType: apply, query: { fieldManager } }));
    }
    const d = await ok(call("PATCH", path, { body: nginxDeployment("deployment-shared-unset"), contentType: apply, query: { fieldManager: "shared_owner_1" } }));
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.hostname, "test-hostname");
  });

  it("should ignore conflict errors if force apply is used", async () => {
    const path = `${deployments}/deployment-force`;
    const body = nginxDeployment("deployment-force", { replicas: 3 });
    await ok(call("PATCH", path, { body, contentType: apply, query: { fieldManager: "apply_test" } }));
    await ok(call("PATCH", path, { body: { spec: { replicas: 5 } }, contentType: merge }));
    const conflict = await call("PATCH", path, { body, contentType: apply, query: { fieldManager: "apply_test" } });
    assert.equal(conflict.status, 409);
    assert.ok(((conflict.body as Json).details.causes as unknown[]).length >= 1);
    await ok(call("PATCH", path, { body, contentType: apply, query: { fieldManager: "apply_test", force: "true" } }));
  });

  it("should give up ownership of a field if forced applied by a controller", async () => {
    const path = `${deployments}/deployment-shared-map-item-removal`;
    await ok(call("PATCH", path, { body: nginxDeployment("deployment-shared-map-item-removal", { replicas: 3 }), contentType: apply, query: { fieldManager: "test_applier" } }));
    const current = await ok(call("GET", path));
    current.spec.replicas = 4;
    await ok(call("PUT", path, { body: current }));
    const d = await ok(call("PATCH", path, { body: nginxDeployment("deployment-shared-map-item-removal"), contentType: apply, query: { fieldManager: "test_applier" } }));
    assert.equal(d.spec.replicas, 4);
  });

  it("should work for CRDs", async () => {
    const crd = (name: string, plural: string, kind: string, spec: Json) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${plural}.mygroup.example.com` },
      spec: {
        group: "mygroup.example.com",
        scope: "Cluster",
        names: { plural, singular: name, kind, listKind: `${kind}List` },
        versions: [
          { name: "v1beta1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec } } } },
          { name: "v1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", properties: { spec } } } },
        ],
      },
    });
    const noxuSpec = {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      properties: {
        cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
        ports: {
          type: "array",
          "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
          "x-kubernetes-list-type": "map",
          items: {
            type: "object",
            required: ["containerPort", "protocol"],
            properties: { containerPort: { type: "integer", format: "int32" }, hostIP: { type: "string" }, hostPort: { type: "integer", format: "int32" }, name: { type: "string" }, protocol: { type: "string" } },
          },
        },
      },
    };
    await ok(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("noxu", "noxus", "WishIHadChosenNoxu", noxuSpec) }));
    const base = "/apis/mygroup.example.com/v1beta1/noxus";
    await waitServed(base);
    const cr = (apiVersion: string, o: { finalizers?: boolean; ports?: Json[] } = {}) => ({
      apiVersion,
      kind: "WishIHadChosenNoxu",
      metadata: { name: "mytest", ...(o.finalizers ? { finalizers: ["test-finalizer"] } : {}) },
      spec: { cronSpec: "* * * * */5", replicas: 1, ports: o.ports ?? [{ name: "x", containerPort: 80, protocol: "TCP" }] },
    });
    const yamlBody = cr("mygroup.example.com/v1beta1", { finalizers: true });
    let r = await ok(call("PATCH", `${base}/mytest`, { body: yamlBody, contentType: apply, query: { fieldManager: "apply_test" } }));
    assert.deepEqual(r.metadata.finalizers, ["test-finalizer"]);
    assert.equal(r.spec.replicas, 1);
    assert.equal(r.spec.ports.length, 1);

    // Through the other version too.
    r = await ok(call("PATCH", "/apis/mygroup.example.com/v1/noxus/mytest", { body: cr("mygroup.example.com/v1"), contentType: apply, query: { fieldManager: "apply_test" } }));
    assert.equal(r.spec.replicas, 1);
    assert.equal(r.spec.ports.length, 1);

    r = await ok(call("PATCH", `${base}/mytest`, { body: { metadata: { finalizers: ["test-finalizer", "another-one"] } }, contentType: merge }));
    assert.deepEqual(r.metadata.finalizers, ["test-finalizer", "another-one"]);
    // finalizers are a set: re-applying keeps the other one.
    r = await ok(call("PATCH", `${base}/mytest`, { body: yamlBody, contentType: apply, query: { fieldManager: "apply_test" } }));
    assert.deepEqual([...r.metadata.finalizers].sort(), ["another-one", "test-finalizer"]);

    r = await ok(call("PATCH", `${base}/mytest`, { body: { spec: { replicas: 5 } }, contentType: merge }));
    assert.equal(r.spec.replicas, 5);
    const conflict = await call("PATCH", `${base}/mytest`, { body: yamlBody, contentType: apply, query: { fieldManager: "apply_test" } });
    assert.equal(conflict.status, 409);
    assert.equal(((conflict.body as Json).details.causes as unknown[]).length, 1);
    r = await ok(call("PATCH", `${base}/mytest`, { body: yamlBody, contentType: apply, query: { fieldManager: "apply_test", force: "true" } }));
    assert.equal(r.spec.replicas, 1);

    // A new applier editing an existing list item conflicts; adding an item works.
    const editItem = await call("PATCH", `${base}/mytest`, { body: cr("mygroup.example.com/v1beta1", { ports: [{ name: "y", containerPort: 80, protocol: "TCP" }] }), contentType: apply, query: { fieldManager: "apply_test_2" } });
    assert.equal(editItem.status, 409);
    // (upstream's body there has only spec.ports; ours also sends cronSpec/replicas with the same values, which share, not conflict)
    assert.equal(((editItem.body as Json).details.causes as unknown[]).length, 1, JSON.stringify(editItem.body));
    r = await ok(call("PATCH", `${base}/mytest`, { body: { apiVersion: "mygroup.example.com/v1beta1", kind: "WishIHadChosenNoxu", metadata: { name: "mytest" }, spec: { ports: [{ name: "y", containerPort: 8080, protocol: "TCP" }] } }, contentType: apply, query: { fieldManager: "apply_test_2" } }));
    assert.equal(r.spec.ports.length, 2);

    // Update never creates.
    const put = await call("PUT", `${base}/should-not-exist`, { body: { ...cr("mygroup.example.com/v1beta1"), metadata: { name: "should-not-exist", finalizers: ["test-finalizer"] } }, query: { fieldManager: "apply_test" } });
    assert.equal(put.status, 404);

    // Atomic lists are replaced as a whole.
    await ok(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      body: crd("atomic", "atomics", "Atomic", { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { atomicList: { type: "array", "x-kubernetes-list-type": "atomic", items: { type: "string" } } } }),
    }));
    const atomics = "/apis/mygroup.example.com/v1beta1/atomics";
    await waitServed(atomics);
    const atomic = (item: string) => ({ apiVersion: "mygroup.example.com/v1beta1", kind: "Atomic", metadata: { name: "mytest" }, spec: { atomicList: [item] } });
    await ok(call("PATCH", `${atomics}/mytest`, { body: atomic("item1"), contentType: apply, query: { fieldManager: "apply_test" } }));
    r = await ok(call("PATCH", `${atomics}/mytest`, { body: atomic("item2"), contentType: apply, query: { fieldManager: "apply_test_2", force: "true" } }));
    assert.deepEqual(r.spec.atomicList, ["item2"]);
  });

  // test/e2e/apimachinery/field_validation.go, the apply cases of its conformance tests.
  it("FieldValidation: applies a valid CR and one with unknown fields under preserve-unknown-fields, refuses extra properties", async () => {
    const ports = {
      type: "array",
      "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
      "x-kubernetes-list-type": "map",
      items: { type: "object", required: ["containerPort", "protocol"], properties: { containerPort: { type: "integer", format: "int32" }, hostIP: { type: "string" }, hostPort: { type: "integer", format: "int32" }, name: { type: "string" }, protocol: { type: "string" } } },
    };
    const crd = (plural: string, kind: string, schema: Json) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${plural}.fv.example.com` },
      spec: { group: "fv.example.com", scope: "Cluster", names: { plural, singular: plural.slice(0, -1), kind }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
    });
    const strict = { fieldManager: "field_validation_mgr", fieldValidation: "Strict" };
    const cr = (kind: string, extra: Json, spec: Json) => ({ apiVersion: "fv.example.com/v1", kind, metadata: { name: "mytest", finalizers: ["test-finalizer"] }, ...extra, spec: { cronSpec: "* * * * */5", ports: [{ name: "x", containerPort: 80, protocol: "TCP" }], ...spec } });

    const validated = { type: "object", properties: { spec: { type: "object", properties: { foo: { type: "string" }, cronSpec: { type: "string" }, ports } } } };
    await ok(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("valids", "Valid", validated) }));
    await waitServed("/apis/fv.example.com/v1/valids");
    await ok(call("PATCH", "/apis/fv.example.com/v1/valids/mytest", { body: cr("Valid", {}, { foo: "foo1" }), contentType: apply, query: strict }));

    await ok(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("opens", "Open", { type: "object", "x-kubernetes-preserve-unknown-fields": true }) }));
    await waitServed("/apis/fv.example.com/v1/opens");
    await ok(call("PATCH", "/apis/fv.example.com/v1/opens/mytest", { body: cr("Open", {}, { unknown: "uk1" }), contentType: apply, query: strict }));

    await ok(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("extras", "Extra", validated) }));
    await waitServed("/apis/fv.example.com/v1/extras");
    const refused = await call("PATCH", "/apis/fv.example.com/v1/extras/mytest", { body: cr("Extra", { unknownField: "unknown" }, { foo: "foo1" }), contentType: apply, query: strict });
    assert.match(JSON.stringify(refused.body), /\.unknownField: field not declared in schema/);
    assert.equal((await call("GET", "/apis/fv.example.com/v1/extras/mytest")).status, 404);
  });

  async function waitServed(path: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await call("GET", path)).status === 200) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${path} never served`);
  }
});
