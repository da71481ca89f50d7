/**
 * What strategic merge patch needs to know about a schema, as upstream's LookupPatchMeta
 * (k8s.io/apimachinery/pkg/util/strategicpatch/types.go): for a field holding a map or a
 * list, its patch strategies and list merge key, and the lookup for what it holds. Machinery
 * stays schema-agnostic; `src/api` adapts its OpenAPI-like schemas (which carry
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`) to this shape.
 *
 *   const pod = patchMetaFromTree({
 *     spec: { fields: { containers: { strategy: "merge", mergeKey: "name", fields: {
 *       ports: { strategy: "merge", mergeKey: "containerPort" } } } } },
 *   });
 *   pod.lookupStruct("spec")?.lookup.lookupSlice("containers")?.meta // { strategies: ["merge"], mergeKey: "name" }
 */

/** Patch metadata of one field. */
export interface FieldPatchMeta {
  /** e.g. ["merge"], ["replace"], ["retainKeys"], ["merge", "retainKeys"]; [] when none declared. */
  strategies: readonly string[];
  /** The list merge key, "" when none. */
  mergeKey: string;
}

/** A found field: its patch metadata and the lookup for its value (for a list: its items). */
export interface PatchMetaStep {
  meta: FieldPatchMeta;
  lookup: PatchMetaLookup;
}

/**
 * Navigation through a schema. `undefined` means the field is not declared: the patch then
 * treats it as having no strategy (lists are replaced, maps merged), as a JSON merge patch.
 */
export interface PatchMetaLookup {
  /** A field of this object holding a struct or map. */
  lookupStruct(key: string): PatchMetaStep | undefined;
  /** A field of this object holding a list; the returned lookup describes the list's items. */
  lookupSlice(key: string): PatchMetaStep | undefined;
  /** The schema's name, for error messages ("" when anonymous). */
  readonly name: string;
}

/** A lookup that knows no field: strategic merge patch degrades to merge-patch semantics. */
export const noPatchMeta: PatchMetaLookup = {
  lookupStruct: () => undefined,
  lookupSlice: () => undefined,
  name: "",
};

/** A literal description of patch metadata, handy in tests and for hand-written schemas. */
export interface PatchMetaTree {
  [field: string]: {
    /** As the Go tag / OpenAPI extension: "merge", "replace", "retainKeys", "merge,retainKeys". */
    strategy?: string;
    mergeKey?: string;
    /** The fields of the value (of each item, for a list). */
    fields?: PatchMetaTree;
  };
}

export function patchMetaFromTree(tree: PatchMetaTree, name = ""): PatchMetaLookup {
  const step = (key: string): PatchMetaStep | undefined => {
    const f = Object.prototype.hasOwnProperty.call(tree, key) ? tree[key] : undefined;
    if (!f) return undefined;
    return {
      meta: { strategies: f.strategy ? f.strategy.split(",") : [], mergeKey: f.mergeKey ?? "" },
      lookup: patchMetaFromTree(f.fields ?? {}, key),
    };
  };
  return { lookupStruct: step, lookupSlice: step, name };
}
