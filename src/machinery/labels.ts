/**
 * Label selectors, after k8s.io/apimachinery/pkg/labels/selector.go and
 * pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector).
 *
 *   const sel = parseLabelSelector("app=web,tier in (front,back),!canary");
 *   sel.matches({ app: "web", tier: "front" }) // true
 *   sel.toString()                             // "!canary,app=web,tier in (back,front)"
 *
 * Parse errors throw `ApiError` BadRequest with upstream's message, e.g.
 * `unable to parse requirement: found '(', expected: identifier`: the API server answers a bad
 * `labelSelector` query parameter with exactly that 400.
 */
import { ApiError, fieldErrorMessage, type FieldError } from "./status.js";
import { isQualifiedName, isValidLabelValue } from "./validation.js";

export type Labels = Readonly<Record<string, string>>;

/** selection.Operator values, spelled as upstream spells them. */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** The API's metav1.LabelSelector object (spec.selector of Deployments, Services use a plain map). */
export interface MetaLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: MetaLabelSelectorRequirement[];
}

export interface MetaLabelSelectorRequirement {
  key: string;
  operator: string; // "In" | "NotIn" | "Exists" | "DoesNotExist" when valid
  values?: string[];
}

const binaryOperators: LabelOperator[] = ["in", "notin", "=", "==", "!=", "gt", "lt"];
const allOperators: LabelOperator[] = [...binaryOperators, "exists", "!"];

/** An immutable parsed selector: the AND of its requirements, sorted by key. */
export class LabelSelector {
  private static readonly everythingSelector = new LabelSelector([], false);
  private static readonly nothingSelector = new LabelSelector([], true);

  private constructor(
    readonly requirements: readonly LabelRequirement[],
    /** True only for `LabelSelector.nothing()`, which matches no object. */
    readonly matchesNothing: boolean,
  ) {}

  /** Matches every label set (the empty selector). */
  static everything(): LabelSelector {
    return LabelSelector.everythingSelector;
  }

  /** Matches nothing (what a nil metav1.LabelSelector converts to). */
  static nothing(): LabelSelector {
    return LabelSelector.nothingSelector;
  }

  /** Builds from requirements already checked with `labelRequirement`; sorts by key (stable). */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    if (requirements.length === 0) return LabelSelector.everythingSelector;
    return new LabelSelector(stableSortByKey(requirements), false);
  }

  /** True when the selector does not restrict anything. */
  get empty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  matches(labels: Labels | undefined): boolean {
    if (this.matchesNothing) return false;
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }

  /** A new selector with more requirements (AND). */
  add(...requirements: LabelRequirement[]): LabelSelector {
    if (this.matchesNothing) return this;
    return LabelSelector.of([...this.requirements, ...requirements]);
  }

  /** If the selector pins `key` to one value (`=`, `==`, or `in` of one), that value. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (!r) return undefined;
    if ((r.operator === "=" || r.operator === "==" || r.operator === "in") && r.values.length === 1) return r.values[0];
    return undefined;
  }

  toString(): string {
    return this.requirements.map(requirementToString).join(",");
  }
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function requirementMatches(r: LabelRequirement, ls: Labels): boolean {
  const has = hasOwn(ls, r.key);
  const val = has ? ls[r.key]! : undefined;
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return has && r.values.includes(val!);
    case "notin":
    case "!=":
      return !has || !r.values.includes(val!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(val!);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === "gt" ? lv > rv : lv < rv;
    }
  }
}

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64.
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

function requirementToString(r: LabelRequirement): string {
  const prefix = r.operator === "!" ? "!" : "";
  const op: Record<LabelOperator, string> = { "=": "=", "==": "==", "!=": "!=", in: " in ", notin: " notin ", gt: ">", lt: "<", exists: "", "!": "" };
  if (r.operator === "exists" || r.operator === "!") return `${prefix}${r.key}`;
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort(compareStrings).join(",");
  return r.operator === "in" || r.operator === "notin" ? `${r.key}${op[r.operator]}(${vals})` : `${r.key}${op[r.operator]}${vals}`;
}

// Go compares strings bytewise; for the ASCII of valid labels this is code-unit order.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stableSortByKey(rs: readonly LabelRequirement[]): LabelRequirement[] {
  return rs.map((r, i) => ({ r, i })).sort((a, b) => compareStrings(a.r.key, b.r.key) || a.i - b.i).map((x) => x.r);
}

// utilerrors.NewAggregate(...).Error(): one message alone, several as "[a, b]".
function aggregate(errs: FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorMessage))];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(", ")}]`;
}

/**
 * NewRequirement: checks the key, the operator and the values as upstream does and throws
 * BadRequest with the aggregated field errors (`key: Invalid value: ...`).
 */
export function labelRequirement(key: string, operator: string, values: readonly string[]): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw ApiError.badRequest(aggregate(errs));
  return { key, operator: operator as LabelOperator, values: [...values] };
}

/** The field errors NewRequirement would report; empty when the requirement is valid. */
export function requirementErrors(key: string, operator: string, values: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push({ type: "FieldValueInvalid", field: "key", badValue: key, detail: keyErrs.join("; ") });
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) errs.push(invalidValues(values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) errs.push(invalidValues(values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (values.length !== 0) errs.push(invalidValues(values, "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) errs.push(invalidValues(values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push({ type: "FieldValueInvalid", field: `values[${i}]`, badValue: v, detail: "for 'Gt', 'Lt' operators, the value must be an integer" });
        }
      });
      break;
    default:
      errs.push({
        type: "FieldValueNotSupported",
        field: "operator",
        badValue: operator,
        detail: `supported values: ${allOperators.map((o) => JSON.stringify(o)).join(", ")}`,
      });
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push({ type: "FieldValueInvalid", field: `values[${i}][${key}]`, badValue: v, detail: valueErrs.join("; ") });
  });
  return errs;
}

function invalidValues(values: readonly string[], detail: string): FieldError {
  return { type: "FieldValueInvalid", field: "values", badValue: [...values], detail };
}

/** SelectorFromSet: `key=value` for each entry; an empty or missing set selects everything. */
export function labelSelectorFromSet(set: Labels | undefined): LabelSelector {
  const entries = Object.entries(set ?? {});
  return LabelSelector.of(entries.map(([key, v]) => ({ key, operator: "=", values: [v] })));
}

/**
 * LabelSelectorAsSelector: a missing (null/undefined) selector matches nothing, an empty one
 * everything. An unknown operator throws `"Foo" is not a valid label selector operator`.
 */
export function labelSelectorFromObject(ps: MetaLabelSelector | null | undefined): LabelSelector {
  if (ps === null || ps === undefined) return LabelSelector.nothing();
  const matchLabels = Object.entries(ps.matchLabels ?? {});
  const exprs = ps.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return LabelSelector.everything();
  const reqs: LabelRequirement[] = matchLabels.map(([k, v]) => labelRequirement(k, "=", [v]));
  for (const e of exprs) {
    const op = metaOperators.get(e.operator);
    if (!op) throw ApiError.badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(labelRequirement(e.key, op, e.values ?? []));
  }
  return LabelSelector.of(reqs);
}

const metaOperators = new Map<string, LabelOperator>([
  ["In", "in"],
  ["NotIn", "notin"],
  ["Exists", "exists"],
  ["DoesNotExist", "!"],
]);
