// Ownership, conflicts and pruning as upstream's managedfields and structured-merge-diff
// tests describe them (fieldmanager_test.go, lastappliedmanager_test.go,
// capmanagers_test.go, skipnonapplied_test.go; merge/multiple_appliers_test.go).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { builtinRegistry, type Definitions, type KubeObject, type ManagedFieldsEntry, type Schema } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { FieldManager, lastAppliedAnnotation } from "./field-manager.js";
import { TypedSchema } from "./_typed.js";
import { FieldSet } from "../../machinery/index.js";

const defs = builtinRegistry().definitions();

function manager(definition: string, apiVersion: string, kind: string, o: { subresource?: string; now?: string; ignored?: FieldSet; defs?: Definitions; root?: Schema } = {}): FieldManager {
  const d = o.defs ?? defs;
  return new FieldManager({
    typed: new TypedSchema(d, o.root ?? d[definition]),
    apiVersion,
    kind,
    subresource: o.subresource ?? "",
    ignored: o.ignored,
    now: o.now ?? "2026-11-26T10:00:00Z",
    zero: { metadata: {}, spec: {}, status: {} },
  });
}

const deployments = (o: { now?: string; subresource?: string } = {}) => manager("io.k8s.api.apps.v1.Deployment", "apps/v1", "Deployment", o);
const configMaps = (o: { now?: string } = {}) => manager("io.k8s.api.core.v1.ConfigMap", "v1", "ConfigMap", o);

function deployment(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", ...meta }, spec };
}

const template = {
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] },
};

function entry(obj: KubeObject, name: string, operation?: string): ManagedFieldsEntry | undefined {
  return obj.metadata.managedFields?.find((e) => e.manager === name && (!operation || e.operation === operation));
}

function conflict(fn: () => unknown): { message: string; causes: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(isApiError(err), String(err));
    assert.equal(err.status.code, 409);
    assert.equal(err.status.reason, "Conflict");
    return { message: err.status.message ?? "", causes: err.status.details?.causes };
  }
  assert.fail("expected a conflict");
}

