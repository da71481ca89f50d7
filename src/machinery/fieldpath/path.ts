/**
 * Paths into an object, as server-side apply names fields (sigs.k8s.io/structured-merge-diff
 * fieldpath): a step is a struct or map field (`f:name`), an item of a keyed list
 * (`k:{"name":"web"}`), an item of a set (`v:"a"`) or an item by index (`i:0`).
 *
 *   pathString([{ field: "spec" }, { key: [["name", "web"]] }, { field: "image" }])
 *   // '.spec[name="web"].image'
 *   serializeElement({ key: [["containerPort", 80], ["protocol", "TCP"]] })
 *   // 'k:{"containerPort":80,"protocol":"TCP"}'
 */
import { isDeepStrictEqual } from "node:util";

export type PathElement =
  | { field: string; key?: undefined; value?: undefined; index?: undefined }
  /** Key fields sorted by name. */
  | { key: [string, unknown][]; field?: undefined; value?: undefined; index?: undefined }
  | { value: unknown; field?: undefined; key?: undefined; index?: undefined }
  | { index: number; field?: undefined; key?: undefined; value?: undefined };

export type Path = PathElement[];

/** A keyed-list element from its key fields (sorted by name, as upstream keeps them). */
export function keyElement(fields: [string, unknown][]): PathElement {
  return { key: [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

/** The FieldsV1 spelling of one step: `f:`, `k:`, `v:`, `i:`. */
export function serializeElement(pe: PathElement): string {
  if (pe.field !== undefined) return `f:${pe.field}`;
  if (pe.key !== undefined) return `k:${JSON.stringify(Object.fromEntries(pe.key))}`;
  if (pe.index !== undefined) return `i:${pe.index}`;
  return `v:${JSON.stringify(pe.value)}`;
}

export class FieldPathError extends Error {}

/** Parses one FieldsV1 step; throws FieldPathError on anything else. */
export function parseElement(s: string): PathElement {
  const kind = s.slice(0, 2);
  const rest = s.slice(2);
  switch (kind) {
    case "f:":
      return { field: rest };
    case "i:": {
      const n = Number(rest);
      if (!Number.isInteger(n) || n < 0 || rest === "") throw new FieldPathError(`unknown index: ${rest}`);
      return { index: n };
    }
    case "v:":
      try {
        return { value: JSON.parse(rest) as unknown };
      } catch {
        throw new FieldPathError(`parsing JSON: ${rest}`);
      }
    case "k:": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rest);
      } catch {
        throw new FieldPathError(`parsing JSON: ${rest}`);
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new FieldPathError(`expected key value pairs: ${rest}`);
      const entries = Object.entries(parsed);
      if (entries.length === 0) throw new FieldPathError("associative list key type path elements must have at least one key (got zero)");
      return keyElement(entries);
    }
    default:
      throw new FieldPathError(`unknown prefix: ${s}`);
  }
}

/** As upstream's PathElement.String(): `.name`, `[k=v,…]`, `[=v]`, `[0]`. */
export function elementString(pe: PathElement): string {
  if (pe.field !== undefined) return `.${pe.field}`;
  if (pe.key !== undefined) return `[${pe.key.map(([k, v]) => `${k}=${valueString(v)}`).join(",")}]`;
  if (pe.index !== undefined) return `[${pe.index}]`;
  return `[=${valueString(pe.value)}]`;
}

export function pathString(path: Path): string {
  return path.map(elementString).join("");
}

// value.ToString: strings quoted, other scalars bare, composites as JSON.
function valueString(v: unknown): string {
  if (v === null || v === undefined) return "null";
  return JSON.stringify(v);
}

const order = (pe: PathElement): number => (pe.field !== undefined ? 0 : pe.key !== undefined ? 1 : pe.value !== undefined || "value" in pe ? 2 : 3);

/** Upstream's PathElement.Compare: field names, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const oa = order(a);
  const ob = order(b);
  if (oa !== ob) return oa - ob;
  if (a.field !== undefined && b.field !== undefined) return cmp(a.field, b.field);
  if (a.key !== undefined && b.key !== undefined) {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) {
      const c = cmp(a.key[i][0], b.key[i][0]) || compareValues(a.key[i][1], b.key[i][1]);
      if (c !== 0) return c;
    }
    return a.key.length - b.key.length;
  }
  if (a.index !== undefined && b.index !== undefined) return a.index - b.index;
  return compareValues(a.value, b.value);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return cmp(a, b);
  if (isDeepStrictEqual(a, b)) return 0;
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : typeof v === "boolean" ? 1 : typeof v === "number" ? 2 : typeof v === "string" ? 3 : Array.isArray(v) ? 4 : 5);
  return rank(a) - rank(b) || cmp(JSON.stringify(a), JSON.stringify(b));
}
