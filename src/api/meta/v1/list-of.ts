import { arrayOf, listMeta, ref, string } from "../../schema.js";
import type { Schema } from "../../schema.js";

/** The schema of `<Kind>List`: apiVersion, kind, metadata (ListMeta) and the required `items`. */
export function listOf(itemDefinition: string, description: string, gvk: { group: string; version: string; kind: string }): Schema {
  return {
    type: "object",
    description,
    properties: {
      apiVersion: string("APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"),
      items: arrayOf(ref(itemDefinition), `List of ${gvk.kind.replace(/List$/, "")} objects.`),
      kind: string("Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
      metadata: listMeta(),
    },
    required: ["items"],
    "x-kubernetes-group-version-kind": [gvk],
  };
}

/** A schema with `required` set, for top-level kinds whose body has required fields (e.g. Eviction has none, ControllerRevision has `revision`). */
export function withRequired(schema: Schema, required: string[]): Schema {
  return { ...schema, required: [...(schema.required ?? []), ...required] };
}
