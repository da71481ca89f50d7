/**
 * Small helpers over parsed JSON values shared by the patch implementations, including the
 * Go-style `%v` rendering upstream's patch errors use (`map[name:a]`, `[1 2]`).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type JsonKind = "null" | "boolean" | "number" | "string" | "array" | "object";

export function kindOf(v: unknown): JsonKind {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "boolean":
      return "boolean";
    case "number":
    case "bigint":
      return "number";
    case "string":
      return "string";
    default:
      return "object";
  }
}

export function isObject(v: unknown): v is JsonObject {
  return kindOf(v) === "object";
}

export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A deep copy of a JSON value (undefined object members are dropped, as JSON would). */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Deep equality of JSON values, as their JSON texts would compare: object key order does
 * not matter and members whose value is undefined count as absent (JSON drops them).
 * Stops at the first difference, without serialising (the API server compares every
 * update's object with the stored one).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) return false;
  if (aArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const k in x) {
    if (!hasOwn(x, k) || x[k] === undefined) continue;
    count++;
    if (!hasOwn(y, k) || !jsonEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (hasOwn(y, k) && y[k] !== undefined) count--;
  return count === 0;
}

/** Go's reflect type name of a decoded JSON value, for "expected a X, but received a Y". */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case "null":
      return "<nil>";
    case "array":
      return "[]interface {}";
    case "object":
      return "map[string]interface {}";
    case "number":
      return Number.isInteger(v) ? "int64" : "float64";
    case "boolean":
      return "bool";
    case "string":
      return "string";
  }
}

/** fmt's `%v` of a decoded JSON value. */
export function goFormat(v: unknown): string {
  switch (kindOf(v)) {
    case "null":
      return "<nil>";
    case "array":
      return `[${(v as unknown[]).map(goFormat).join(" ")}]`;
    case "object": {
      const o = v as Record<string, unknown>;
      return `map[${Object.keys(o)
        .sort()
        .map((k) => `${k}:${goFormat(o[k])}`)
        .join(" ")}]`;
    }
    default:
      return String(v);
  }
}
