/**
 * Field management for the REST verbs: who owns which field (`metadata.managedFields`)
 * and server-side apply (`application/apply-patch+yaml`). Everything comes from the
 * resource's schema in the kind registry, so custom resources use the same code.
 *
 *   validateWriteOptions(ctx, "PatchOptions", { apply: true });
 *   trackUpdate(ctx, current, next, "");            // after a create/update/patch
 *   const merged = applyConfiguration(ctx, current, body); // apply, or a 409
 */
import type { Definitions, KubeObject } from "../../api/index.js";
import { ApiError, FieldSet, fieldError, type FieldError } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { rfc3339 } from "../context.js";
import { queryBool } from "../query.js";
import { FieldManager, applyServerError } from "./field-manager.js";
import { TypedSchema } from "./_typed.js";

export { FieldManager, conflictError, lastAppliedAnnotation, managedFieldsErrors } from "./field-manager.js";
export { TypedSchema } from "./_typed.js";

/** validation.FieldManagerMaxLength. */
const fieldManagerMaxLength = 128;

/** managerOrUserAgent: the fieldManager parameter, else the User-Agent up to its first "/". */
export function managerName(ctx: VerbContext): string {
  const given = ctx.req.query.fieldManager;
  if (given) return given;
  // The API server's own in-process writes (bootstrap objects), as upstream's loopback client names itself.
  const agent = ctx.req.userAgent ?? (ctx.req.user?.username === "system:apiserver" ? "kube-apiserver" : "");
  let out = "";
  for (const ch of agent.split("/")[0]) {
    if (!isPrint(ch)) continue;
    if (Buffer.byteLength(out + ch) > fieldManagerMaxLength) break;
    out += ch;
  }
  return out;
}

/**
 * ValidateCreateOptions / ValidateUpdateOptions / ValidatePatchOptions: a field manager
 * of at most 128 printable characters, required for apply; `force` only for apply.
 */
export function validateWriteOptions(ctx: VerbContext, kind: "CreateOptions" | "UpdateOptions" | "PatchOptions", patch?: { apply: boolean }): void {
  const errs: FieldError[] = [];
  const q = ctx.req.query;
  if (patch && !patch.apply && q.force !== undefined) errs.push(fieldError.forbidden("force", "may not be specified for non-apply patch"));
  if (patch?.apply && !q.fieldManager) errs.push(fieldError.required("fieldManager", "is required for apply patch"));
  const manager = q.fieldManager ?? "";
  if (manager.length > fieldManagerMaxLength) errs.push(fieldError.tooLong("fieldManager", fieldManagerMaxLength));
  [...manager].forEach((ch, i) => {
    if (!isPrint(ch)) errs.push(fieldError.invalid("fieldManager", manager, `invalid character ${unicodeName(ch)} (at position ${i})`));
  });
  if (errs.length > 0) throw ApiError.invalid({ group: "meta.k8s.io", kind }, "", errs);
}

/** The field manager of this request's endpoint. */
export function fieldManagerFor(ctx: VerbContext, subresource: string): FieldManager {
  const { rt, server } = ctx;
  const defs = server.registry.definitions();
  const root = defs[rt.definition];
  const apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
  return new FieldManager({
    typed: typedSchemaFor(defs, rt.definition),
    apiVersion,
    kind: rt.kind,
    subresource,
    ignored: resetFields(ctx, subresource, root ? Object.keys(root.properties ?? {}) : []),
    now: rfc3339(server.now()),
    zero: zeroObject(root ? Object.entries(root.properties ?? {}).filter(([, s]) => s.$ref !== undefined && s.$ref !== "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").map(([k]) => k) : []),
  });
}

// One TypedSchema per definition while the registry's definitions stay the same object
// (the registry rebuilds them on every change), so schema atoms are resolved once.
const typedCache = new WeakMap<Definitions, Map<string, TypedSchema>>();

function typedSchemaFor(defs: Definitions, definition: string): TypedSchema {
  let byName = typedCache.get(defs);
  if (!byName) {
    byName = new Map();
    typedCache.set(defs, byName);
  }
  let typed = byName.get(definition);
  if (!typed) {
    typed = new TypedSchema(defs, defs[definition] ?? {});
    byName.set(definition, typed);
  }
  return typed;
}

