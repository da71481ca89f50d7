// Hand-made registry entries for discovery and OpenAPI tests (until tests use the real registry).
import type { Definitions, ResourceType } from "../api/index.js";
import { coreV1Definitions } from "../api/index.js";
import type { ServedTypes } from "./_served.js";

const deploymentDefs: Definitions = {
  "io.k8s.api.apps.v1.Deployment": {
    type: "object",
    description: "Deployment enables declarative updates for Pods and ReplicaSets.",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { $ref: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", description: "Standard object's metadata." },
      spec: { $ref: "io.k8s.api.apps.v1.DeploymentSpec" },
    },
    "x-kubernetes-group-version-kind": [{ group: "apps", version: "v1", kind: "Deployment" }],
  },
  "io.k8s.api.apps.v1.DeploymentSpec": {
    type: "object",
    properties: {
      replicas: { type: "integer", format: "int32" },
      template: { $ref: "io.k8s.api.core.v1.PodTemplateSpec", description: "Template describes the pods that will be created." },
    },
  },
};

export function testTypes(): ResourceType[] {
  return [
    {
      group: "", version: "v1", kind: "Pod", plural: "pods", singular: "pod", namespaced: true,
      shortNames: ["po"], categories: ["all"],
      definition: "io.k8s.api.core.v1.Pod", definitions: coreV1Definitions,
      subresources: {
        status: true,
        custom: {
          binding: { kind: "Binding", verbs: ["create"] },
          eviction: { kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] },
        },
      },
    },
    {
      group: "", version: "v1", kind: "Namespace", plural: "namespaces", singular: "namespace", namespaced: false,
      shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
      definition: "io.k8s.api.core.v1.Namespace", definitions: coreV1Definitions,
      subresources: { status: true },
    },
    {
      group: "apps", version: "v1", kind: "Deployment", plural: "deployments", singular: "deployment", namespaced: true,
      shortNames: ["deploy"], categories: ["all"],
      definition: "io.k8s.api.apps.v1.Deployment", definitions: { ...coreV1Definitions, ...deploymentDefs },
      subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
    },
    {
      group: "example.com", version: "v1beta1", kind: "Widget", plural: "widgets", singular: "widget", namespaced: true,
      definition: "com.example.v1beta1.Widget",
      definitions: { "com.example.v1beta1.Widget": { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
    },
    {
      group: "example.com", version: "v1", kind: "Widget", plural: "widgets", singular: "widget", namespaced: true,
      definition: "com.example.v1.Widget",
      definitions: { "com.example.v1.Widget": { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } },
    },
  ];
}

/** A registry over `types` that can change, with listeners, like the kind registry. */
export function testRegistry(types: ResourceType[] = testTypes()): ServedTypes & { add(rt: ResourceType): void } {
  const listeners: (() => void)[] = [];
  return {
    all: () => types,
    onChange(listener: () => void) {
      listeners.push(listener);
    },
    add(rt: ResourceType) {
      types.push(rt);
      for (const l of listeners) l();
    },
  };
}