describe("managedFields on create and update", () => {
  it("records a create as an Update entry owning what it set", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { app: "x" } }, data: { a: "1" } };
    configMaps().update(undefined, cm, "kubectl-create");
    assert.deepEqual(cm.metadata.managedFields, [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "v1",
        time: "2026-11-26T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { ".": {}, "f:a": {} }, "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
      },
    ]);
  });

  it("moves a changed field to the updater and merges repeated updates of one manager", () => {
    const live: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1", b: "2" } };
    configMaps().update(undefined, live, "creator");
    const next = structuredClone(live);
    (next.data as Record<string, string>).a = "changed";
    configMaps({ now: "2026-11-26T11:00:00Z" }).update(live, next, "kubectl-edit");
    assert.deepEqual(entry(next, "creator")?.fieldsV1, { "f:data": { ".": {}, "f:b": {} } });
    assert.deepEqual(entry(next, "kubectl-edit")?.fieldsV1, { "f:data": { "f:a": {} } });
    assert.equal(entry(next, "kubectl-edit")?.time, "2026-11-26T11:00:00Z");
    const third = structuredClone(next);
    (third.data as Record<string, string>).c = "3";
    configMaps({ now: "2026-11-26T12:00:00Z" }).update(next, third, "kubectl-edit");
    assert.deepEqual(entry(third, "kubectl-edit")?.fieldsV1, { "f:data": { "f:a": {}, "f:c": {} } });
    assert.equal(third.metadata.managedFields?.length, 2);
  });

  it("leaves entries and times alone when a write changes nothing", () => {
    const live: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    configMaps().update(undefined, live, "creator");
    const next = structuredClone(live);
    configMaps({ now: "2026-11-26T13:00:00Z" }).update(live, next, "someone-else");
    assert.deepEqual(next.metadata.managedFields, live.metadata.managedFields);
  });

  it("removes a removed field from its owner; an owner left with nothing disappears", () => {
    const live: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    configMaps().update(undefined, live, "creator");
    // Emptying the map leaves the creator the map itself (its "." member)…
    const emptied: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", managedFields: live.metadata.managedFields }, data: {} };
    configMaps().update(live, emptied, "cleaner");
    assert.deepEqual(entry(emptied, "creator")?.fieldsV1, { "f:data": {} });
    // …and removing it leaves nothing.
    const removed: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", managedFields: emptied.metadata.managedFields } };
    configMaps().update(emptied, removed, "cleaner");
    assert.equal(entry(removed, "creator"), undefined);
  });

  it("resets managedFields given as [] and then stops tracking until an apply (skipNonApplied)", () => {
    const live = deployment({ replicas: 1, selector: { matchLabels: { app: "web" } }, template });
    deployments().update(undefined, live, "kubectl-create");
    const reset = structuredClone(live);
    reset.metadata.managedFields = [];
    deployments().update(live, reset, "curl");
    assert.equal(reset.metadata.managedFields, undefined);
    const edited = structuredClone(reset);
    (edited.spec as { replicas: number }).replicas = 2;
    deployments().update(reset, edited, "kubectl-edit");
    assert.equal(edited.metadata.managedFields, undefined);
    // before-first-apply owns everything that was there, so changing replicas would conflict with it.
    const c = conflict(() => deployments().apply(edited, deployment({ replicas: 3 }), "mgr", false));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    const applied = deployments().apply(edited, deployment({ replicas: 3 }), "mgr", true);
    assert.deepEqual(
      applied.metadata.managedFields?.map((e) => [e.manager, e.operation]),
      [
        ["mgr", "Apply"],
        ["before-first-apply", "Update"],
      ],
    );
    assert.equal(entry(applied, "before-first-apply")?.fieldsV1?.["f:spec"] !== undefined, true);
    assert.deepEqual(entry(applied, "mgr")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  });

  it("resets managedFields given as one empty entry", () => {
    const live = deployment({ replicas: 1 });
    deployments().update(undefined, live, "kubectl-create");
    const reset = structuredClone(live);
    reset.metadata.managedFields = [{}];
    deployments().update(live, reset, "curl");
    assert.equal(reset.metadata.managedFields, undefined);
  });

  it("keeps the live entries when a client sends garbage or omits them", () => {
    const live = deployment({ replicas: 1, minReadySeconds: 3 });
    deployments().update(undefined, live, "kubectl-create");
    const next = structuredClone(live);
    next.metadata.managedFields = [{ manager: "x", operation: "Bogus" as "Apply" }];
    (next.spec as { replicas: number }).replicas = 2;
    deployments().update(live, next, "kubectl-edit");
    assert.deepEqual(
      next.metadata.managedFields?.map((e) => e.manager),
      ["kubectl-create", "kubectl-edit"],
    );
  });

  it("folds the oldest Update managers beyond ten into ancient-changes", () => {
    let live: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: {} };
    for (let i = 0; i < 12; i++) {
      const next = structuredClone(live);
      (next.data as Record<string, string>)[`k${i}`] = "v";
      configMaps({ now: `2026-11-26T10:${String(i).padStart(2, "0")}:00Z` }).update(i === 0 ? undefined : live, next, `m${i}`);
      live = next;
    }
    const names = live.metadata.managedFields!.map((e) => e.manager);
    assert.equal(names.length, 10);
    assert.ok(names.includes("ancient-changes"));
    assert.ok(!names.includes("m0") && !names.includes("m1") && !names.includes("m2"));
    assert.deepEqual(entry(live, "ancient-changes")?.fieldsV1, { "f:data": { ".": {}, "f:k0": {}, "f:k1": {}, "f:k2": {} } });
  });
});

