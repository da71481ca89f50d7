import type { KubeObject, ResourceType, WriteContext } from "../api/index.js";
import { checkTypes, findUnknownFields, normalizeNulls, pruneUnknownFields, strictDecodingMessage, unknownFieldWarning } from "../api/index.js";
import { ApiError, fieldErrorMessage, validateObjectMeta, type FieldError } from "../machinery/index.js";
import type { VerbContext } from "./context.js";
import { groupKind } from "./names.js";
import { pathSegmentNameErrors } from "./object-meta.js";
import { fieldValidation } from "./query.js";

/**
 * Turns a request body into an object of this resource, or a 400: it must be a JSON
 * object whose apiVersion/kind (when given) name this resource, with fields of the
 * right types. Unknown fields are refused (Strict), reported (Warn, the default) or
 * silently dropped (Ignore), as built-in types drop them on decode.
 */
export function decodeBody(ctx: VerbContext, body: unknown, expect: { kind: string; apiVersion: string } = kindOf(ctx.rt)): { obj: KubeObject; warnings: string[] } {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw ApiError.badRequest(`the body of the request must be a JSON or YAML object`);
  }
  const obj = body as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expect.apiVersion) {
    throw ApiError.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expect.apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== expect.kind) {
    throw ApiError.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${expect.kind})`);
  }
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== "object" || Array.isArray(obj.metadata)) {
    throw ApiError.badRequest(`${expect.kind} in version "${ctx.rt.version}" cannot be handled as a ${expect.kind}: metadata must be an object`);
  }
  obj.apiVersion = expect.apiVersion;
  obj.kind = expect.kind;

  const defs = ctx.server.registry.definitions();
  const schema = defs[definitionFor(ctx, expect.kind)];
  const warnings: string[] = [];
  if (schema) {
    const typesChecked = ctx.rt.strategy?.typesCheckedByValidation === true && expect.kind === ctx.rt.kind;
    const typeErrors = typesChecked ? [] : checkTypes(obj, schema, defs);
    if (typeErrors.length > 0) {
      throw ApiError.badRequest(`${expect.kind} in version "${ctx.rt.version}" cannot be handled as a ${expect.kind}: ${typeErrors.map(fieldErrorMessage).join(", ")}`);
    }
    if (!typesChecked) normalizeNulls(obj, schema, defs);
    const unknown = findUnknownFields(obj, schema, defs);
    if (unknown.length > 0) {
      const mode = fieldValidation(ctx.req.query);
      if (mode === "Strict") throw ApiError.badRequest(strictDecodingMessage(unknown));
      if (mode === "Warn") warnings.push(...unknown.map(unknownFieldWarning));
      pruneUnknownFields(obj, schema, defs);
    }
  }
  return { obj, warnings };
}

function kindOf(rt: ResourceType): { kind: string; apiVersion: string } {
  return { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version };
}

function definitionFor(ctx: VerbContext, kind: string): string {
  if (kind === ctx.rt.kind) return ctx.rt.definition;
  if (kind === "Scale") return "io.k8s.api.autoscaling.v1.Scale";
  return "";
}

/** Defaulting and validation of a write, as upstream's BeforeCreate/BeforeUpdate. */
export function defaultAndValidate(ctx: VerbContext, obj: KubeObject, old: KubeObject | undefined, write: WriteContext): void {
  const rt = ctx.rt;
  rt.strategy?.defaults?.(obj);
  const errs: FieldError[] = validateObjectMeta(obj.metadata, { namespaced: rt.namespaced, nameFn: pathSegmentNameErrors });
  errs.push(...(rt.strategy?.validate?.(obj, old, write) ?? []));
  if (old) errs.push(...immutableMetaErrors(obj, old));
  if (errs.length > 0) throw ApiError.invalid(groupKind(rt), obj.metadata.name ?? "", withoutDuplicates(errs));
}

// The generic metadata checks and a kind's own name rule can both report the same
// problem (a missing name); upstream reports it once.
function withoutDuplicates(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const key = JSON.stringify([e.type, e.field, e.badValue, e.detail]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function immutableMetaErrors(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.metadata.name !== old.metadata.name) errs.push({ type: "FieldValueInvalid", field: "metadata.name", badValue: obj.metadata.name, detail: "field is immutable" });
  return errs;
}

// Upstream's limits on warnings (apiserver pkg/endpoints/filters/warning.go): all of them
// together fit in 4 KiB; only once they would not is each cut to 256 characters, and what
// still does not fit is dropped.
const maxWarningLength = 256;
const maxWarningsTotal = 4 * 1024;

/**
 * Warning headers as upstream sends them: `299 - "unknown field \"spec.foo\""`, within
 * upstream's size limits, with non-ASCII escaped so the header is always valid.
 */
export function warningHeaders(warnings: string[]): Record<string, string[]> | undefined {
  if (warnings.length === 0) return undefined;
  // Node refuses header text beyond latin1, so non-ASCII is sent as \uXXXX escapes.
  const header = (text: string) => `299 - ${JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}`;
  const unique = [...new Set(warnings)];
  const whole = unique.map(header);
  if (whole.reduce((n, h) => n + h.length, 0) <= maxWarningsTotal) return { Warning: whole };
  const out: string[] = [];
  let total = 0;
  for (const w of unique) {
    const h = header(w.length > maxWarningLength ? w.slice(0, maxWarningLength) : w);
    if (total + h.length > maxWarningsTotal) break;
    total += h.length;
    out.push(h);
  }
  return { Warning: out };
}
