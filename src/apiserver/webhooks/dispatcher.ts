/**
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook (upstream's
 * plugin/pkg/admission/webhook): every matching webhook of every configuration gets an
 * AdmissionReview. Mutating webhooks are called one after another and may answer a
 * JSONPatch; one with `reinvocationPolicy: IfNeeded` is called once more when a later
 * webhook changed the object. Validating webhooks are called together. A webhook that
 * cannot be reached refuses the request (500) under `failurePolicy: Fail` and is skipped
 * under `Ignore`; a denial is a 403 (or the code it gives) naming the webhook.
 */
import { randomUUID } from "node:crypto";
import type { KubeObject, MutatingWebhook, ValidatingWebhook } from "../../api/index.js";
import { ApiError, applyJsonPatch, isApiError } from "../../machinery/index.js";
import type { Status, StatusReason } from "../../machinery/index.js";
import { celValue, compileCel, evaluateCel, type CelProgram } from "../../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { callWebhook as postToWebhook, WebhookError } from "../webhook-client.js";
import type { WebhookConfigurations } from "./config-cache.js";
import { isExemptFromWebhooks, namespaceSelectorMatches, objectSelectorMatches, rulesMatch } from "./matching.js";

export function webhookAdmissionPlugins(configs: WebhookConfigurations): AdmissionPlugin[] {
  return [
    { name: "MutatingAdmissionWebhook", admit: (attrs) => runMutating(configs, attrs) },
    { name: "ValidatingAdmissionWebhook", validate: (attrs) => runValidating(configs, attrs) },
  ];
}

async function runValidating(configs: WebhookConfigurations, attrs: AdmissionAttributes): Promise<void> {
  if (isExemptFromWebhooks(attrs)) return;
  const hooks: ValidatingWebhook[] = [];
  for (const config of configs.validating.sorted()) for (const hook of config.webhooks ?? []) if (await shouldCall(hook, attrs)) hooks.push(hook);
  if (hooks.length === 0) return;
  const results = await Promise.allSettled(hooks.map((hook) => callWebhook(hook, attrs, false)));
  for (const r of results) if (r.status === "rejected") throw r.reason;
}

async function runMutating(configs: WebhookConfigurations, attrs: AdmissionAttributes): Promise<void> {
  if (isExemptFromWebhooks(attrs) || !attrs.object) return;
  const called: { hook: MutatingWebhook; changedAfter: boolean }[] = [];
  for (const config of configs.mutating.sorted()) {
    for (const hook of config.webhooks ?? []) {
      if (!(await shouldCall(hook, attrs))) continue;
      const changed = await callWebhook(hook, attrs, true);
      if (changed) for (const c of called) c.changedAfter = true;
      called.push({ hook, changedAfter: false });
    }
  }
  // Reinvocation: once, for IfNeeded webhooks that saw the object before a later change.
  for (const c of called) {
    if (c.hook.reinvocationPolicy === "IfNeeded" && c.changedAfter && (await shouldCall(c.hook, attrs))) await callWebhook(c.hook, attrs, true);
  }
}

async function shouldCall(hook: ValidatingWebhook, attrs: AdmissionAttributes): Promise<boolean> {
  if (!rulesMatch(hook.rules, attrs)) return false;
  if (!(await namespaceSelectorMatches(hook, attrs))) return false;
  if (!objectSelectorMatches(hook, attrs)) return false;
  return matchConditionsHold(hook, attrs);
}

const programs = new Map<string, CelProgram | string>();

function compiled(expression: string): CelProgram | string {
  let p = programs.get(expression);
  if (p === undefined) {
    const r = compileCel(expression, { variables: { object: "dyn", oldObject: "dyn", request: "dyn", authorizer: "dyn" } });
    p = r.ok ? r.program : r.error;
    if (programs.size > 1000) programs.clear();
    programs.set(expression, p);
  }
  return p;
}

/** Every matchCondition true; an error refuses the request under Fail and skips the webhook under Ignore. */
function matchConditionsHold(hook: ValidatingWebhook, attrs: AdmissionAttributes): boolean {
  const conditions = hook.matchConditions ?? [];
  if (conditions.length === 0) return true;
  const activation = {
    object: celValue(attrs.object ?? null),
    oldObject: celValue(attrs.oldObject ?? null),
    request: celValue(reviewRequest(attrs, "", true).request),
    authorizer: null,
  };
  for (const c of conditions) {
    const program = compiled(c.expression);
    const result = typeof program === "string" ? { ok: false as const, error: program } : evaluateCel(program, activation);
    if (result.ok && result.value === false) return false;
    if (!result.ok || typeof result.value !== "boolean") {
      if (hook.failurePolicy === "Ignore") return false;
      const why = result.ok ? "expression must evaluate to bool" : result.error;
      throw ApiError.internal(`failed calling webhook "${hook.name}": failed to evaluate match condition "${c.name}": ${why}`);
    }
  }
  return true;
}

