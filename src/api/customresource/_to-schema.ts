/**
 * A CRD version's openAPIV3Schema as the registry's Schema: what the OpenAPI documents
 * (`kubectl explain`), unknown-field pruning and server-side apply read. Logical junctors
 * (allOf, anyOf, oneOf, not) carry only value validations in a structural schema and are
 * left out, as upstream leaves them out of the published OpenAPI; the root gets the
 * apiVersion/kind/metadata every object has.
 */
import type { Schema } from "../schema.js";
import { objectMeta, string } from "../schema.js";
import type { JSONSchemaProps } from "../apiextensions/v1/crd-types.js";

const copied = [
  "description",
  "format",
  "default",
  "nullable",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "pattern",
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
] as const;

export function schemaOf(p: JSONSchemaProps): Schema {
  const s: Schema & Record<string, unknown> = {};
  if (p.type) s.type = p.type as Schema["type"];
  for (const key of copied) if (p[key] !== undefined) (s as Record<string, unknown>)[key] = structuredClone(p[key]);
  if (p.enum) s.enum = structuredClone(p.enum) as Schema["enum"];
  if (p.required?.length) s.required = [...p.required];
  if (p.properties) s.properties = Object.fromEntries(Object.entries(p.properties).map(([k, v]) => [k, schemaOf(v)]));
  if (p.items && !Array.isArray(p.items)) s.items = schemaOf(p.items);
  if (typeof p.additionalProperties === "object") s.additionalProperties = schemaOf(p.additionalProperties);
  else if (p.additionalProperties === true) s.additionalProperties = true;
  if (p["x-kubernetes-embedded-resource"]) {
    // An embedded object is a whole Kubernetes object: its metadata is ObjectMeta, as upstream publishes it.
    s.properties = { apiVersion: string(), kind: string(), ...s.properties, metadata: objectMeta() };
  }
  if (s["x-kubernetes-list-type"] === "map" && p.items && !Array.isArray(p.items)) {
    // Strategic merge patch is refused for custom resources; the merge key only helps SSA-free tooling.
    const keys = p["x-kubernetes-list-map-keys"];
    if (keys?.length === 1) s["x-kubernetes-patch-merge-key"] = keys[0];
  }
  return s;
}

/** The root schema of a custom resource kind, as published. */
export function rootSchemaOf(p: JSONSchemaProps | undefined, gvk: { group: string; version: string; kind: string }): Schema {
  const s = p ? schemaOf(p) : { type: "object" as const, "x-kubernetes-preserve-unknown-fields": true };
  s.type = "object";
  s.properties = {
    ...s.properties,
    apiVersion: string("APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"),
    kind: string("Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
    metadata: objectMeta(),
  };
  s["x-kubernetes-group-version-kind"] = [gvk];
  return s;
}

/** Upstream's OpenAPI name of a custom kind: the group reversed, then version and kind ("com.example.stable.v1.CronTab"). */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split(".").reverse().join(".")}.${version}.${kind}`;
}