describe("server-side apply", () => {
  const base = () => deployment({ replicas: 1, selector: { matchLabels: { app: "web" } }, template });

  it("creates from nothing and owns exactly the applied fields, keyed lists by their keys (defaults included)", () => {
    const obj = deployments().apply(undefined, base(), "kubectl", false);
    assert.deepEqual(obj.metadata.managedFields, [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2026-11-26T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"nginx"}': {
                    ".": {},
                    "f:image": {},
                    "f:name": {},
                    "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    assert.equal((obj.spec as { replicas: number }).replicas, 1);
  });

  it("refuses a second applier changing a field the first owns, naming field and manager", () => {
    const live = deployments().apply(undefined, base(), "mgr-a", false);
    const c = conflict(() => deployments().apply(live, deployment({ replicas: 3 }), "mgr-b", false));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "mgr-a": .spec.replicas');
    assert.deepEqual(c.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "mgr-a"', field: ".spec.replicas" }]);
  });

  it("lists several conflicts by manager, Update managers with their apiVersion", () => {
    const live = deployments().apply(undefined, base(), "mgr-a", false);
    const edited = structuredClone(live);
    edited.metadata.labels = { tier: "front" };
    deployments().update(live, edited, "kubectl-label");
    const c = conflict(() => deployments().apply(edited, deployment({ replicas: 3, template: { ...template, metadata: { labels: { app: "other" } } } }, { labels: { tier: "back" } }), "mgr-b", false));
    assert.equal(
      c.message,
      'Apply failed with 3 conflicts: conflicts with "kubectl-label" using apps/v1:\n- .metadata.labels.tier\nconflicts with "mgr-a":\n- .spec.replicas\n- .spec.template.metadata.labels.app',
    );
  });

  it("shares a field applied with the same value instead of conflicting", () => {
    const live = deployments().apply(undefined, base(), "mgr-a", false);
    const shared = deployments().apply(live, deployment({ replicas: 1 }), "mgr-b", false);
    assert.deepEqual(entry(shared, "mgr-b")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
    assert.ok(JSON.stringify(entry(shared, "mgr-a")?.fieldsV1).includes("f:replicas"));
  });

  it("takes ownership with force", () => {
    const live = deployments().apply(undefined, base(), "mgr-a", false);
    const forced = deployments().apply(live, deployment({ replicas: 3 }), "mgr-b", true);
    assert.equal((forced.spec as { replicas: number }).replicas, 3);
    assert.ok(!JSON.stringify(entry(forced, "mgr-a")?.fieldsV1).includes("f:replicas"));
    assert.deepEqual(entry(forced, "mgr-b")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  });

  it("lets an Update take a field from an applier without conflict", () => {
    const live = deployments().apply(undefined, base(), "mgr-a", false);
    const scaled = structuredClone(live);
    (scaled.spec as { replicas: number }).replicas = 5;
    deployments({ subresource: "scale" }).update(live, scaled, "kubectl-scale");
    const e = entry(scaled, "kubectl-scale");
    assert.deepEqual([e?.operation, e?.subresource, e?.fieldsV1], ["Update", "scale", { "f:spec": { "f:replicas": {} } }]);
    assert.ok(!JSON.stringify(entry(scaled, "mgr-a")?.fieldsV1).includes("f:replicas"));
    const c = conflict(() => deployments().apply(scaled, base(), "mgr-a", false));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas');
  });

  it("removes a field the applier stopped applying", () => {
    const live = deployments().apply(undefined, deployment({ replicas: 1, minReadySeconds: 5 }, { labels: { a: "1", b: "2" } }), "mgr", false);
    const next = deployments().apply(live, deployment({ replicas: 1 }, { labels: { a: "1" } }), "mgr", false);
    assert.deepEqual(next.metadata.labels, { a: "1" });
    assert.equal((next.spec as Record<string, unknown>).minReadySeconds, undefined);
    assert.deepEqual(entry(next, "mgr")?.fieldsV1, { "f:metadata": { "f:labels": { "f:a": {} } }, "f:spec": { "f:replicas": {} } });
  });

  it("removes a list item the applier stopped applying and keeps the order of the rest", () => {
    const three = { ...template, spec: { containers: ["a", "b", "c"].map((name) => ({ name, image: name })) } };
    const live = deployments().apply(undefined, deployment({ template: three }), "mgr", false);
    const two = { ...template, spec: { containers: ["c", "a"].map((name) => ({ name, image: name })) } };
    const next = deployments().apply(live, deployment({ template: two }), "mgr", false);
    const names = ((next.spec as { template: typeof template }).template.spec.containers).map((c) => c.name);
    assert.deepEqual(names, ["c", "a"]);
  });

  it("keeps a field another manager still owns when one applier drops it", () => {
    const live = deployments().apply(undefined, deployment({ replicas: 1 }, { labels: { a: "1" } }), "mgr-a", false);
    const both = deployments().apply(live, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { a: "1" } } }, "mgr-b", false);
    const next = deployments().apply(both, deployment({ replicas: 1 }), "mgr-a", false);
    assert.deepEqual(next.metadata.labels, { a: "1" });
    assert.deepEqual(entry(next, "mgr-b")?.fieldsV1, { "f:metadata": { "f:labels": { "f:a": {} } } });
  });

  it("leaves fields nobody applied (defaults, other writers) alone", () => {
    const live = deployments().apply(undefined, deployment({ replicas: 1, minReadySeconds: 5 }), "mgr", false);
    (live.spec as Record<string, unknown>).revisionHistoryLimit = 10;
    const next = deployments().apply(live, deployment({ replicas: 2 }), "mgr", false);
    assert.deepEqual(next.spec, { replicas: 2, revisionHistoryLimit: 10 });
  });

  it("owns a set's items by value and an atomic map as a whole", () => {
    const obj = deployments().apply(undefined, deployment({ selector: { matchLabels: { app: "web" } } }, { finalizers: ["example.com/a"] }), "mgr", false);
    assert.deepEqual(entry(obj, "mgr")?.fieldsV1, { "f:metadata": { "f:finalizers": { 'v:"example.com/a"': {} } }, "f:spec": { "f:selector": {} } });
  });

  it("does not touch the object or the applier's time when nothing changes", () => {
    const live = deployments().apply(undefined, base(), "mgr", false);
    const again = deployments({ now: "2026-11-26T12:00:00Z" }).apply(live, base(), "mgr", false);
    assert.deepEqual(again, live);
  });

  it("refuses another kind, managed fields in the configuration and items without their key", () => {
    const wrongKind = { ...base(), kind: "ReplicaSet" };
    assert.throws(() => deployments().apply(undefined, wrongKind, "mgr", false), /invalid object type: apps\/v1, Kind=ReplicaSet/);
    const withManaged = deployment({}, { managedFields: [] });
    assert.throws(() => deployments().apply(undefined, withManaged, "mgr", false), /metadata.managedFields must be nil/);
    const noKey = deployment({ template: { spec: { containers: [{ image: "x" }] } } });
    assert.throws(
      () => deployments().apply(undefined, noKey, "mgr", false),
      /\.spec\.template\.spec\.containers: element 0: associative list with keys has an element that omits key field "name" \(and doesn't have default value\)/,
    );
    const dup = deployment({ template: { spec: { containers: [{ name: "a" }, { name: "a" }] } } });
    assert.throws(() => deployments().apply(undefined, dup, "mgr", false), /duplicate entries for key \[name="a"\]/);
  });

  it("does not own fields the endpoint resets (status through the main resource)", () => {
    const fm = manager("io.k8s.api.apps.v1.Deployment", "apps/v1", "Deployment", { ignored: FieldSet.of([{ field: "status" }]) });
    const obj = fm.apply(undefined, deployment({ replicas: 1 }, {}), "mgr", false);
    const withStatus = fm.apply(obj, { ...deployment({ replicas: 1 }), status: { replicas: 9 } }, "mgr", false);
    assert.deepEqual(entry(withStatus, "mgr")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  });
});

describe("migration from client-side apply (lastAppliedManager)", () => {
  function csaObject(replicas: number): KubeObject {
    const cfg = deployment({ replicas, selector: { matchLabels: { app: "web" } }, template });
    const obj = structuredClone(cfg);
    obj.metadata.annotations = { [lastAppliedAnnotation]: JSON.stringify(cfg) + "\n" };
    deployments().update(undefined, obj, "kubectl-client-side-apply");
    return obj;
  }

  it("lets kubectl take over fields whose live value is still the last-applied one, and keeps the annotation in step", () => {
    const live = csaObject(1);
    const cfg = deployment({ replicas: 2, selector: { matchLabels: { app: "web" } }, template });
    const next = deployments().apply(live, cfg, "kubectl", false);
    assert.equal((next.spec as { replicas: number }).replicas, 2);
    assert.ok(!JSON.stringify(entry(next, "kubectl-client-side-apply")?.fieldsV1).includes("f:replicas"));
    assert.deepEqual(JSON.parse(next.metadata.annotations![lastAppliedAnnotation]), JSON.parse(JSON.stringify(cfg)));
    assert.ok(next.metadata.annotations![lastAppliedAnnotation].endsWith("\n"));
  });

  it("still conflicts for another manager name", () => {
    const live = csaObject(1);
    const c = conflict(() => deployments().apply(live, deployment({ replicas: 2 }), "helm", false));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  });

  it("still conflicts where someone changed the live value since", () => {
    const live = csaObject(1);
    const scaled = structuredClone(live);
    (scaled.spec as { replicas: number }).replicas = 5;
    deployments().update(live, scaled, "kubectl-client-side-apply");
    const c = conflict(() => deployments().apply(scaled, deployment({ replicas: 2 }), "kubectl", false));
    assert.match(c.message, /conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);
  });
});

describe("custom resource schemas", () => {
  // An openAPIV3Schema as a CRD carries it: inline, no $ref.
  const crd: Schema = {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: {
        type: "object",
        properties: {
          size: { type: "integer" },
          ports: {
            type: "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            items: { type: "object", properties: { name: { type: "string" }, port: { type: "integer" } } },
          },
          tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
          args: { type: "array", items: { type: "string" } },
          ref: { type: "object", "x-kubernetes-map-type": "atomic", properties: { name: { type: "string" } } },
          extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        },
      },
    },
  };
  const widgets = () => manager("", "example.com/v1", "Widget", { defs: { ...defs }, root: crd });
  const widget = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec });

  it("reads list and map types from the schema alone", () => {
    const obj = widgets().apply(undefined, widget({ size: 1, ports: [{ name: "http", port: 80 }], tags: ["a"], args: ["x"], ref: { name: "r" }, extra: { deep: { k: 1 } } }), "mgr", false);
    assert.deepEqual(entry(obj, "mgr")?.fieldsV1, {
      "f:spec": {
        "f:args": {},
        "f:extra": { "f:deep": { ".": {}, "f:k": {} } },
        "f:ports": { 'k:{"name":"http"}': { ".": {}, "f:name": {}, "f:port": {} } },
        "f:ref": {},
        "f:size": {},
        "f:tags": { 'v:"a"': {} },
      },
    });
  });

  it("merges keyed items and set values of two appliers and conflicts on a shared key's field", () => {
    const live = widgets().apply(undefined, widget({ ports: [{ name: "http", port: 80 }], tags: ["a"] }), "mgr-a", false);
    const both = widgets().apply(live, widget({ ports: [{ name: "metrics", port: 9090 }], tags: ["b"] }), "mgr-b", false);
    assert.deepEqual(both.spec, { ports: [{ name: "http", port: 80 }, { name: "metrics", port: 9090 }], tags: ["a", "b"] });
    const c = conflict(() => widgets().apply(both, widget({ ports: [{ name: "http", port: 8080 }] }), "mgr-b", false));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "mgr-a": .spec.ports[name="http"].port');
  });

  it("records a create of a custom resource with '.' on the new struct", () => {
    const obj = widget({ size: 1 });
    const fm = new FieldManager({ typed: new TypedSchema(defs, crd), apiVersion: "example.com/v1", kind: "Widget", subresource: "", now: "2026-11-26T10:00:00Z", zero: { metadata: {} } });
    fm.update(undefined, obj, "kubectl-create");
    assert.deepEqual(entry(obj, "kubectl-create")?.fieldsV1, { "f:spec": { ".": {}, "f:size": {} } });
  });
});
