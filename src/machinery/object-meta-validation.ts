/**
 * ObjectMeta validation as upstream's k8s.io/apimachinery/pkg/api/validation (objectmeta.go,
 * generic.go) and pkg/apis/meta/v1/validation: names, namespace, labels, annotations,
 * finalizers. Results are FieldError lists for `ApiError.invalid(...)`.
 *
 *   validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain })
 *   // [{ type: "FieldValueInvalid", field: "metadata.name", badValue: "Web_1", detail: "a lowercase RFC 1123 ..." }]
 */
import { fieldError, type FieldError } from "./status.js";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "./validation.js";

/** Upstream's ValidateNameFunc: `prefix` is true when validating a generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// A generateName may end in '-'; upstream masks the last two characters with one letter.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** 256 KiB: the most the keys and values of one object's annotations may add up to. */
export const TotalAnnotationSizeLimitB = 256 * 1024;

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldError.invalid(field, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(field, v, msg));
  }
  return errs;
}

/** Total size of annotation keys and values, in bytes. */
export function annotationsSize(annotations: Readonly<Record<string, string>> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  return total;
}

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations ?? {})) {
    // Upstream lower-cases annotation keys before checking them.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid(field, k, msg));
  }
  if (annotationsSize(annotations) > TotalAnnotationSizeLimitB) {
    errs.push({ type: "FieldValueTooLong", field, detail: `may not be more than ${TotalAnnotationSizeLimitB} bytes` });
  }
  return errs;
}

const orphanFinalizer = "orphan";
const foregroundFinalizer = "foregroundDeletion";

export function validateFinalizers(finalizers: readonly string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid(field, f, msg));
  }
  if (finalizers?.includes(orphanFinalizer) && finalizers.includes(foregroundFinalizer)) {
    errs.push(fieldError.invalid(field, finalizers, `finalizer ${orphanFinalizer} and ${foregroundFinalizer} cannot be both set`));
  }
  return errs;
}

/** The parts of ObjectMeta these checks read. */
export interface ObjectMetaFields {
  name?: string;
  generateName?: string;
  namespace?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameFn: NameValidator;
  /** Field path of the metadata; "metadata" unless told. */
  field?: string;
}

/**
 * ValidateObjectMeta for a create: name (or generateName), namespace presence per scope,
 * generation, labels, annotations, finalizers. Run after generateName has produced a name.
 */
export function validateObjectMeta(meta: ObjectMetaFields, opts: ObjectMetaOptions): FieldError[] {
  const base = opts.field ?? "metadata";
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of opts.nameFn(meta.generateName, true)) errs.push(fieldError.invalid(`${base}.generateName`, meta.generateName, msg));
  }
  if (!meta.name) {
    errs.push(fieldError.required(`${base}.name`, "name or generateName is required"));
  } else {
    for (const msg of opts.nameFn(meta.name, false)) errs.push(fieldError.invalid(`${base}.name`, meta.name, msg));
  }
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(fieldError.required(`${base}.namespace`));
    else for (const msg of nameIsDNSLabel(meta.namespace, false)) errs.push(fieldError.invalid(`${base}.namespace`, meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(fieldError.forbidden(`${base}.namespace`, "not allowed on this type"));
  }
  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(fieldError.invalid(`${base}.generation`, meta.generation, "must be greater than or equal to 0"));
  }
  errs.push(...validateLabels(meta.labels, `${base}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${base}.annotations`));
  errs.push(...validateFinalizers(meta.finalizers, `${base}.finalizers`));
  return errs;
}
