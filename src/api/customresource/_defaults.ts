/**
 * Structural defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting): a
 * property that is absent gets a copy of its schema's `default`, at every depth, in
 * objects, maps (additionalProperties) and list items; defaults inside a default are
 * filled too. A null where the schema is not nullable is as if absent (it takes the
 * default, or is dropped), as upstream's PruneNonNullableNullsWithoutDefaults.
 */
import type { JSONSchemaProps } from "../apiextensions/v1/crd-types.js";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function applyDefaults(value: unknown, s: JSONSchemaProps): void {
  if (Array.isArray(value)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (items) for (const item of value) applyDefaults(item, items);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (value[key] === null && !prop.nullable) {
      if (prop.default === undefined) delete value[key];
      else value[key] = structuredClone(prop.default);
    }
    if (!(key in value) && prop.default !== undefined) value[key] = structuredClone(prop.default);
    if (key in value) applyDefaults(value[key], prop);
  }
  if (typeof s.additionalProperties === "object") {
    for (const key of Object.keys(value)) if (!s.properties?.[key]) applyDefaults(value[key], s.additionalProperties);
  }
}

/** Would applyDefaults change `value`? A read-only walk, so objects already defaulted are not copied. */
export function needsDefaults(value: unknown, s: JSONSchemaProps): boolean {
  if (Array.isArray(value)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    return items !== undefined && value.some((item) => needsDefaults(item, items));
  }
  if (!isObject(value)) return false;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const v = value[key];
    if (v === null && !prop.nullable) return true;
    if (v === undefined) {
      if (prop.default !== undefined) return true;
    } else if (needsDefaults(v, prop)) return true;
  }
  if (typeof s.additionalProperties === "object") {
    const ap = s.additionalProperties;
    for (const key of Object.keys(value)) if (!s.properties?.[key] && needsDefaults(value[key], ap)) return true;
  }
  return false;
}
