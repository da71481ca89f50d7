/**
 * Generic checks of a decoded object against its schema, for every kind alike:
 *
 * - `findUnknownFields` lists fields the schema does not declare, for
 *   `fieldValidation=Strict` (400 `strict decoding error: unknown field "spec.foo"`) and
 *   `Warn` (a `Warning: unknown field "spec.foo"` header per field);
 * - `pruneUnknownFields` drops them, as decoding into upstream's Go structs does;
 * - `checkTypes` reports values of the wrong JSON type or format, worded as
 *   kube-openapi's validator words them for CRDs (`spec.replicas in body must be of type
 *   integer: "string"`).
 *
 * Field paths are upstream's: `spec.containers[0].imagePullPolicyy`, map keys in brackets
 * (`metadata.labels[app]`). `x-kubernetes-preserve-unknown-fields` stops the unknown-field
 * walk below it (declared properties are still walked), as in CRD structural schemas.
 */
import type { FieldError } from "../machinery/index.js";
import type { Definitions, Schema } from "./schema.js";
import { meta } from "./schema.js";

/** Follow `$ref`s (and single-element `allOf` wrappers) to the schema that declares the shape. */
export function resolveSchema(schema: Schema, defs: Definitions): Schema {
  let s = schema;
  for (let hops = 0; hops < 32; hops++) {
    if (s.$ref !== undefined) {
      const target = defs[s.$ref] ?? wellKnown[s.$ref];
      if (!target) return {};
      s = target;
    } else if (s.allOf?.length === 1 && !s.properties && !s.type) {
      s = s.allOf[0];
    } else {
      return s;
    }
  }
  return s;
}

// Shapes of apimachinery types, used when the definitions at hand do not carry them.
const wellKnown: Definitions = {
  [meta.Quantity]: { type: "string", format: "quantity" },
  [meta.IntOrString]: { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true },
  [meta.Time]: { type: "string", format: "date-time" },
  [meta.MicroTime]: { type: "string", format: "date-time" },
  [meta.Duration]: { type: "string" },
  [meta.RawExtension]: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
};

// Every write walks its object against the schema three times; merging allOf parts at each
// level of each walk was a few percent of a busy server. Schemas are not changed once
// built (a CRD's new schema is a new object), so the merge is kept per schema and defs.
const mergedProperties = new WeakMap<Schema, { defs: Definitions; props: Record<string, Schema> | undefined }>();

/** Properties declared by a schema, including those of its `allOf` parts. */
function declaredProperties(s: Schema, defs: Definitions): Record<string, Schema> | undefined {
  if (!s.allOf) return s.properties;
  const known = mergedProperties.get(s);
  if (known && known.defs === defs) return known.props;
  const props = mergeProperties(s, defs);
  mergedProperties.set(s, { defs, props });
  return props;
}

