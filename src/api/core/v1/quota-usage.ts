/**
 * Quota usage of objects (pkg/quota/v1/evaluator/core and generic): what one pod, service,
 * claim or other object counts against a ResourceQuota, which quota resources an object kind
 * can be charged for, and whether a quota's scopes select it. Shared by the ResourceQuota
 * admission plugin and the resource quota controller so both count the same way.
 */
import { parseQuantity, Quantity } from "../../../machinery/index.js";
import type { Pod } from "./pod-types.js";
import type { Container } from "./container-types.js";
import type { ResourceQuota, ScopedResourceSelectorRequirement } from "./quota-types.js";
import type { Service } from "./service-types.js";
import { podQOSClass } from "./pod-qos.js";

/** A ResourceList as parsed quantities. */
export type ResourceList = Map<string, Quantity>;

export function parseResourceList(list: Record<string, string> | undefined): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, q] of Object.entries(list ?? {})) {
    try {
      out.set(name, parseQuantity(String(q)));
    } catch {
      // Validation refuses bad quantities; one that slipped in counts as absent.
    }
  }
  return out;
}

export function formatResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort()) out[name] = list.get(name)!.toString();
  return out;
}

/** list += other, per resource. */
export function addResources(list: ResourceList, other: ResourceList): void {
  for (const [name, q] of other) list.set(name, list.get(name)?.add(q) ?? q);
}

/** list = max(list, other), per resource in other. */
export function maxResources(list: ResourceList, other: ResourceList): void {
  for (const [name, q] of other) {
    const cur = list.get(name);
    if (!cur || q.cmp(cur) > 0) list.set(name, q);
  }
}

/**
 * A pod's effective requests or limits (resourcehelper.PodRequests/PodLimits): its containers
 * and sidecars summed, at least its largest init container (with the sidecars started before
 * it), plus `spec.overhead` when asked.
 */
export function podResourceList(pod: Pod, which: "requests" | "limits", options: { overhead?: boolean } = {}): ResourceList {
  const total: ResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) addResources(total, parseResourceList(c.resources?.[which]));
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = parseResourceList(c.resources?.[which]);
    if (c.restartPolicy === "Always") {
      addResources(total, own);
      addResources(sidecars, own);
      maxResources(initMax, sidecars);
    } else {
      const withSidecars: ResourceList = new Map(own);
      addResources(withSidecars, sidecars);
      maxResources(initMax, withSidecars);
    }
  }
  maxResources(total, initMax);
  if (options.overhead) addResources(total, parseResourceList(pod.spec?.overhead));
  return total;
}

const one = (): Quantity => Quantity.of(1);

/** `count/<plural>` for the core group, `count/<plural>.<group>` otherwise. */
export function objectCountName(group: string, plural: string): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

// Core kinds whose object count also has a legacy name without the count/ prefix.
const legacyCountNames: Record<string, string> = {
  configmaps: "configmaps",
  secrets: "secrets",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
  persistentvolumeclaims: "persistentvolumeclaims",
};

const podComputeResources = ["cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "count/pods"];
const isExtendedResource = (name: string): boolean => name.includes("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests.") && !name.startsWith("limits.");

/** QuotaV1Pod: terminal pods, and pods past their deletion grace period, use no compute quota. */
export function podUsesComputeQuota(pod: Pod, now: Date): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  const deletion = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && now.getTime() > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

/** podComputeUsageHelper: what requests and limits count as. */
function podComputeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([["pods", one()]]);
  for (const r of ["cpu", "memory", "ephemeral-storage"]) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [name, q] of requests) {
    if (name.startsWith("hugepages-")) {
      out.set(name, q);
      out.set(`requests.${name}`, q);
    } else if (isExtendedResource(name)) out.set(`requests.${name}`, q);
  }
  return out;
}

/** The quota usage of one object of `group/plural` (evaluator.Usage). */
export function quotaUsage(group: string, plural: string, obj: unknown, now: Date): ResourceList {
  const usage: ResourceList = new Map([[objectCountName(group, plural), one()]]);
  if (group === "" && plural === "pods") {
    const pod = obj as Pod;
    if (!podUsesComputeQuota(pod, now)) return usage;
    addResources(usage, podComputeUsage(podResourceList(pod, "requests", { overhead: true }), podResourceList(pod, "limits", { overhead: true })));
    return usage;
  }
  if (group === "" && plural === "services") {
    const svc = obj as Service;
    usage.set("services", one());
    const ports = svc.spec?.ports?.length ?? 0;
    if (svc.spec?.type === "NodePort") usage.set("services.nodeports", Quantity.of(ports));
    if (svc.spec?.type === "LoadBalancer") {
      usage.set("services.nodeports", Quantity.of(svc.spec.allocateLoadBalancerNodePorts === false ? 0 : ports));
      usage.set("services.loadbalancers", one());
    }
    return usage;
  }
  if (group === "" && plural === "persistentvolumeclaims") {
    const pvc = obj as { spec?: { storageClassName?: string; resources?: { requests?: Record<string, string> } } };
    usage.set("persistentvolumeclaims", one());
    const storage = parseResourceList(pvc.spec?.resources?.requests).get("storage");
    if (storage) usage.set("requests.storage", storage);
    const cls = pvc.spec?.storageClassName;
    if (cls) {
      usage.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, one());
      if (storage) usage.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
    }
    return usage;
  }
  if (group === "" && legacyCountNames[plural]) usage.set(legacyCountNames[plural], one());
  return usage;
}

