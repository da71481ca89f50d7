/**
 * Checks of a CRD version's openAPIV3Schema when the CRD is written (apiextensions-apiserver
 * pkg/apis/apiextensions/validation and pkg/apiserver/schema structural validation): every
 * specified field has a type, arrays have items, properties and additionalProperties
 * exclude each other, list types are known, defaults fit their schema, and every
 * `x-kubernetes-validations` rule compiles. Paths are upstream's:
 * `spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].type`.
 */
import type { FieldError } from "../../machinery/index.js";
import { fieldError, re2Error } from "../../machinery/index.js";
import type { JSONSchemaProps } from "../apiextensions/v1/crd-types.js";
import { compileRule } from "./_cel-rules.js";
import { validateValue } from "./_validate-value.js";

const types = ["array", "boolean", "integer", "number", "object", "string"];

export function validateStructuralSchema(schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.type === undefined || schema.type === "") errs.push(fieldError.required(`${path}.type`, "must not be empty at the root"));
  else if (schema.type !== "object") errs.push(fieldError.invalid(`${path}.type`, schema.type, "must be object at the root"));
  const meta = schema.properties?.metadata;
  if (meta) {
    const extra = Object.keys(meta).filter((k) => !["type", "properties", "description"].includes(k));
    const props = Object.keys(meta.properties ?? {}).filter((k) => k !== "name" && k !== "generateName");
    if ((meta.type !== undefined && meta.type !== "object") || extra.length > 0 || props.length > 0) {
      errs.push(fieldError.forbidden(`${path}.properties[metadata]`, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }
  node(schema, path, "", errs, true);
  return errs;
}

function node(s: JSONSchemaProps, path: string, role: "" | "property" | "items" | "additionalProperties", errs: FieldError[], root = false): void {
  const loose = s["x-kubernetes-int-or-string"] === true || s["x-kubernetes-preserve-unknown-fields"] === true;
  if (role && (s.type === undefined || s.type === "") && !loose) {
    const what = role === "property" ? "specified object fields" : role === "items" ? "specified array items" : "specified additionalProperties";
    errs.push(fieldError.required(`${path}.type`, `must not be empty for ${what}`));
  }
  if (s.type && !types.includes(s.type)) errs.push(fieldError.notSupported(`${path}.type`, s.type, types));
  if (s.type === "array" && s.items === undefined) errs.push(fieldError.required(`${path}.items`, "must be specified"));
  if (Array.isArray(s.items)) errs.push(fieldError.forbidden(`${path}.items`, "items must be a schema object and not an array"));
  if (s.pattern !== undefined) {
    const e = re2Error(s.pattern);
    if (e) errs.push(fieldError.invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${e}`));
  }
  if (s.uniqueItems === true) errs.push(fieldError.forbidden(`${path}.uniqueItems`, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  if (s.additionalProperties !== undefined && s.properties && Object.keys(s.properties).length > 0) {
    if (s.additionalProperties === false || typeof s.additionalProperties === "object") {
      errs.push(fieldError.forbidden(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"));
    }
  }
  if (s.additionalProperties === false) errs.push(fieldError.forbidden(`${path}.additionalProperties`, "additionalProperties cannot be set to false"));
  if (s["x-kubernetes-embedded-resource"] && s.type !== "object") {
    errs.push(fieldError.invalid(`${path}.type`, s.type ?? "", "must be object if x-kubernetes-embedded-resource is true"));
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType !== undefined) {
    if (!["atomic", "set", "map"].includes(listType)) errs.push(fieldError.notSupported(`${path}.x-kubernetes-list-type`, listType, ["atomic", "set", "map"]));
    if (s.type !== "array") errs.push(fieldError.invalid(`${path}.type`, s.type ?? "", "must be array if x-kubernetes-list-type is specified"));
    if (listType === "map" && !s["x-kubernetes-list-map-keys"]?.length) {
      errs.push(fieldError.required(`${path}.x-kubernetes-list-map-keys`, "must not be empty if x-kubernetes-list-type is map"));
    }
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (listType === "map" && items) {
      for (const key of s["x-kubernetes-list-map-keys"] ?? []) {
        const prop = items.properties?.[key];
        if (!prop) errs.push(fieldError.required(`${path}.items.properties[${key}]`, "must have all properties listed in x-kubernetes-list-map-keys"));
        else if (!(items.required ?? []).includes(key) && prop.default === undefined) {
          errs.push(fieldError.required(`${path}.items.properties[${key}]`, "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
        }
      }
    }
  }
  const mapType = s["x-kubernetes-map-type"];
  if (mapType !== undefined && mapType !== "atomic" && mapType !== "granular") errs.push(fieldError.notSupported(`${path}.x-kubernetes-map-type`, mapType, ["atomic", "granular"]));
  if (s.default !== undefined) {
    for (const e of validateValue(s.default, { ...s, default: undefined }, "")) {
      errs.push(fieldError.invalid(`${path}.default`, s.default, e.detail ?? e.type));
    }
  }
  (s["x-kubernetes-validations"] ?? []).forEach((rule, i) => {
    const compiled = compileRule(rule, s, root);
    if ("error" in compiled) errs.push(fieldError.invalid(`${path}.x-kubernetes-validations[${i}].${compiled.field}`, compiled.field === "rule" ? rule.rule : rule.messageExpression, compiled.error));
    if (rule.reason !== undefined && !["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"].includes(rule.reason)) {
      errs.push(fieldError.notSupported(`${path}.x-kubernetes-validations[${i}].reason`, rule.reason, ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]));
    }
  });
  for (const [key, prop] of Object.entries(s.properties ?? {})) node(prop, `${path}.properties[${key}]`, "property", errs);
  if (s.items && !Array.isArray(s.items)) node(s.items, `${path}.items`, "items", errs);
  if (typeof s.additionalProperties === "object") node(s.additionalProperties, `${path}.additionalProperties`, "additionalProperties", errs);
}
