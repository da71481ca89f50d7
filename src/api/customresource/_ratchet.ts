/**
 * Validation ratcheting (upstream's CRDValidationRatcheting, on by default since 1.30): an
 * update is not refused for a value it leaves as it was, so a CRD's schema can tighten
 * without breaking objects stored before. A schema error stays only when the value at its
 * path — for a missing required field, the object holding it — differs from the stored
 * object's. Values are correlated as upstream does: by property name and map key, and list
 * items by position only in `x-kubernetes-list-type: map` lists (other lists compare whole).
 */
import { isDeepStrictEqual } from "node:util";
import type { FieldError } from "../../machinery/index.js";
import type { JSONSchemaProps } from "../apiextensions/v1/crd-types.js";

type Step = { key: string } | { index: number };

function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ key: m[1] });
  }
  return steps;
}

const missing = Symbol("missing");

/** The values at `steps` in both objects, stopping at a list that does not correlate by item. */
function correlated(value: unknown, old: unknown, steps: Step[], schema: JSONSchemaProps | undefined): [unknown, unknown] {
  let a: unknown = value;
  let b: unknown = old;
  let s = schema;
  for (const step of steps) {
    if ("index" in step) {
      if (s?.["x-kubernetes-list-type"] !== "map" || !Array.isArray(a) || !Array.isArray(b)) return [a, b];
      a = a[step.index] ?? missing;
      b = b[step.index] ?? missing;
      s = s && !Array.isArray(s.items) ? s.items : undefined;
    } else {
      a = a !== null && typeof a === "object" && step.key in a ? (a as Record<string, unknown>)[step.key] : missing;
      b = b !== null && typeof b === "object" && step.key in b ? (b as Record<string, unknown>)[step.key] : missing;
      s = s?.properties?.[step.key] ?? (typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined);
    }
    if (a === missing || b === missing) return [a, b];
  }
  return [a, b];
}

/** The errors an update may not ratchet past: those on values it changed. */
export function ratchetErrors(errors: FieldError[], value: unknown, old: unknown, schema: JSONSchemaProps): FieldError[] {
  return errors.filter((e) => {
    let steps = parsePath(e.field);
    if (e.type === "FieldValueRequired") steps = steps.slice(0, -1);
    const [a, b] = correlated(value, old, steps, schema);
    return a === missing || b === missing || !isDeepStrictEqual(a, b);
  });
}

/** Is this node unchanged from the stored object (so its rules need not run again)? */
export function unchanged(value: unknown, old: unknown): boolean {
  return old !== undefined && isDeepStrictEqual(value, old);
}
