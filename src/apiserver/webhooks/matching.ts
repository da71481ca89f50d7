/**
 * Which webhooks a request goes to (upstream's webhook/predicates): the rules'
 * operations, groups, versions, resources/subresources and scope; the namespace and
 * object selectors; never the admission configuration objects themselves, so a broken
 * webhook can always be removed.
 */
import type { KubeObject, LabelSelector, RuleWithOperations } from "../../api/index.js";

/** What carries the two selectors: a webhook, a policy's matchConstraints, a binding's matchResources. */
export interface Selectors {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}
import { labelSelectorFromObject } from "../../machinery/index.js";
import type { AdmissionAttributes } from "../admission-chain.js";
import { decodeObject, objectKey } from "../object-store.js";

const exemptResources = new Set([
  "validatingwebhookconfigurations",
  "mutatingwebhookconfigurations",
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
  "mutatingadmissionpolicies",
  "mutatingadmissionpolicybindings",
]);

export function isExemptFromWebhooks(attrs: AdmissionAttributes): boolean {
  return attrs.rt.group === "admissionregistration.k8s.io" && exemptResources.has(attrs.rt.plural);
}

export function rulesMatch(rules: readonly RuleWithOperations[] | undefined, attrs: AdmissionAttributes): boolean {
  return (rules ?? []).some((rule) => ruleMatches(rule, attrs));
}

export function ruleMatches(rule: RuleWithOperations, attrs: AdmissionAttributes): boolean {
  const { rt } = attrs;
  const any = (list: readonly string[] | undefined, value: string) => (list ?? []).some((v) => v === "*" || v === value);
  if (!any(rule.operations, attrs.operation)) return false;
  if (!any(rule.apiGroups, rt.group)) return false;
  if (!any(rule.apiVersions, rt.version)) return false;
  const resourceMatch = (rule.resources ?? []).some((r) => {
    const slash = r.indexOf("/");
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? "" : r.slice(slash + 1);
    return (res === "*" || res === rt.plural) && (sub === "*" || sub === attrs.subresource);
  });
  if (!resourceMatch) return false;
  const isNamespaceObject = rt.group === "" && rt.plural === "namespaces";
  switch (rule.scope ?? "*") {
    case "Namespaced":
      return !isNamespaceObject && rt.namespaced;
    case "Cluster":
      return isNamespaceObject || !rt.namespaced;
    default:
      return true;
  }
}

/** objectSelector: the new or the old object's labels match (an empty selector matches everything). */
export function objectSelectorMatches(hook: Selectors, attrs: AdmissionAttributes): boolean {
  const selector = hook.objectSelector;
  if (isEmptySelector(selector)) return true;
  const parsed = labelSelectorFromObject(selector);
  return [attrs.object, attrs.oldObject].some((o) => o !== undefined && parsed.matches(o.metadata.labels ?? {}));
}

/**
 * namespaceSelector: the labels of the request's namespace (of the Namespace itself for
 * namespaces); cluster-scoped objects other than namespaces always match.
 */
export async function namespaceSelectorMatches(hook: Selectors, attrs: AdmissionAttributes): Promise<boolean> {
  const selector = hook.namespaceSelector;
  if (isEmptySelector(selector)) return true;
  const parsed = labelSelectorFromObject(selector);
  const { rt } = attrs;
  if (rt.group === "" && rt.plural === "namespaces") {
    const ns = attrs.object ?? attrs.oldObject;
    return parsed.matches(ns?.metadata.labels ?? {});
  }
  if (!rt.namespaced) return true;
  const labels = (await namespaceOf(attrs))?.metadata.labels ?? {};
  return parsed.matches(labels);
}

export async function namespaceOf(attrs: AdmissionAttributes): Promise<KubeObject | undefined> {
  const nsType = attrs.server.registry.get("", "v1", "namespaces");
  if (!nsType || !attrs.namespace) return undefined;
  const got = await attrs.server.store.get(objectKey(nsType, "", attrs.namespace));
  return got.kv ? decodeObject(got.kv) : undefined;
}

function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}
