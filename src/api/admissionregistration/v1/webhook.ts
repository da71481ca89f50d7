/**
 * admissionregistration.k8s.io/v1 webhook configurations: upstream's defaults
 * (pkg/apis/admissionregistration/v1/defaults.go) and validation
 * (pkg/apis/admissionregistration/validation), with its messages.
 */
import { fieldError, isDNS1035Label, isDNS1123Subdomain, isQualifiedName, labelSelectorFromObject } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { n } from "./_names.js";
import { webhookDefinitions } from "./webhook-schema.js";
import type { MutatingWebhook, MutatingWebhookConfiguration, RuleWithOperations, ValidatingWebhook, ValidatingWebhookConfiguration, WebhookClientConfig } from "./webhook-types.js";

type AnyWebhook = ValidatingWebhook & Partial<Pick<MutatingWebhook, "reinvocationPolicy">>;

export function defaultWebhook(hook: AnyWebhook, mutating: boolean): void {
  hook.failurePolicy ??= "Fail";
  hook.matchPolicy ??= "Equivalent";
  hook.namespaceSelector ??= {};
  hook.objectSelector ??= {};
  hook.timeoutSeconds ??= 10;
  if (mutating) hook.reinvocationPolicy ??= "Never";
  for (const rule of hook.rules ?? []) rule.scope ??= "*";
  if (hook.clientConfig?.service) hook.clientConfig.service.port ??= 443;
}

const operations = ["*", "CREATE", "UPDATE", "DELETE", "CONNECT"];
const scopes = ["Cluster", "Namespaced", "*"];
const reviewVersions = ["v1", "v1beta1"];

/** ValidateWebhookConfiguration: every webhook, names unique within the configuration. */
export function validateWebhookConfiguration(obj: ValidatingWebhookConfiguration | MutatingWebhookConfiguration, mutating: boolean): FieldError[] {
  const errs = validateNameRule(obj);
  const seen = new Set<string>();
  (obj.webhooks ?? []).forEach((hook, i) => {
    const path = `webhooks[${i}]`;
    errs.push(...validateWebhook(hook, path, mutating));
    if (hook.name && seen.has(hook.name)) errs.push(fieldError.duplicate(`${path}.name`, hook.name));
    seen.add(hook.name);
  });
  return errs;
}

