/**
 * Schemas of API types, in the shape of OpenAPI v3 with the Kubernetes extensions.
 *
 * One schema serves every generic job of the API server: the OpenAPI documents
 * (`/openapi/v2`, `/openapi/v3`, `kubectl explain`), unknown-field detection for
 * `fieldValidation=Strict|Warn`, type checks, and the list merge keys of strategic
 * merge patch. CustomResourceDefinitions carry the same shape in `openAPIV3Schema`, so
 * a CRD's schema plugs into the same code.
 *
 * Named definitions use upstream's OpenAPI names (`io.k8s.api.core.v1.PodSpec`) and
 * are referenced with `$ref: "#/definitions/<name>"`-free plain names via `ref()`.
 */
export interface Schema {
  type?: "string" | "integer" | "number" | "boolean" | "object" | "array";
  /** int32, int64, double, date-time, byte, int-or-string, quantity… */
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  /** A map's value schema (`map[string]T`), or true for "any value". */
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: (string | number | boolean | null)[];
  /** The plain name of a definition in the registry of definitions. */
  $ref?: string;
  default?: unknown;
  nullable?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  /** Strategic merge patch: "merge", "replace", "retainKeys", "merge,retainKeys". */
  "x-kubernetes-patch-strategy"?: string;
  /** Strategic merge patch: the key that identifies list items, e.g. "name". */
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
  "x-kubernetes-unions"?: unknown[];
  // Validation keywords used by CRD schemas.
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
}

/** Definitions by upstream OpenAPI name. */
export type Definitions = Record<string, Schema>;

// Builders, so type declarations read close to upstream's types.go.

export function string(description?: string, extra: Partial<Schema> = {}): Schema {
  return { type: "string", description, ...extra };
}

export function int32(description?: string): Schema {
  return { type: "integer", format: "int32", description };
}

export function int64(description?: string): Schema {
  return { type: "integer", format: "int64", description };
}

export function number(description?: string): Schema {
  return { type: "number", format: "double", description };
}

export function boolean(description?: string): Schema {
  return { type: "boolean", description };
}

/** A `[]byte` field: base64 text in JSON (e.g. Secret.data values, caBundle). */
export function bytes(description?: string): Schema {
  return { type: "string", format: "byte", description };
}

export function ref(name: string, description?: string): Schema {
  return description ? { $ref: name, description } : { $ref: name };
}

export function object(properties: Record<string, Schema>, options: { description?: string; required?: string[] } = {}): Schema {
  const s: Schema = { type: "object", properties };
  if (options.description) s.description = options.description;
  if (options.required?.length) s.required = options.required;
  return s;
}

/** `map[string]T`. */
export function mapOf(values: Schema, description?: string): Schema {
  return { type: "object", additionalProperties: values, description };
}

/** `[]T`, atomic unless told otherwise. */
export function arrayOf(items: Schema, description?: string, extra: Partial<Schema> = {}): Schema {
  return { type: "array", items, description, ...extra };
}

/**
 * A list whose items are merged by key in strategic merge patch
 * (`patchStrategy:"merge" patchMergeKey:"name"` + `listType=map`).
 */
export function mergeList(items: Schema, mergeKey: string, description?: string, listMapKeys: string[] = [mergeKey]): Schema {
  return {
    type: "array",
    items,
    description,
    "x-kubernetes-patch-strategy": "merge",
    "x-kubernetes-patch-merge-key": mergeKey,
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": listMapKeys,
  };
}

/** A list of scalars merged as a set (`patchStrategy:"merge"`, e.g. finalizers). */
export function mergeSet(items: Schema, description?: string): Schema {
  return {
    type: "array",
    items,
    description,
    "x-kubernetes-patch-strategy": "merge",
    "x-kubernetes-list-type": "set",
  };
}

/** Names of the shared apimachinery definitions. */
export const meta = {
  ObjectMeta: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
  ListMeta: "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
  LabelSelector: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
  Time: "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
  MicroTime: "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
  Duration: "io.k8s.apimachinery.pkg.apis.meta.v1.Duration",
  Condition: "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
  OwnerReference: "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
  Status: "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
  DeleteOptions: "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
  WatchEvent: "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
  Quantity: "io.k8s.apimachinery.pkg.api.resource.Quantity",
  IntOrString: "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
  RawExtension: "io.k8s.apimachinery.pkg.runtime.RawExtension",
} as const;

export const quantity = (description?: string): Schema => ref(meta.Quantity, description);
export const intOrString = (description?: string): Schema => ref(meta.IntOrString, description);
export const time = (description?: string): Schema => ref(meta.Time, description);
export const objectMeta = (): Schema => ref(meta.ObjectMeta, "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
export const listMeta = (): Schema => ref(meta.ListMeta, "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds");
export const labelSelector = (description?: string): Schema => ref(meta.LabelSelector, description);

/** The apiVersion/kind/metadata header every top-level object has. */
export function topLevel(fields: Record<string, Schema>, description?: string, gvk?: { group: string; version: string; kind: string }): Schema {
  const s = object(
    {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"),
      kind: string("Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
      metadata: objectMeta(),
      ...fields,
    },
    { description },
  );
  if (gvk) s["x-kubernetes-group-version-kind"] = [gvk];
  return s;
}
