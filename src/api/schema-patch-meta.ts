/**
 * Strategic merge patch metadata from schemas, as machinery's `PatchMetaLookup`: which
 * lists merge by which key, which replace, which retain keys. Mirrors upstream's `PatchMetaFromOpenAPI`
 * (apimachinery/pkg/util/strategicpatch/types.go): navigation by field name, struct
 * fields and list fields looked up separately, strategies read from
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`.
 *
 *   const podMeta = patchMetaFor(defs["io.k8s.api.core.v1.Pod"], defs);
 *   const spec = podMeta.lookupStruct("spec");
 *   const containers = spec?.lookup.lookupSlice("containers");
 *   containers?.meta // { strategies: ["merge"], mergeKey: "name" }
 */
import type { FieldPatchMeta, PatchMetaLookup, PatchMetaStep } from "../machinery/index.js";
import type { Definitions, Schema } from "./schema.js";
import { resolveSchema } from "./schema-check.js";

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
