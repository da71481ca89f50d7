import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { meta } from "../../schema.js";
import type { Schema } from "../../schema.js";
import { coreV1Definitions } from "./definitions.js";
import { coreV1Resources } from "./index.js";

function refs(s: Schema, out: Set<string>): void {
  if (s.$ref) out.add(s.$ref);
  for (const p of Object.values(s.properties ?? {})) refs(p, out);
  if (s.items) refs(s.items, out);
  if (typeof s.additionalProperties === "object") refs(s.additionalProperties, out);
}

const prop = (def: string, ...path: string[]): Schema => {
  let s: Schema = coreV1Definitions[`io.k8s.api.core.v1.${def}`];
  for (const p of path) s = s.properties?.[p] ?? assert.fail(`${def}.${path.join(".")} missing`);
  return s;
};

describe("core/v1 definitions", () => {
  it("resolve every $ref within core/v1 or the meta names", () => {
    const all = new Set<string>();
    for (const s of Object.values(coreV1Definitions)) refs(s, all);
    const known = new Set([...Object.keys(coreV1Definitions), ...Object.values(meta)]);
    assert.deepEqual([...all].filter((r) => !known.has(r)), []);
  });

  it("define each resource's kind, with its group-version-kind", () => {
    for (const r of coreV1Resources) {
      const def = r.definitions[r.definition];
      assert.ok(def, r.definition);
      assert.deepEqual(def["x-kubernetes-group-version-kind"], [{ group: "", version: "v1", kind: r.kind }]);
      assert.ok(r.definitions[`${r.definition}List`], `${r.definition}List`);
    }
  });

  const mergeKeys: [string, string[], string, string][] = [
    ["PodSpec", ["containers"], "merge", "name"],
    ["PodSpec", ["initContainers"], "merge", "name"],
    ["PodSpec", ["volumes"], "merge,retainKeys", "name"],
    ["PodSpec", ["imagePullSecrets"], "merge", "name"],
    ["Container", ["ports"], "merge", "containerPort"],
    ["Container", ["env"], "merge", "name"],
    ["Container", ["volumeMounts"], "merge", "mountPath"],
    ["PodStatus", ["conditions"], "merge", "type"],
    ["ServiceSpec", ["ports"], "merge", "port"],
    ["NodeStatus", ["addresses"], "merge", "type"],
    ["ServiceAccount", ["secrets"], "merge", "name"],
  ];
  for (const [def, path, strategy, key] of mergeKeys) {
    it(`merges ${def}.${path.join(".")} by ${key}`, () => {
      const s = prop(def, ...path);
      assert.equal(s["x-kubernetes-patch-strategy"], strategy);
      assert.equal(s["x-kubernetes-patch-merge-key"], key);
    });
  }

  it("keeps tolerations atomic and container ports keyed by port and protocol", () => {
    assert.equal(prop("PodSpec", "tolerations")["x-kubernetes-patch-strategy"], undefined);
    assert.deepEqual(prop("Container", "ports")["x-kubernetes-list-map-keys"], ["containerPort", "protocol"]);
  });

  it("types secret data as base64 bytes and resources as quantities", () => {
    assert.deepEqual(prop("Secret", "data").additionalProperties, { type: "string", format: "byte", description: undefined });
    assert.equal((prop("ResourceRequirements", "limits").additionalProperties as Schema).$ref, meta.Quantity);
    assert.equal((prop("LimitRangeItem", "default").additionalProperties as Schema).$ref, meta.Quantity);
    assert.equal(prop("ServicePort", "targetPort").$ref, meta.IntOrString);
  });

  it("carries every field of common manifests", () => {
    for (const f of ["containers", "volumes", "affinity", "tolerations", "topologySpreadConstraints", "securityContext", "dnsConfig", "hostAliases", "readinessGates", "os"]) prop("PodSpec", f);
    for (const f of ["livenessProbe", "startupProbe", "lifecycle", "envFrom", "resizePolicy", "restartPolicy", "stdin", "tty", "workingDir"]) prop("Container", f);
    for (const f of ["configMap", "secret", "projected", "persistentVolumeClaim", "hostPath", "csi", "ephemeral", "image", "nfs"]) prop("Volume", f);
  });
});

describe("core/v1 discovery", () => {
  const want: [string, string, boolean, string[], string[]][] = [
    ["namespaces", "namespace", false, ["ns"], []],
    ["pods", "pod", true, ["po"], ["all"]],
    ["services", "service", true, ["svc"], ["all"]],
    ["endpoints", "endpoints", true, ["ep"], []],
    ["configmaps", "configmap", true, ["cm"], []],
    ["secrets", "secret", true, [], []],
    ["serviceaccounts", "serviceaccount", true, ["sa"], []],
    ["nodes", "node", false, ["no"], []],
    ["events", "event", true, ["ev"], []],
    ["replicationcontrollers", "replicationcontroller", true, ["rc"], ["all"]],
    ["podtemplates", "podtemplate", true, [], []],
    ["resourcequotas", "resourcequota", true, ["quota"], []],
    ["limitranges", "limitrange", true, ["limits"], []],
  ];
  for (const [plural, singular, namespaced, shortNames, categories] of want) {
    it(`serves ${plural} as upstream`, () => {
      const r = coreV1Resources.find((x) => x.plural === plural);
      assert.ok(r);
      assert.equal(r.singular, singular);
      assert.equal(r.namespaced, namespaced);
      assert.deepEqual(r.shortNames ?? [], shortNames);
      assert.deepEqual(r.categories ?? [], categories);
    });
  }
});