/** Calls one webhook; true when it changed `attrs.object` (mutating webhooks only). */
async function callWebhook(hook: ValidatingWebhook, attrs: AdmissionAttributes, mutating: boolean): Promise<boolean> {
  if (attrs.dryRun && hook.sideEffects !== "None" && hook.sideEffects !== "NoneOnDryRun") {
    throw ApiError.badRequest(`admission webhook "${hook.name}" does not support dry run`);
  }
  const v1 = hook.admissionReviewVersions.includes("v1");
  const uid = randomUUID();
  const review = reviewRequest(attrs, uid, v1);
  let answer: unknown;
  try {
    answer = await postToWebhook({ store: attrs.server.store, clientConfig: hook.clientConfig, body: review, timeoutMs: (hook.timeoutSeconds ?? 10) * 1000 });
    return applyResponse(hook, attrs, uid, answer, mutating);
  } catch (err) {
    if (isApiError(err)) throw err;
    const why = err instanceof WebhookError ? `failed to call webhook: ${err.message}` : err instanceof Error ? err.message : String(err);
    const message = `failed calling webhook "${hook.name}": ${why}`;
    if (hook.failurePolicy === "Ignore") {
      console.error(`k8ts apiserver: ${message} (failurePolicy Ignore)`);
      return false;
    }
    throw ApiError.internal(message);
  }
}

interface ReviewResponse {
  uid?: string;
  allowed?: boolean;
  status?: Partial<Status>;
  result?: Partial<Status>;
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

function applyResponse(hook: ValidatingWebhook, attrs: AdmissionAttributes, uid: string, answer: unknown, mutating: boolean): boolean {
  const response = (answer as { response?: ReviewResponse } | null)?.response;
  if (!response || typeof response !== "object") throw new Error("received invalid webhook response: webhook response was absent");
  if (response.uid !== uid) throw new Error(`received invalid webhook response: expected response.uid="${uid}", got "${response.uid ?? ""}"`);
  if (response.allowed !== true) throw deniedBy(hook.name, attrs, response.status ?? response.result);
  if (!mutating || !response.patch) return false;
  if (response.patchType !== "JSONPatch") throw new Error(`received invalid webhook response: unsupported patch type "${response.patchType ?? ""}"`);
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(response.patch, "base64").toString("utf8"));
  } catch {
    throw new Error("received invalid webhook response: the patch is not base64-encoded JSON");
  }
  const object = attrs.object!;
  const before = JSON.stringify(object);
  const patched = applyJsonPatch(structuredClone(object), ops) as KubeObject;
  if (patched.apiVersion !== object.apiVersion || patched.kind !== object.kind) throw new Error("received invalid webhook response: the patch changed the object's apiVersion or kind");
  // The callers hold `attrs.object`: change it in place.
  for (const key of Object.keys(object)) delete object[key];
  Object.assign(object, patched);
  return JSON.stringify(object) !== before;
}

/** upstream's webhookerrors.ToStatusErr. */
function deniedBy(webhookName: string, attrs: AdmissionAttributes, result: Partial<Status> | undefined): ApiError {
  const code = result?.code || 403;
  const name = attrs.name || "Unknown";
  const denied = `admission webhook "${webhookName}" denied the request`;
  const detail = result?.message ? `${denied}: ${result.message}` : result?.reason ? `${denied}: ${result.reason}` : `${denied} without explanation`;
  const gr = attrs.rt.group ? `${attrs.rt.plural}.${attrs.rt.group}` : attrs.rt.plural;
  const internal = code === 500;
  const message = internal ? `Internal error occurred: ${detail}` : `${gr} "${name}" is forbidden: ${detail}`;
  const details = result?.details ?? (internal ? { causes: [{ message: detail }] } : { group: attrs.rt.group || undefined, kind: attrs.rt.plural, name });
  const reason: StatusReason = result?.reason || (internal ? "InternalError" : "Forbidden");
  return ApiError.of(reason, message, details, code);
}

/** The AdmissionReview a webhook gets (admission.k8s.io/v1, or v1beta1 when that is all it takes). */
export function reviewRequest(attrs: AdmissionAttributes, uid: string, v1: boolean): { apiVersion: string; kind: string; request: Record<string, unknown> } {
  const { rt } = attrs;
  const kind = { group: rt.group, version: rt.version, kind: rt.kind };
  const resource = { group: rt.group, version: rt.version, resource: rt.plural };
  const optionsKind = attrs.operation === "CREATE" ? "CreateOptions" : attrs.operation === "UPDATE" ? "UpdateOptions" : attrs.operation === "DELETE" ? "DeleteOptions" : undefined;
  const options = optionsKind ? { ...((attrs.options as object | undefined) ?? {}), apiVersion: "meta.k8s.io/v1", kind: optionsKind, ...(attrs.dryRun ? { dryRun: ["All"] } : {}) } : undefined;
  const user = attrs.user;
  return {
    apiVersion: v1 ? "admission.k8s.io/v1" : "admission.k8s.io/v1beta1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind,
      resource,
      ...(attrs.subresource ? { subResource: attrs.subresource } : {}),
      requestKind: kind,
      requestResource: resource,
      ...(attrs.subresource ? { requestSubResource: attrs.subresource } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.namespace && rt.namespaced ? { namespace: attrs.namespace } : {}),
      operation: attrs.operation,
      userInfo: user ? { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } : {},
      object: attrs.operation === "DELETE" ? null : (attrs.object ?? null),
      oldObject: attrs.oldObject ?? null,
      dryRun: attrs.dryRun,
      ...(options ? { options } : {}),
    },
  };
}
