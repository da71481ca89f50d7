import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { builtinRegistry } from "./builtin.js";
import type { Schema } from "./schema.js";

// Schemas every resource refers to but no group defines yet; each with its owner.
const knownMissing: Record<string, string> = {
  "io.k8s.api.core.v1.PersistentVolumeClaim": "core/v1: StatefulSet.spec.volumeClaimTemplates items",
};

function refsOf(schema: Schema, out: Set<string>): void {
  if (schema.$ref) out.add(schema.$ref);
  for (const s of Object.values(schema.properties ?? {})) refsOf(s, out);
  if (schema.items) refsOf(schema.items, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") refsOf(schema.additionalProperties, out);
  for (const s of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) refsOf(s, out);
}

describe("builtinRegistry", () => {
  const registry = builtinRegistry();

  it("has no two resources with one plural in a group-version", () => {
    const seen = new Set<string>();
    for (const rt of registry.all()) {
      const key = `${rt.group}/${rt.version}/${rt.plural}`;
      assert.ok(!seen.has(key), key);
      seen.add(key);
    }
  });

  it("has the definition of every resource, naming its kind", () => {
    const defs = registry.definitions();
    for (const rt of registry.all()) {
      const schema = defs[rt.definition];
      assert.ok(schema, `${rt.plural}: ${rt.definition}`);
      assert.deepEqual(schema["x-kubernetes-group-version-kind"]?.[0], { group: rt.group, version: rt.version, kind: rt.kind }, rt.definition);
    }
  });

  it("resolves every $ref in every definition", () => {
    const defs = registry.definitions();
    const missing: string[] = [];
    for (const [name, schema] of Object.entries(defs)) {
      const refs = new Set<string>();
      refsOf(schema, refs);
      for (const r of refs) if (!defs[r] && !knownMissing[r]) missing.push(`${name} -> ${r}`);
    }
    assert.deepEqual(missing, []);
  });

  it("serves the Scale kind for scale subresources", () => {
    assert.ok(registry.definitions()["io.k8s.api.autoscaling.v1.Scale"]);
  });

  it("names resources, short names and categories as upstream discovery", () => {
    const facts = (group: string, plural: string) => {
      const rt = registry.all().find((r) => r.group === group && r.plural === plural);
      assert.ok(rt, `${group}/${plural}`);
      return { singular: rt.singular, namespaced: rt.namespaced, shortNames: rt.shortNames ?? [], categories: rt.categories ?? [], status: rt.subresources?.status ?? false, scale: Boolean(rt.subresources?.scale) };
    };
    assert.deepEqual(facts("apps", "deployments"), { singular: "deployment", namespaced: true, shortNames: ["deploy"], categories: ["all"], status: true, scale: true });
    assert.deepEqual(facts("apps", "replicasets"), { singular: "replicaset", namespaced: true, shortNames: ["rs"], categories: ["all"], status: true, scale: true });
    assert.deepEqual(facts("apps", "statefulsets"), { singular: "statefulset", namespaced: true, shortNames: ["sts"], categories: ["all"], status: true, scale: true });
    assert.deepEqual(facts("apps", "daemonsets"), { singular: "daemonset", namespaced: true, shortNames: ["ds"], categories: ["all"], status: true, scale: false });
    assert.deepEqual(facts("apps", "controllerrevisions"), { singular: "controllerrevision", namespaced: true, shortNames: [], categories: [], status: false, scale: false });
    assert.deepEqual(facts("batch", "jobs"), { singular: "job", namespaced: true, shortNames: [], categories: ["all"], status: true, scale: false });
    assert.deepEqual(facts("batch", "cronjobs"), { singular: "cronjob", namespaced: true, shortNames: ["cj"], categories: ["all"], status: true, scale: false });
    assert.deepEqual(facts("coordination.k8s.io", "leases"), { singular: "lease", namespaced: true, shortNames: [], categories: [], status: false, scale: false });
    assert.deepEqual(facts("discovery.k8s.io", "endpointslices"), { singular: "endpointslice", namespaced: true, shortNames: [], categories: [], status: false, scale: false });
    assert.deepEqual(facts("events.k8s.io", "events"), { singular: "event", namespaced: true, shortNames: ["ev"], categories: [], status: false, scale: false });
    assert.deepEqual(facts("autoscaling", "horizontalpodautoscalers"), { singular: "horizontalpodautoscaler", namespaced: true, shortNames: ["hpa"], categories: ["all"], status: true, scale: false });
    assert.deepEqual(facts("policy", "poddisruptionbudgets"), { singular: "poddisruptionbudget", namespaced: true, shortNames: ["pdb"], categories: [], status: true, scale: false });
    assert.deepEqual(facts("authentication.k8s.io", "selfsubjectreviews"), { singular: "selfsubjectreview", namespaced: false, shortNames: [], categories: [], status: false, scale: false });
    assert.deepEqual(registry.get("authentication.k8s.io", "v1", "selfsubjectreviews")?.verbs, ["create"]);
  });

  it("lists the core group apart and the named groups in upstream order", () => {
    const { core, named } = registry.groups();
    assert.equal(core?.preferredVersion, "v1");
    const names = named.map((g) => g.name);
    // Upstream's /apis order of the groups this registry has in common with it.
    const upstreamOrder = ["apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "policy", "rbac.authorization.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io"];
    assert.deepEqual(names.filter((n) => upstreamOrder.includes(n)), upstreamOrder.filter((n) => names.includes(n)));
    for (const g of ["apps", "authentication.k8s.io", "authorization.k8s.io", "rbac.authorization.k8s.io", "coordination.k8s.io"]) assert.ok(names.includes(g), g);
  });
});
