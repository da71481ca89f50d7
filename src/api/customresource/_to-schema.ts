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
  if (p["x-kubernetes-embedded-resource"]) addEmbeddedProperties(s);
  return s;
}

const embeddedApiVersion = "apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const embeddedKind = "kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

// An embedded object is a whole Kubernetes object: apiVersion, kind and ObjectMeta, the first two required (upstream's addEmbeddedProperties).
function addEmbeddedProperties(s: Schema): void {
  s.properties = { ...s.properties, apiVersion: string(embeddedApiVersion), kind: string(embeddedKind), metadata: objectMeta() };
  const required = s.required ?? [];
  for (const r of ["kind", "apiVersion"]) if (!required.includes(r)) required.push(r);
  s.required = required;
}

/**
 * The OpenAPI v2 form (apiextensions-apiserver controller/openapi/v2 ToStructuralOpenAPIV2 and
 * builder.buildKubeNative): kubectl's v2 reader cannot take nullable or preserve-unknown-fields
 * nodes with properties, so those lose their type, properties and items; a schema that
 * preserves unknown fields at its root is published as a bare object.
 */
export function rootSchemaV2Of(p: JSONSchemaProps | undefined, gvk: { group: string; version: string; kind: string }): Schema {
  if (!p || p["x-kubernetes-preserve-unknown-fields"]) return { type: "object", "x-kubernetes-group-version-kind": [gvk] };
  const s = v2Of(schemaOf(p));
  withTypeMeta(s);
  s["x-kubernetes-group-version-kind"] = [gvk];
  return s;
}

function v2Of(s: Schema): Schema {
  const out: Schema = { ...s };
  if (out.nullable) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (out["x-kubernetes-preserve-unknown-fields"]) {
    delete out.items;
    delete out.properties;
    if (out.type === "object") delete out.type;
  }
  if (out.items === undefined && out.type === "array") delete out.type;
  if (out.properties) {
    const nullable = Object.entries(out.properties).filter(([, v]) => v.nullable).map(([k]) => k);
    if (out.required && nullable.length) {
      out.required = out.required.filter((r) => !nullable.includes(r));
      if (out.required.length === 0) delete out.required;
    }
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, v2Of(v)]));
  }
  if (typeof out.additionalProperties === "object") {
    if (out.additionalProperties.nullable) delete out.required;
    out.additionalProperties = v2Of(out.additionalProperties);
  }
  if (out.items) out.items = v2Of(out.items);
  return out;
}

function withTypeMeta(s: Schema): void {
  s.type = "object";
  s.properties = {
    ...s.properties,
    apiVersion: string("APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"),
    kind: string("Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
    metadata: objectMeta(),
  };
}

/** The root schema of a custom resource kind, as published. */
export function rootSchemaOf(p: JSONSchemaProps | undefined, gvk: { group: string; version: string; kind: string }): Schema {
  const s = p ? schemaOf(p) : { type: "object" as const, "x-kubernetes-preserve-unknown-fields": true };
  withTypeMeta(s);
  s["x-kubernetes-group-version-kind"] = [gvk];
  return s;
}

/** Upstream's OpenAPI name of a custom kind: the group reversed, then version and kind ("com.example.stable.v1.CronTab"). */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split(".").reverse().join(".")}.${version}.${kind}`;
}