function validateWebhook(hook: AnyWebhook, path: string, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [...fullyQualifiedName(`${path}.name`, hook.name)];
  (hook.rules ?? []).forEach((rule, i) => errs.push(...validateRule(rule, `${path}.rules[${i}]`)));
  if (hook.failurePolicy !== undefined && hook.failurePolicy !== "Fail" && hook.failurePolicy !== "Ignore") errs.push(fieldError.notSupported(`${path}.failurePolicy`, hook.failurePolicy, ["Fail", "Ignore"]));
  if (hook.matchPolicy !== undefined && hook.matchPolicy !== "Equivalent" && hook.matchPolicy !== "Exact") errs.push(fieldError.notSupported(`${path}.matchPolicy`, hook.matchPolicy, ["Equivalent", "Exact"]));
  if (hook.sideEffects === undefined || hook.sideEffects === "") errs.push(fieldError.required(`${path}.sideEffects`, `must specify one of None, NoneOnDryRun`));
  else if (hook.sideEffects !== "None" && hook.sideEffects !== "NoneOnDryRun") errs.push(fieldError.notSupported(`${path}.sideEffects`, hook.sideEffects, ["None", "NoneOnDryRun"]));
  if (hook.timeoutSeconds !== undefined && (hook.timeoutSeconds < 1 || hook.timeoutSeconds > 30)) {
    errs.push(fieldError.invalid(`${path}.timeoutSeconds`, hook.timeoutSeconds, "the timeout value must be between 1 and 30 seconds"));
  }
  for (const sel of ["namespaceSelector", "objectSelector"] as const) {
    try {
      labelSelectorFromObject(hook[sel] ?? {});
    } catch (err) {
      errs.push(fieldError.invalid(`${path}.${sel}`, hook[sel], err instanceof Error ? err.message : String(err)));
    }
  }
  errs.push(...validateReviewVersions(hook.admissionReviewVersions, `${path}.admissionReviewVersions`));
  errs.push(...validateClientConfig(hook.clientConfig, `${path}.clientConfig`));
  if (mutating && hook.reinvocationPolicy !== undefined && hook.reinvocationPolicy !== "Never" && hook.reinvocationPolicy !== "IfNeeded") {
    errs.push(fieldError.notSupported(`${path}.reinvocationPolicy`, hook.reinvocationPolicy, ["IfNeeded", "Never"]));
  }
  const conditions = hook.matchConditions ?? [];
  if (conditions.length > 64) errs.push({ type: "FieldValueTooMany", field: `${path}.matchConditions`, detail: "must have at most 64 items" });
  const names = new Set<string>();
  conditions.forEach((c, i) => {
    const p = `${path}.matchConditions[${i}]`;
    if (!c.name) errs.push(fieldError.required(`${p}.name`));
    else {
      for (const msg of isQualifiedName(c.name)) errs.push(fieldError.invalid(`${p}.name`, c.name, msg));
      if (names.has(c.name)) errs.push(fieldError.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.expression) errs.push(fieldError.required(`${p}.expression`));
  });
  return errs;
}

/** utilvalidation.IsFullyQualifiedName. */
function fullyQualifiedName(path: string, name: string | undefined): FieldError[] {
  if (!name) return [fieldError.required(path)];
  const msgs = isDNS1123Subdomain(name);
  if (msgs.length > 0) return msgs.map((m) => fieldError.invalid(path, name, m));
  if (name.split(".").length < 3) return [fieldError.invalid(path, name, "should be a domain with at least three segments separated by dots")];
  return [];
}

export function validateRule(rule: RuleWithOperations, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ops = rule.operations ?? [];
  if (ops.length === 0) errs.push(fieldError.required(`${path}.operations`));
  if (ops.length > 1 && ops.includes("*")) errs.push(fieldError.invalid(`${path}.operations`, ops, "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => {
    if (!operations.includes(op)) errs.push(fieldError.notSupported(`${path}.operations[${i}]`, op, operations));
  });
  const groups = rule.apiGroups ?? [];
  if (groups.length === 0) errs.push(fieldError.required(`${path}.apiGroups`));
  if (groups.length > 1 && groups.includes("*")) errs.push(fieldError.invalid(`${path}.apiGroups`, groups, "if '*' is present, must not specify other API groups"));
  const versions = rule.apiVersions ?? [];
  if (versions.length === 0) errs.push(fieldError.required(`${path}.apiVersions`));
  if (versions.length > 1 && versions.includes("*")) errs.push(fieldError.invalid(`${path}.apiVersions`, versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === "") errs.push(fieldError.required(`${path}.apiVersions[${i}]`));
  });
  errs.push(...validateResources(rule.resources ?? [], `${path}.resources`));
  if (rule.scope !== undefined && !scopes.includes(rule.scope)) errs.push(fieldError.notSupported(`${path}.scope`, rule.scope, scopes));
  return errs;
}