/** MatchingResources: of `names`, the quota resources an object of `group/plural` can be charged for. */
export function matchingQuotaResources(group: string, plural: string, names: Iterable<string>): string[] {
  const count = objectCountName(group, plural);
  return [...names].filter((name) => {
    if (name === count) return true;
    if (group !== "") return false;
    switch (plural) {
      case "pods":
        return podComputeResources.includes(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-") || (name.startsWith("requests.") && isExtendedResource(name.slice("requests.".length)));
      case "services":
        return name === "services" || name === "services.nodeports" || name === "services.loadbalancers";
      case "persistentvolumeclaims":
        return name === "persistentvolumeclaims" || name === "requests.storage" || /\.storageclass\.storage\.k8s\.io\/(persistentvolumeclaims|requests\.storage)$/.test(name);
      default:
        return legacyCountNames[plural] === name;
    }
  });
}

// The resources whose quota requires each container to state them (the backward-compatible rule).
const constrainedPodResources = new Set(["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]);

/**
 * podEvaluator.Constraints: when a quota tracks cpu or memory requests or limits, every
 * container must state them. Returns upstream's message, or undefined.
 */
export function podQuotaConstraints(required: string[], pod: Pod): string | undefined {
  const needed = required.filter((r) => constrainedPodResources.has(r));
  if (needed.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  const check = (c: Container) => {
    const usage = podComputeUsage(parseResourceList(c.resources?.requests), parseResourceList(c.resources?.limits));
    for (const r of needed) if (!usage.has(r)) (missing.get(r) ?? missing.set(r, new Set()).get(r)!).add(c.name);
  };
  for (const c of pod.spec?.containers ?? []) check(c);
  for (const c of pod.spec?.initContainers ?? []) check(c);
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}

/** The quota's scopes as selector requirements: `spec.scopes` (Exists) and `spec.scopeSelector`. */
export function quotaScopeRequirements(q: ResourceQuota): ScopedResourceSelectorRequirement[] {
  return [...(q.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: "Exists" })), ...(q.spec?.scopeSelector?.matchExpressions ?? [])];
}

function podMatchesScope(req: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  const spec = pod.spec ?? { containers: [] };
  const terminating = spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null && spec.activeDeadlineSeconds >= 0;
  switch (req.scopeName) {
    case "Terminating":
      return terminating;
    case "NotTerminating":
      return !terminating;
    case "BestEffort":
      return podQOSClass(spec) === "BestEffort";
    case "NotBestEffort":
      return podQOSClass(spec) !== "BestEffort";
    case "PriorityClass": {
      const name = spec.priorityClassName ?? "";
      switch (req.operator) {
        case "Exists":
          return name !== "";
        case "DoesNotExist":
          return name === "";
        case "In":
          return (req.values ?? []).includes(name);
        case "NotIn":
          return !(req.values ?? []).includes(name);
      }
      return false;
    }
    case "CrossNamespacePodAffinity": {
      const terms = [
        ...(spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(spec.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
        ...(spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
      ];
      return terms.some((t) => (t?.namespaces?.length ?? 0) > 0 || t?.namespaceSelector !== undefined);
    }
  }
  return false;
}

/** Whether `obj` of `group/plural` falls under the quota's scopes; only pods can match a scoped quota. */
export function quotaScopesMatch(q: ResourceQuota, group: string, plural: string, obj: unknown): boolean {
  const reqs = quotaScopeRequirements(q);
  if (reqs.length === 0) return true;
  if (group !== "" || plural !== "pods") return false;
  return reqs.every((r) => podMatchesScope(r, obj as Pod));
}

/** Whether the quota charges `obj` at all (evaluator.Matches): a tracked resource it uses, and its scopes. */
export function quotaMatches(q: ResourceQuota, group: string, plural: string, obj: unknown, hard: Iterable<string>): boolean {
  return matchingQuotaResources(group, plural, hard).length > 0 && quotaScopesMatch(q, group, plural, obj);
}

/** Sorted `name=value` pairs joined by commas (prettyPrint). */
export function prettyPrintResources(list: ResourceList): string {
  return [...list.keys()].sort().map((k) => `${k}=${list.get(k)!.toString()}`).join(",");
}

