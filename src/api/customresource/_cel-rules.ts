/**
 * `x-kubernetes-validations`: CEL rules on schema nodes (apiextensions-apiserver
 * pkg/apiserver/schema/cel/validation.go). Each rule sees `self` (the value at its node)
 * and, for transition rules, `oldSelf` (the same value in the stored object, correlated by
 * property name, map key and list-map keys). A rule that is false gives
 *
 *   spec: Invalid value: "object": <message>
 *
 * with its `message`, its `messageExpression`'s result, or `failed rule: <rule>`; `reason`
 * and `fieldPath` change the error's type and path as upstream.
 */
import type { FieldError } from "../../machinery/index.js";
import { celOptional, compileCel, evaluateCel, jsonFromCel, type CelDeclarations, type CelProgram, type CelStructure } from "../../machinery/index.js";
import type { JSONSchemaProps, ValidationRule } from "../apiextensions/v1/crd-types.js";
import { unchanged } from "./_ratchet.js";

const declarations = { variables: { self: "dyn", oldSelf: "dyn" } };
// optionalOldSelf: oldSelf.hasValue() / oldSelf.value(), absent on create.
const optionalDeclarations = { variables: { self: "dyn", oldSelf: "OptionalValue" } };

export interface CompiledRule {
  rule: ValidationRule;
  program: CelProgram;
  messageProgram?: CelProgram;
  /** Mentions oldSelf: evaluated on updates only (unless optionalOldSelf). */
  transition: boolean;
}

const compiledCache = new WeakMap<ValidationRule, CompiledRule | { error: string; field: "rule" | "messageExpression" }>();

/**
 * What CEL may select in a value of this schema: declared properties of objects (plus, at
 * the root, metadata.name and metadata.generateName), map values, list items. Values that
 * keep unknown fields, int-or-string and untyped values are not checked.
 */
function structureOf(s: JSONSchemaProps | undefined, root = false): CelStructure | undefined {
  if (!s || s["x-kubernetes-int-or-string"]) return undefined;
  if (s.type === "array") return { items: Array.isArray(s.items) ? undefined : structureOf(s.items) };
  if (s.type !== "object") return s.type ? {} : undefined;
  const fields: Record<string, CelStructure> = {};
  for (const [k, v] of Object.entries(s.properties ?? {})) fields[k] = structureOf(v) ?? { open: true };
  if (root || s["x-kubernetes-embedded-resource"]) {
    fields.apiVersion = {};
    fields.kind = {};
    fields.metadata = root ? { fields: { name: {}, generateName: {} } } : { open: true, fields: {} };
  }
  const structure: CelStructure = { fields };
  if (typeof s.additionalProperties === "object") structure.values = structureOf(s.additionalProperties) ?? { open: true };
  if (s.additionalProperties === true || s["x-kubernetes-preserve-unknown-fields"]) structure.open = true;
  return structure;
}

/** Compiles a rule once (per rule object) against the schema of its node; the error names the field that failed. */
export function compileRule(rule: ValidationRule, schema?: JSONSchemaProps, root = false): CompiledRule | { error: string; field: "rule" | "messageExpression" } {
  const cached = compiledCache.get(rule);
  if (cached) return cached;
  let result: CompiledRule | { error: string; field: "rule" | "messageExpression" };
  const structure = structureOf(schema, root);
  const base = rule.optionalOldSelf ? optionalDeclarations : declarations;
  const structures: Record<string, CelStructure> = rule.optionalOldSelf ? { self: structure ?? {} } : { self: structure ?? {}, oldSelf: structure ?? {} };
  const decls: CelDeclarations = structure ? { ...base, structures } : base;
  const c = compileCel(rule.rule ?? "", decls);
  if (!c.ok) result = { error: `compilation failed: ERROR: ${c.error}`, field: "rule" };
  else {
    let messageProgram: CelProgram | undefined;
    let failed: string | undefined;
    if (rule.messageExpression) {
      const m = compileCel(rule.messageExpression, decls);
      if (m.ok) messageProgram = m.program;
      else failed = `messageExpression compilation failed: ERROR: ${m.error}`;
    }
    result = failed ? { error: failed, field: "messageExpression" } : { rule, program: c.program, messageProgram, transition: /\boldSelf\b/.test(rule.rule) };
  }
  compiledCache.set(rule, result);
  return result;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(s: JSONSchemaProps): string {
  if (s["x-kubernetes-int-or-string"]) return "integer";
  return s.type ?? "object";
}

/** A JSON value as CEL sees it under this schema: integers as ints (bigint), numbers as doubles. */
export function celValueFor(value: unknown, s: JSONSchemaProps | undefined): unknown {
  // date-time strings are CEL timestamps, as upstream types them.
  if (typeof value === "string" && s?.format === "date-time") {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : new Date(t);
  }
  if (typeof value === "number") {
    if (s && s.type === "number") return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    const items = s && !Array.isArray(s.items) ? s.items : undefined;
    return value.map((v) => celValueFor(v, items));
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = s?.properties?.[k] ?? (typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined);
      out[k] = celValueFor(v, child);
    }
    return out;
  }
  return value;
}

