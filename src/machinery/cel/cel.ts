/**
 * Common Expression Language, for everything in k8ts that evaluates user-written rules:
 * CRD `x-kubernetes-validations`, ValidatingAdmissionPolicy, webhook `matchConditions`.
 *
 * A small face over `@marcbachmann/cel-js` with the Kubernetes extension libraries
 * (lists, regex, strings, quantity — _kubernetes-library.ts):
 *
 *   const compiled = compileCel("self.replicas <= self.maxReplicas", { variables: { self: "dyn" } });
 *   if (!compiled.ok) throw new Error(compiled.error);
 *   const result = evaluateCel(compiled.program, { self: celValue({ replicas: 3, maxReplicas: 5 }) });
 *   // { ok: true, value: true }
 *
 * Promises: compile never throws (syntax errors, unknown variables and type errors are
 * `{ ok: false, error }`, worded like cel-go's "ERROR: <input>:1:5: ..."); evaluation
 * never throws (a missing key, a division by zero or a bad regex is `{ ok: false }`). CEL
 * integers are JavaScript bigints: convert JSON with `celValue` (or a schema-aware
 * converter) before evaluating, and back with `jsonFromCel`.
 */
import { Environment } from "@marcbachmann/cel-js";
import { undefinedField, type CelStructure } from "./_field-check.js";
import { CelOptional, re2Error, re2MatchesName, registerKubernetesLibrary } from "./_kubernetes-library.js";

/** A CEL type name as declared: "dyn", "int", "string", "bool", "double", "map", "list", "map<string, dyn>"… */
export type CelTypeName = string;

export interface CelDeclarations {
  /** The variables an expression may use, with their types ("dyn" when unknown). */
  variables: Record<string, CelTypeName>;
  /**
   * What is known of a "dyn" variable's fields (e.g. from an OpenAPI schema): selecting a
   * field a closed structure does not declare is a compile error, `undefined field 'x'`.
   */
  structures?: Record<string, CelStructure>;
}

/** A compiled expression: evaluate it as often as needed. */
export interface CelProgram {
  readonly expression: string;
  /** The type the checker inferred for the result ("bool", "string", "dyn"…). */
  readonly resultType: string;
  /** @internal the library's callable */
  readonly run: (activation: Record<string, unknown>) => unknown;
}

export type CelCompileResult = { ok: true; program: CelProgram } | { ok: false; error: string };
export type CelEvalResult = { ok: true; value: unknown } | { ok: false; error: string };

// Environments are cached by their declarations: building one registers every library function.
const environments = new Map<string, Environment>();

function environmentFor(decls: CelDeclarations): Environment {
  // Structures are checked here, not by the library: environments differ by variable types only.
  const key = JSON.stringify(Object.entries(decls.variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let env = environments.get(key);
  if (!env) {
    env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true, unlistedVariablesAreDyn: false });
    registerKubernetesLibrary(env);
    for (const [name, type] of Object.entries(decls.variables)) env.registerVariable(name, type);
    environments.set(key, env);
  }
  return env;
}

/** Parses and type-checks `expression` against the declared variables. */
export function compileCel(expression: string, decls: CelDeclarations): CelCompileResult {
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = environmentFor(decls).parse(expression);
  } catch (err) {
    return { ok: false, error: celErrorText(err) };
  }
  // Before the check, which binds each call to its overload.
  const regexError = useRe2ForMatches(parsed.ast);
  if (regexError) return { ok: false, error: regexError };
  let checked: ReturnType<typeof parsed.check>;
  try {
    checked = parsed.check();
  } catch (err) {
    return { ok: false, error: celErrorText(err) };
  }
  if (!checked.valid) return { ok: false, error: celErrorText(checked.error) };
  const undefinedFieldError = decls.structures ? undefinedField(parsed.ast, decls.structures) : undefined;
  if (undefinedFieldError) return { ok: false, error: undefinedFieldError };
  return { ok: true, program: { expression, resultType: checked.type ?? "dyn", run: (activation) => parsed(activation) } };
}

/** Runs a program with values for its variables (CEL values: see `celValue`). */
export function evaluateCel(program: CelProgram, activation: Record<string, unknown>): CelEvalResult {
  try {
    const value = program.run(activation);
    if (value instanceof Promise) return { ok: false, error: "asynchronous functions are not supported" };
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: celErrorText(err, false) };
  }
}

/**
 * The library evaluates matches() with JavaScript's backtracking RegExp, which a pattern
 * like `^(a+)+$` turns into minutes of CPU on a short input. Kubernetes (cel-go) uses RE2,
 * linear in the input: each parsed expression is pointed at the RE2 overload instead (the
 * library evaluates the AST it hands out, bound at its first check; the unit test pins this). Literal patterns are
 * checked here, as cel-go checks them at compile time.
 */
function useRe2ForMatches(ast: unknown): string | undefined {
  let error: string | undefined;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== "object") return;
    const node = n as { op?: unknown; args?: unknown };
    if ((node.op === "rcall" || node.op === "call") && Array.isArray(node.args) && node.args[0] === "matches") {
      node.args[0] = re2MatchesName;
      const params = node.op === "rcall" ? node.args[2] : node.args[1];
      const pattern = Array.isArray(params) ? (params[params.length - 1] as { op?: unknown; args?: unknown } | undefined) : undefined;
      if (pattern?.op === "value" && typeof pattern.args === "string" && error === undefined) {
        const e = re2Error(pattern.args);
        if (e) error = `compilation failed: ${e}`;
      }
    }
    visit(node.args);
  };
  visit(ast);
  return error;
}

/**
 * The first line of the library's message (the rest is a source excerpt with a caret),
 * lower-cased and placed as cel-go places it: `<input>:1:9: unexpected token: EOF`.
 */
function celErrorText(err: unknown, withPosition = true): string {
  if (err instanceof Error) {
    const first = err.message.split("\n")[0].trim();
    const text = first.charAt(0).toLowerCase() + first.slice(1);
    const located = err as Error & { range?: { start?: number }; node?: { pos?: number } };
    const pos = located.range?.start ?? located.node?.pos;
    return pos === undefined || !withPosition ? text : `<input>:1:${pos + 1}: ${text}`;
  }
  return String(err);
}

/** An optional CEL value (for variables declared "OptionalValue"): absent when `value` is undefined. */
export function celOptional(value: unknown): CelOptional {
  return value === undefined ? new CelOptional(false) : new CelOptional(true, value);
}

/**
 * A JSON value as CEL sees it without a schema: whole numbers become ints (bigint),
 * other numbers doubles; objects are maps, arrays lists.
 */
export function celValue(json: unknown): unknown {
  if (typeof json === "number") return Number.isInteger(json) ? BigInt(json) : json;
  if (Array.isArray(json)) return json.map(celValue);
  if (json !== null && typeof json === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json)) out[k] = celValue(v);
    return out;
  }
  return json;
}

/** A CEL result as JSON: bigints become numbers, Maps objects, Sets lists. */
export function jsonFromCel(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(jsonFromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonFromCel(v)]));
  if (value instanceof Set) return [...value].map(jsonFromCel);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonFromCel(v);
    return out;
  }
  return value;
}