function mergeProperties(s: Schema, defs: Definitions): Record<string, Schema> | undefined {
  if (!s.properties && !s.allOf) return undefined;
  let props: Record<string, Schema> | undefined = s.properties ? { ...s.properties } : undefined;
  for (const part of s.allOf ?? []) {
    const p = mergeProperties(resolveSchema(part, defs), defs);
    if (p) props = { ...(props ?? {}), ...p };
  }
  return props;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

type UnknownVisitor = (path: string, holder: Record<string, unknown>, key: string) => void;

// The one walk behind findUnknownFields and pruneUnknownFields.
function walkUnknown(value: unknown, schema: Schema, defs: Definitions, path: string, visit: UnknownVisitor): void {
  const s = resolveSchema(schema, defs);
  if (Array.isArray(value)) {
    if (s.items) value.forEach((item, i) => walkUnknown(item, s.items as Schema, defs, `${path}[${i}]`, visit));
    return;
  }
  if (!isPlainObject(value)) return;
  const props = declaredProperties(s, defs);
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  const additional = s.additionalProperties;
  for (const key of Object.keys(value)) {
    const declared = props?.[key];
    if (declared) {
      walkUnknown(value[key], declared, defs, child(path, key), visit);
    } else if (embedded && (key === "apiVersion" || key === "kind" || key === "metadata")) {
      continue;
    } else if (typeof additional === "object") {
      walkUnknown(value[key], additional, defs, props ? child(path, key) : `${path}[${key}]`, visit);
    } else if (preserve || additional === true || (!props && additional === undefined)) {
      // Free-form: a map without a value schema, or an object whose fields are not declared.
      continue;
    } else {
      visit(child(path, key), value, key);
    }
  }
}

/** Paths of the fields `obj` has that `schema` does not declare, in document order. */
export function findUnknownFields(obj: unknown, schema: Schema, defs: Definitions): string[] {
  const found: string[] = [];
  walkUnknown(obj, schema, defs, "", (path) => found.push(path));
  return found;
}

/** Delete the fields `schema` does not declare, in place; returns the paths dropped. */
export function pruneUnknownFields(obj: unknown, schema: Schema, defs: Definitions): string[] {
  const dropped: { path: string; holder: Record<string, unknown>; key: string }[] = [];
  walkUnknown(obj, schema, defs, "", (path, holder, key) => dropped.push({ path, holder, key }));
  for (const d of dropped) delete d.holder[d.key];
  return dropped.map((d) => d.path);
}

/** Upstream's Strict message: `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`. */
export function strictDecodingMessage(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map(unknownFieldWarning).join(", ")}`;
}

/** One unknown field as upstream words it in a Warning header: `unknown field "spec.foo"`. */
export function unknownFieldWarning(path: string): string {
  return `unknown field "${path}"`;
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

const quantityRE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
// RFC 3339 as Go's time.RFC3339 parses it (fractional seconds allowed).
const dateTimeRE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const base64RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function typeError(path: string, value: unknown, expected: string): FieldError {
  const actual = jsonTypeOf(value);
  return {
    type: "FieldValueTypeInvalid",
    field: path,
    badValue: actual,
    detail: `${path || "body"} in body must be of type ${expected}: "${actual}"`,
  };
}

function formatError(path: string, value: unknown, format: string): FieldError {
  return {
    type: "FieldValueInvalid",
    field: path,
    badValue: value,
    detail: `${path || "body"} in body must be of type ${format}: ${JSON.stringify(value)}`,
  };
}

function isIntOrString(s: Schema): boolean {
  return s["x-kubernetes-int-or-string"] === true || s.format === "int-or-string";
}

/**
 * Values of the wrong JSON type, or strings not in their declared format (`date-time`,
 * `byte`, `quantity`, `int-or-string`). `null` is accepted anywhere, as decoding into
 * upstream's Go structs accepts it. Unknown fields are not this function's concern.
 */
export function checkTypes(obj: unknown, schema: Schema, defs: Definitions): FieldError[] {
  const errors: FieldError[] = [];
  checkValue(obj, schema, defs, "", errors);
  return errors;
}

function checkValue(value: unknown, schema: Schema, defs: Definitions, path: string, errors: FieldError[]): void {
  if (value === null || value === undefined) return;
  const s = resolveSchema(schema, defs);
  if (isIntOrString(s)) {
    if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value))) errors.push(typeError(path, value, "integer,string"));
    return;
  }
  if (s.format === "quantity") {
    if (typeof value === "number") return;
    if (typeof value !== "string") errors.push(typeError(path, value, "string"));
    else if (!quantityRE.test(value)) errors.push(formatError(path, value, "quantity"));
    return;
  }
  switch (s.type) {
    case "string":
      if (typeof value !== "string") return void errors.push(typeError(path, value, "string"));
      if (s.format === "date-time" && !dateTimeRE.test(value)) errors.push(formatError(path, value, "date-time"));
      if (s.format === "byte" && !base64RE.test(value)) errors.push(formatError(path, value, "byte"));
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) errors.push(typeError(path, value, "integer"));
      return;
    case "number":
      if (typeof value !== "number") errors.push(typeError(path, value, "number"));
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(typeError(path, value, "boolean"));
      return;
    case "array":
      if (!Array.isArray(value)) return void errors.push(typeError(path, value, "array"));
      if (s.items) value.forEach((item, i) => checkValue(item, s.items as Schema, defs, `${path}[${i}]`, errors));
      return;
    case "object":
    case undefined: {
      const props = declaredProperties(s, defs);
      if (s.type === undefined && !props && s.additionalProperties === undefined) return;
      if (!isPlainObject(value)) return void errors.push(typeError(path, value, "object"));
      for (const [key, v] of Object.entries(value)) {
        const declared = props?.[key];
        if (declared) checkValue(v, declared, defs, child(path, key), errors);
        else if (typeof s.additionalProperties === "object") checkValue(v, s.additionalProperties, defs, props ? child(path, key) : `${path}[${key}]`, errors);
      }
      return;
    }
  }
}

/**
 * Replaces JSON nulls the way decoding into upstream's Go structs does, in place: a null
 * field is as if absent, a null list item or map value is its type's zero value
 * (`containers: [null]` is one empty container, which validation then names). After
 * this, code that reads the object by its schema never meets a null it did not expect.
 * Values under `x-kubernetes-preserve-unknown-fields` without declared properties are left
 * as they are.
 */
export function normalizeNulls(obj: unknown, schema: Schema, defs: Definitions): void {
  normalizeValue(obj, schema, defs);
}

function normalizeValue(value: unknown, schema: Schema, defs: Definitions): void {
  if (value === null || typeof value !== "object") return;
  const s = resolveSchema(schema, defs);
  if (Array.isArray(value)) {
    if (s.type !== "array" || !s.items) return;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) value[i] = zeroValue(s.items, defs);
      else normalizeValue(value[i], s.items, defs);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  const props = s.properties;
  const valueSchema = s.additionalProperties && typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  if (!props && !valueSchema) return;
  // The object's own keys, not every declared property: a pod spec declares dozens and uses a few.
  for (const key of Object.keys(record)) {
    const prop = props && Object.hasOwn(props, key) ? props[key] : undefined;
    if (prop) {
      if (record[key] === null) delete record[key];
      else normalizeValue(record[key], prop, defs);
    } else if (valueSchema && !(props && key in props)) {
      if (record[key] === null) record[key] = zeroValue(valueSchema, defs);
      else normalizeValue(record[key], valueSchema, defs);
    }
  }
}

function zeroValue(schema: Schema, defs: Definitions): unknown {
  const s = resolveSchema(schema, defs);
  if (isIntOrString(s)) return 0;
  if (s.format === "quantity") return "0";
  switch (s.type) {
    case "string":
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return null;
  }
}