/** validateResources: "res", "res/sub", "*", "*\/sub", "res/*", "*\/*"; no overlaps with a wildcard. */
function validateResources(resources: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(fieldError.required(path));
  const withSub = new Map<string, Set<string>>();
  resources.forEach((r, i) => {
    if (r === "") {
      errs.push(fieldError.required(`${path}[${i}]`));
      return;
    }
    const [res, ...rest] = r.split("/");
    const sub = rest.join("/");
    if (rest.length > 0 && sub === "") errs.push(fieldError.invalid(`${path}[${i}]`, r, "must not have an empty subresource"));
    const subs = withSub.get(res!) ?? new Set<string>();
    subs.add(rest.length > 0 ? sub : "");
    withSub.set(res!, subs);
  });
  const all = withSub.get("*");
  if (all?.has("") && resources.length > 1 && [...withSub.entries()].some(([res, subs]) => res !== "*" && subs.has(""))) {
    errs.push(fieldError.invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
  }
  if (all?.has("*") && resources.length > 1) errs.push(fieldError.invalid(path, resources, "if '*/*' is present, must not specify other resources"));
  return errs;
}

function validateReviewVersions(versions: string[] | undefined, path: string): FieldError[] {
  if (!versions || versions.length === 0) return [fieldError.required(path, `must specify one of ${reviewVersions.join(", ")}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    for (const msg of isDNS1035Label(v)) errs.push(fieldError.invalid(`${path}[${i}]`, v, msg));
    if (seen.has(v)) errs.push(fieldError.invalid(`${path}[${i}]`, v, "duplicate version"));
    seen.add(v);
  });
  if (!versions.some((v) => reviewVersions.includes(v))) errs.push(fieldError.invalid(path, versions, `must include at least one of ${reviewVersions.join(", ")}`));
  return errs;
}

function validateClientConfig(cc: WebhookClientConfig | undefined, path: string): FieldError[] {
  if (!cc || (!cc.url && !cc.service) || (cc.url && cc.service)) return [fieldError.required(path, "exactly one of url or service is required")];
  const errs: FieldError[] = [];
  if (cc.url !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(cc.url);
    } catch {
      errs.push(fieldError.invalid(`${path}.url`, cc.url, "must be a valid URL"));
    }
    if (u) {
      if (u.protocol !== "https:") errs.push(fieldError.invalid(`${path}.url`, u.protocol.replace(/:$/, ""), "'https' is the only allowed URL scheme"));
      if (!u.host) errs.push(fieldError.invalid(`${path}.url`, u.host, "host must be specified"));
      if (u.username || u.password) errs.push(fieldError.invalid(`${path}.url`, u.username, "user information is not permitted in the URL"));
      if (u.hash) errs.push(fieldError.invalid(`${path}.url`, u.hash.slice(1), "fragments are not permitted in the URL"));
      if (u.search) errs.push(fieldError.invalid(`${path}.url`, u.search.slice(1), "query parameters are not permitted in the URL"));
    }
  }
  const svc = cc.service;
  if (svc) {
    if (!svc.name) errs.push(fieldError.required(`${path}.service.name`, "service name is required"));
    if (!svc.namespace) errs.push(fieldError.required(`${path}.service.namespace`, "service namespace is required"));
    if (svc.port !== undefined && (svc.port < 1 || svc.port > 65535)) errs.push(fieldError.invalid(`${path}.service.port`, svc.port, "port is not valid: must be between 1 and 65535, inclusive"));
    if (svc.path !== undefined && svc.path !== "") {
      if (!svc.path.startsWith("/")) errs.push(fieldError.invalid(`${path}.service.path`, svc.path, "must start with a '/'"));
      else if (svc.path.includes("//")) errs.push(fieldError.invalid(`${path}.service.path`, svc.path, "segment[1] may not be empty"));
    }
  }
  if (cc.caBundle !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(cc.caBundle)) errs.push(fieldError.invalid(`${path}.caBundle`, cc.caBundle, "must be base64-encoded"));
  return errs;
}

function webhooksTable(): TableConvertor {
  return {
    columns: [nameColumn, { name: "Webhooks", type: "integer", format: "", description: "Webhooks is a list of webhooks and the affected resources and operations.", priority: 0 }, ageColumn],
    cells(obj, now) {
      const c = obj as ValidatingWebhookConfiguration;
      return [c.metadata.name, (c.webhooks ?? []).length, translateTimestampSince(c.metadata.creationTimestamp, now)];
    },
  };
}

function webhookConfigurationResource(mutating: boolean): ResourceType {
  const kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
  return {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind,
    plural: kind.toLowerCase() + "s",
    singular: kind.toLowerCase(),
    namespaced: false,
    definition: mutating ? n.MutatingWebhookConfiguration : n.ValidatingWebhookConfiguration,
    definitions: webhookDefinitions,
    categories: ["api-extensions"],
    strategy: {
      defaults: (obj: KubeObject) => {
        for (const hook of (obj as ValidatingWebhookConfiguration).webhooks ?? []) defaultWebhook(hook, mutating);
      },
      validate: (obj: KubeObject) => validateWebhookConfiguration(obj as ValidatingWebhookConfiguration, mutating),
      table: webhooksTable(),
    },
  };
}

export const validatingWebhookConfigurationsResource = webhookConfigurationResource(false);
export const mutatingWebhookConfigurationsResource = webhookConfigurationResource(true);
