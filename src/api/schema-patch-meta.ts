/**
 * Strategic merge patch metadata from schemas: which lists merge by which key, which
 * replace, which retain keys. Mirrors upstream's `PatchMetaFromOpenAPI`
 * (apimachinery/pkg/util/strategicpatch/types.go): navigation by field name, struct
 * fields and list fields looked up separately, strategies read from
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`.
 *
 *   const podMeta = patchMetaFor(defs["io.k8s.api.core.v1.Pod"], defs);
 *   const spec = podMeta.lookupStruct("spec");
 *   const containers = spec?.lookup.lookupSlice("containers");
 *   containers?.meta // { strategies: ["merge"], mergeKey: "name" }
 */
import type { Definitions, Schema } from "./schema.js";
import { resolveSchema } from "./schema-check.js";

/** Patch metadata of one field. */
export interface FieldPatchMeta {
  /** e.g. ["merge"], ["retainKeys"], ["merge", "retainKeys"], or [] when none declared. */
  strategies: string[];
  /** The list merge key, "" when none. */
  mergeKey: string;
}

/** What a found field gives: its patch metadata and the lookup for what it holds. */
export interface PatchMetaStep {
  meta: FieldPatchMeta;
  lookup: PatchMetaLookup;
}

/**
 * Navigation through a schema for strategic merge patch, as upstream's LookupPatchMeta.
 * `undefined` means the field is not declared (callers then fall back to merge-patch
 * semantics for that subtree, as upstream does for unknown fields).
 */
export interface PatchMetaLookup {
  /** A field of this object holding a struct or map. */
  lookupStruct(key: string): PatchMetaStep | undefined;
  /** A field of this object holding a list; the returned lookup describes the list's items. */
  lookupSlice(key: string): PatchMetaStep | undefined;
  /** The definition name, or "" for an inline schema. */
  name: string;
}

export function patchMetaFor(schema: Schema, defs: Definitions): PatchMetaLookup {
  return new SchemaPatchMeta(schema, defs);
}

class SchemaPatchMeta implements PatchMetaLookup {
  readonly name: string;
  private readonly resolved: Schema;

  constructor(
    schema: Schema,
    private readonly defs: Definitions,
  ) {
    this.name = schema.$ref ?? "";
    this.resolved = resolveSchema(schema, defs);
  }

  lookupStruct(key: string): PatchMetaStep | undefined {
    const field = this.field(key);
    if (!field) return undefined;
    return { meta: fieldMeta(field), lookup: new SchemaPatchMeta(field, this.defs) };
  }

  lookupSlice(key: string): PatchMetaStep | undefined {
    const field = this.field(key);
    if (!field) return undefined;
    const list = resolveSchema(field, this.defs);
    return { meta: fieldMeta(field), lookup: new SchemaPatchMeta(list.items ?? {}, this.defs) };
  }

  // A declared property, or the value schema of a map.
  private field(key: string): Schema | undefined {
    const s = this.resolved;
    const prop = s.properties?.[key] ?? s.allOf?.map((p) => resolveSchema(p, this.defs).properties?.[key]).find((p) => p !== undefined);
    if (prop) return prop;
    if (typeof s.additionalProperties === "object") return s.additionalProperties;
    return undefined;
  }
}

function fieldMeta(field: Schema): FieldPatchMeta {
  // Extensions sit on the property itself (beside a $ref), as in upstream's documents.
  const strategy = field["x-kubernetes-patch-strategy"];
  return {
    strategies: strategy ? strategy.split(",") : [],
    mergeKey: field["x-kubernetes-patch-merge-key"] ?? "",
  };
}
