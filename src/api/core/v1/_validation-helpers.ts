// Small validation helpers shared by the core/v1 strategies.
import { fieldError, jsonEqual, nameIsDNSSubdomain, regexError } from "../../../machinery/index.js";
import type { FieldError, NameValidator } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";

/** The name rule of a kind (upstream's ValidateNameFunc): metadata.name, and generateName as a prefix. */
export function validateName(obj: KubeObject, nameFn: NameValidator = nameIsDNSSubdomain): FieldError[] {
  const errs: FieldError[] = [];
  const { name, generateName } = obj.metadata ?? {};
  if (generateName) for (const msg of nameFn(generateName, true)) errs.push(fieldError.invalid("metadata.generateName", generateName, msg));
  if (!name) errs.push(fieldError.required("metadata.name", "name or generateName is required"));
  else for (const msg of nameFn(name, false)) errs.push(fieldError.invalid("metadata.name", name, msg));
  return errs;
}

/** validation.IsValidPortNum. */
export function portNumErrors(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

export { portNameErrors } from "../../_port-name.js";

export function nonNegative(field: string, value: number | undefined): FieldError[] {
  return value !== undefined && value < 0 ? [fieldError.invalid(field, value, "must be greater than or equal to 0")] : [];
}

export function supported(field: string, value: string | undefined, values: string[]): FieldError[] {
  return value !== undefined && !values.includes(value) ? [fieldError.notSupported(field, value, values)] : [];
}

/** A deep equality for JSON values (spec immutability checks). */
export { jsonEqual };

const configKeyRe = /^[-._a-zA-Z0-9]+$/;

/** validation.IsConfigMapKey: the keys of ConfigMap and Secret data. */
export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push("must be no more than 253 characters");
  if (!configKeyRe.test(key)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"));
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

/** ConfigMap/Secret immutability: once `immutable` is true, data and the flag itself are frozen. */
export function immutableDataErrors(
  obj: { immutable?: boolean; data?: Record<string, string>; binaryData?: Record<string, string> },
  old: { immutable?: boolean; data?: Record<string, string>; binaryData?: Record<string, string> } | undefined,
): FieldError[] {
  if (!old?.immutable) return [];
  const errs: FieldError[] = [];
  if (!obj.immutable) errs.push(fieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
  if (!jsonEqual(obj.data ?? {}, old.data ?? {})) errs.push(fieldError.forbidden("data", "field is immutable when `immutable` is set"));
  if ("binaryData" in obj || "binaryData" in old) {
    if (!jsonEqual(obj.binaryData ?? {}, old.binaryData ?? {})) errs.push(fieldError.forbidden("binaryData", "field is immutable when `immutable` is set"));
  }
  return errs;
}
