/**
 * Validation of a custom resource against its CRD's structural schema, with the messages
 * upstream's validator gives (kube-openapi validate, converted to field errors by
 * apiextensions-apiserver pkg/apiserver/validation ValidateCustomResource):
 *
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *   spec.size: Unsupported value: "XL": supported values: "S", "M", "L"
 *   spec.name: Too long: may not be more than 5 bytes
 *   spec.items: Too many: 4: must have at most 3 items
 *   spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10
 *   spec.host: Required value
 *
 * plus the list-type checks (duplicates in `set` and `map` lists) and the embedded-resource
 * checks (apiVersion, kind).
 */
import { isDeepStrictEqual } from "node:util";
import type { FieldError } from "../../machinery/index.js";
import { fieldError, re2Test } from "../../machinery/index.js";
import type { JSONSchemaProps } from "../apiextensions/v1/crd-types.js";

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function body(path: string): string {
  return path ? `${path} in body` : "in body";
}

function invalid(path: string, value: unknown, detail: string): FieldError {
  return fieldError.invalid(path, value, detail);
}

function typeInvalid(path: string, actual: string, expected: string): FieldError {
  return { type: "FieldValueTypeInvalid", field: path, badValue: actual, detail: `${body(path)} must be of type ${expected}: "${actual}"` };
}

// Formats upstream's validator checks (strfmt.Default) that CRDs commonly use.
const formats: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  ipv4: /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
  hostname: /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/,
  email: /^[^@\s]+@[^@\s]+$/,
};

function formatNumber(n: number): string {
  return String(n);
}

/** Every schema violation of `value` at `path` (use "" for the object root). */
export function validateValue(value: unknown, schema: JSONSchemaProps, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  check(value, schema, path, errs);
  return errs;
}

function check(value: unknown, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (value === undefined) return;
  if (value === null) {
    if (s.nullable || (!s.type && !s["x-kubernetes-int-or-string"])) return;
    errs.push(typeInvalid(path, "null", s["x-kubernetes-int-or-string"] ? "integer,string" : s.type!));
    return;
  }
  const actual = jsonType(value);
  if (s["x-kubernetes-int-or-string"]) {
    if (actual !== "integer" && actual !== "string") return void errs.push(typeInvalid(path, actual, "integer,string"));
  } else if (s.type) {
    const ok = s.type === actual || (s.type === "number" && actual === "integer");
    if (!ok) return void errs.push(typeInvalid(path, actual, s.type));
  }

  if (s.enum && !s.enum.some((e) => isDeepStrictEqual(e, value))) {
    errs.push(fieldError.notSupported(path, value, s.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))));
  }

  if (typeof value === "string") {
    const length = [...value].length;
    if (s.maxLength !== undefined && length > s.maxLength) errs.push({ type: "FieldValueTooLong", field: path, badValue: value, detail: `may not be more than ${s.maxLength} bytes` });
    if (s.minLength !== undefined && length < s.minLength) errs.push(invalid(path, value, `${body(path)} should be at least ${s.minLength} chars long`));
    if (s.pattern !== undefined && !patternMatches(s.pattern, value)) errs.push(invalid(path, value, `${body(path)} should match '${s.pattern}'`));
    const fmt = s.format ? formats[s.format] : undefined;
    if (fmt && !fmt.test(value)) errs.push(invalid(path, value, `${body(path)} must be of type ${s.format}: ${JSON.stringify(value)}`));
  }

  if (typeof value === "number") {
    if (s.minimum !== undefined) {
      if (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum) {
        errs.push(invalid(path, value, `${body(path)} should be greater than ${s.exclusiveMinimum ? "" : "or equal to "}${formatNumber(s.minimum)}`));
      }
    }
    if (s.maximum !== undefined) {
      if (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum) {
        errs.push(invalid(path, value, `${body(path)} should be less than ${s.exclusiveMaximum ? "" : "or equal to "}${formatNumber(s.maximum)}`));
      }
    }
    if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(value / s.multipleOf)) {
      errs.push(invalid(path, value, `${body(path)} should be a multiple of ${formatNumber(s.multipleOf)}`));
    }
  }

  if (Array.isArray(value)) {
    if (s.maxItems !== undefined && value.length > s.maxItems) errs.push({ type: "FieldValueTooMany", field: path, badValue: value.length, detail: `must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && value.length < s.minItems) errs.push(invalid(path, value, `${body(path)} should have at least ${s.minItems} items`));
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (items) value.forEach((item, i) => check(item, items, `${path}[${i}]`, errs));
    errs.push(...listTypeErrors(value, s, path));
  }

  if (isObject(value)) {
    for (const req of s.required ?? []) if (!(req in value)) errs.push(fieldError.required(join(path, req)));
    const count = Object.keys(value).length;
    if (s.maxProperties !== undefined && count > s.maxProperties) errs.push({ type: "FieldValueTooMany", field: path, badValue: count, detail: `must have at most ${s.maxProperties} items` });
    if (s.minProperties !== undefined && count < s.minProperties) errs.push(invalid(path, value, `${body(path)} should have at least ${s.minProperties} properties`));
    for (const [key, v] of Object.entries(value)) {
      const prop = s.properties?.[key];
      if (prop) check(v, prop, join(path, key), errs);
      else if (typeof s.additionalProperties === "object") check(v, s.additionalProperties, join(path, key), errs);
    }
    if (s["x-kubernetes-embedded-resource"]) {
      if (typeof value.apiVersion !== "string" || value.apiVersion === "") errs.push(fieldError.required(join(path, "apiVersion"), "must not be empty"));
      if (typeof value.kind !== "string" || value.kind === "") errs.push(fieldError.required(join(path, "kind"), "must not be empty"));
    }
  }

  // Logical junctors carry value validations only (structural schemas forbid types in them).
  for (const part of s.allOf ?? []) check(value, part, path, errs);
  if (s.anyOf?.length && !s.anyOf.some((part) => validateValue(value, part, path).length === 0)) {
    errs.push(invalid(path, value, `${body(path)} must validate at least one schema (anyOf)`));
  }
  if (s.oneOf?.length && s.oneOf.filter((part) => validateValue(value, part, path).length === 0).length !== 1) {
    errs.push(invalid(path, value, `${body(path)} must validate one and only one schema (oneOf)`));
  }
  if (s.not && validateValue(value, s.not, path).length === 0) errs.push(invalid(path, value, `${body(path)} must not validate the schema (not)`));
}

// RE2, as upstream's validator (Go regexp): linear in the input, so no pattern can stall the server.
function patternMatches(pattern: string, value: string): boolean {
  try {
    return re2Test(pattern, value);
  } catch {
    return true; // refused when the CRD was written
  }
}

/** Duplicates in `x-kubernetes-list-type: set` and `map` lists (apiserver pkg/apiserver/schema/listtype). */
function listTypeErrors(list: unknown[], s: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = s["x-kubernetes-list-type"];
  if (type === "set") {
    const seen: unknown[] = [];
    list.forEach((item, i) => {
      if (seen.some((x) => isDeepStrictEqual(x, item))) errs.push(fieldError.duplicate(`${path}[${i}]`, item));
      else seen.push(item);
    });
  } else if (type === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (!isObject(item)) return;
      const k = JSON.stringify(keys.map((key) => item[key] ?? null));
      if (seen.has(k)) errs.push(fieldError.duplicate(`${path}[${i}]`, Object.fromEntries(keys.filter((key) => key in item).map((key) => [key, item[key]]))));
      else seen.add(k);
    });
  }
  return errs;
}