/** Every failed rule in `value` (the whole object), comparing with `old` for transition rules. */
export function validateRules(value: unknown, old: unknown, s: JSONSchemaProps, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  walk(value, old, s, path, errs);
  return errs;
}

function walk(value: unknown, old: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (value === undefined || value === null) return;
  // Ratcheting: a value the update leaves as stored is not checked again, nor anything below it.
  if (unchanged(value, old)) return;
  for (const rule of s["x-kubernetes-validations"] ?? []) evaluateRule(rule, value, old, s, path, errs);
  if (Array.isArray(value)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (!items) return;
    const listType = s["x-kubernetes-list-type"];
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    value.forEach((item, i) => {
      let oldItem: unknown;
      if (listType === "map" && Array.isArray(old) && isObject(item)) {
        oldItem = old.find((o) => isObject(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])));
      }
      walk(item, oldItem, items, `${path}[${i}]`, errs);
    });
    return;
  }
  if (!isObject(value)) return;
  const oldObj = isObject(old) ? old : undefined;
  for (const [key, v] of Object.entries(value)) {
    const child = s.properties?.[key] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
    if (child) walk(v, oldObj?.[key], child, path ? `${path}.${key}` : key, errs);
  }
}

function evaluateRule(rule: ValidationRule, value: unknown, old: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const compiled = compileRule(rule, s, path === "");
  if ("error" in compiled) return; // refused when the CRD was written; nothing to run
  if (compiled.transition && old === undefined && !rule.optionalOldSelf) return;
  const oldValue = old === undefined ? undefined : celValueFor(old, s);
  const activation = { self: celValueFor(value, s), oldSelf: rule.optionalOldSelf ? celOptional(oldValue) : oldValue ?? null };
  // The root's path prints as upstream's nil field.Path does.
  const fieldPath = (rule.fieldPath ? joinFieldPath(path, rule.fieldPath) : path) || "<nil>";
  const ruleText = rule.rule.trim();
  const result = evaluateCel(compiled.program, activation);
  if (!result.ok) {
    const detail = result.error.startsWith("no such overload")
      ? `'${result.error}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText}`
      : `${result.error} evaluating rule: ${ruleText}`;
    errs.push({ type: "FieldValueInvalid", field: fieldPath, badValue: typeName(s), detail });
    return;
  }
  if (result.value === true) return;
  if (result.value !== false) {
    errs.push({ type: "FieldValueInvalid", field: fieldPath, badValue: typeName(s), detail: `rule did not evaluate to a bool: ${ruleText}` });
    return;
  }
  let message = rule.message?.trim() ? rule.message.trim() : `failed rule: ${ruleText}`;
  if (compiled.messageProgram) {
    const m = evaluateCel(compiled.messageProgram, activation);
    const text = m.ok ? jsonFromCel(m.value) : undefined;
    if (typeof text === "string" && text.trim() !== "" && !text.includes("\n")) message = text;
  }
  switch (rule.reason) {
    case "FieldValueForbidden":
      errs.push({ type: "FieldValueForbidden", field: fieldPath, detail: message });
      break;
    case "FieldValueRequired":
      errs.push({ type: "FieldValueRequired", field: fieldPath, detail: message });
      break;
    case "FieldValueDuplicate":
      errs.push({ type: "FieldValueDuplicate", field: fieldPath, badValue: typeName(s), detail: message });
      break;
    default:
      errs.push({ type: "FieldValueInvalid", field: fieldPath, badValue: typeName(s), detail: message });
  }
}

function joinFieldPath(base: string, rel: string): string {
  const tail = rel.startsWith(".") ? rel.slice(1) : rel;
  if (!base) return tail;
  return rel.startsWith("[") ? `${base}${rel}` : `${base}.${tail}`;
}
