/**
 * Field selectors, after k8s.io/apimachinery/pkg/fields/selector.go: a comma-separated AND
 * of `field=value`, `field==value` and `field!=value` terms, with `\`, `,` and `=` escaped
 * by a backslash in values.
 *
 *   const sel = parseFieldSelector("spec.nodeName=node-1,status.phase!=Succeeded");
 *   sel.fields()                                   // ["spec.nodeName", "status.phase"]
 *   sel.matches((f) => ({ "spec.nodeName": "node-1", "status.phase": "Running" })[f]) // true
 *
 * The server checks `fields()` against what the resource supports and answers the rest with
 * `fieldLabelNotSupported(field)`: 400 `field label not supported: foo`.
 */
import { ApiError } from "./status.js";

export type FieldOperator = "=" | "!=";

export interface FieldRequirement {
  readonly field: string;
  /** `==` parses to `=`, as upstream's hasTerm. */
  readonly operator: FieldOperator;
  readonly value: string;
}

/** Looks a field up on an object; `undefined` counts as the empty string, as upstream's Fields.Get. */
export type FieldGetter = (field: string) => string | undefined;

/** Rewrites one term; return `undefined` to drop it (upstream: empty field and value). */
export type FieldTransform = (field: string, value: string) => { field: string; value: string } | undefined;

export class FieldSelector {
  private static readonly everythingSelector = new FieldSelector([], false);
  private static readonly nothingSelector = new FieldSelector([], true);

  private constructor(
    readonly requirements: readonly FieldRequirement[],
    readonly matchesNothing: boolean,
  ) {}

  static everything(): FieldSelector {
    return FieldSelector.everythingSelector;
  }

  static nothing(): FieldSelector {
    return FieldSelector.nothingSelector;
  }

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return requirements.length === 0 ? FieldSelector.everythingSelector : new FieldSelector([...requirements], false);
  }

  get empty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  matches(get: FieldGetter): boolean {
    if (this.matchesNothing) return false;
    return this.requirements.every((r) => ((get(r.field) ?? "") === r.value) === (r.operator === "="));
  }

  /** The distinct field names the selector uses, in order. */
  fields(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }

  /** The value an `=` term pins `field` to, if any. */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === "=")?.value;
  }

  /** Upstream's Transform: rewrite (or drop) each term; a thrown error propagates. */
  transform(fn: FieldTransform): FieldSelector {
    if (this.matchesNothing) return this;
    const next: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const t = fn(r.field, r.value);
      if (t && (t.field !== "" || t.value !== "")) next.push({ field: t.field, operator: r.operator, value: t.value });
    }
    return FieldSelector.of(next);
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(",");
  }
}

/** The 400 the API server gives for a field the resource cannot select on. */
export function fieldLabelNotSupported(field: string): ApiError {
  return ApiError.badRequest(`field label not supported: ${field}`);
}

/** SelectorFromSet: `field=value` for each entry. */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>>): FieldSelector {
  return FieldSelector.of(Object.entries(set).map(([field, value]) => ({ field, operator: "=", value })));
}

export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Undoes `escapeFieldValue`; throws BadRequest on a bad escape or an unescaped `,` / `=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") throw ApiError.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      // Upstream formats the rune with %v, which prints its code point.
      throw ApiError.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw ApiError.badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

// Splits on commas that are not escaped.
function splitTerms(s: string): string[] {
  if (s === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const termOperators = ["!=", "==", "="] as const;

function splitTerm(term: string): { lhs: string; op: (typeof termOperators)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * fields.ParseSelector. Terms are sorted as upstream sorts them; errors are BadRequest with
 * upstream's text, e.g. `invalid selector: 'foo'; can't understand 'foo'`.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const t = splitTerm(part);
    if (!t) throw ApiError.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === "!=" ? "!=" : "=", value: unescapeFieldValue(t.rhs) });
  }
  return FieldSelector.of(reqs);
}