/**
 * Records a write in `next.metadata.managedFields` (create when `live` is undefined).
 * The manager is the request's; `subresource` names the endpoint ("status", "scale"…).
 */
export function trackUpdate(ctx: VerbContext, live: KubeObject | undefined, next: KubeObject, subresource: string): void {
  fieldManagerFor(ctx, subresource).update(live, next, managerName(ctx));
}

/** versionCheckManager: an applied configuration names this endpoint's apiVersion and kind (400 otherwise). */
export function checkAppliedKind(ctx: VerbContext, config: KubeObject): void {
  const apiVersion = ctx.rt.group ? `${ctx.rt.group}/${ctx.rt.version}` : ctx.rt.version;
  if (config.apiVersion === apiVersion && config.kind === ctx.rt.kind) return;
  const given = typeof config.apiVersion === "string" ? config.apiVersion : "";
  const slash = given.indexOf("/");
  const gv = slash < 0 ? `/${given}` : given;
  throw ApiError.badRequest(`invalid object type: ${gv}, Kind=${typeof config.kind === "string" ? config.kind : ""}`);
}

/**
 * An applied configuration may only name fields its schema declares: upstream's typed
 * conversion of the patch object fails otherwise (500, its message). verbs/apply.ts asks
 * for it under fieldValidation=Strict (kubectl's default); otherwise unknown fields are
 * warned about and dropped as for any write, so a field our schemas lack never breaks an apply.
 */
export function checkAppliedFields(ctx: VerbContext, config: KubeObject): void {
  const defs = ctx.server.registry.definitions();
  const errors = typedSchemaFor(defs, ctx.rt.definition).undeclaredFields(config);
  if (errors.length === 0) return;
  const ns = typeof config.metadata?.namespace === "string" ? config.metadata.namespace : "";
  const name = typeof config.metadata?.name === "string" ? config.metadata.name : "";
  const message = errors.length === 1 ? errors[0] : ["errors:", ...errors.map((e) => `  ${e}`)].join("\n");
  const apiVersion = String(config.apiVersion ?? "");
  const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  throw applyServerError(`failed to create typed patch object (${ns}/${name}; ${gv}, Kind=${String(config.kind ?? "")}): ${message}`);
}

/** Server-side apply of the request body to `live` (undefined: the object is created). */
export function applyConfiguration(ctx: VerbContext, live: KubeObject | undefined, body: unknown): KubeObject {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw ApiError.badRequest("error decoding YAML: the body of an apply patch must be an object");
  const config = structuredClone(body) as KubeObject;
  if (config.metadata === undefined || config.metadata === null) config.metadata = {};
  const force = queryBool(ctx.req.query, "force") ?? false;
  return fieldManagerFor(ctx, ctx.info.subresource).apply(live, config, managerName(ctx), force);
}

// Fields an endpoint may not change are not owned through it: a resource with a status
// subresource keeps .status for /status, and /status keeps everything but .status.
function resetFields(ctx: VerbContext, subresource: string, topLevel: string[]): FieldSet | undefined {
  if (subresource === "" && ctx.rt.subresources?.status) return FieldSet.of([{ field: "status" }]);
  if (subresource === "status") {
    const keep = new Set(["apiVersion", "kind", "metadata", "status"]);
    return FieldSet.of(...topLevel.filter((k) => !keep.has(k)).map((k) => [{ field: k }]));
  }
  return undefined;
}

// The object a create is compared with: the kind's zero value, in which struct-typed
// top-level fields (spec, status) exist empty, as Go's zero value of a built-in kind
// serializes them; custom resources (inline schemas) start from nothing.
function zeroObject(structFields: string[]): KubeObject {
  const zero: KubeObject = { metadata: {} };
  for (const f of structFields) zero[f] = {};
  return zero;
}

function isPrint(ch: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);
}

// %#U: U+0009 plus the quoted character when printable.
function unicodeName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
