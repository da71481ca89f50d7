import type { Container, LimitRange, LimitRangeItem, Pod } from "../../api/index.js";
import type { Quantity } from "../../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { aggregate, forbidden, listStored } from "./_lookup.js";
import { parseList, podResources, type ResourceList } from "./_resources.js";

const limitRangerAnnotation = "kubernetes.io/limit-ranger";

/**
 * The LimitRanger admission plugin (plugin/pkg/admission/limitranger): on pod creation it
 * fills containers' missing requests and limits from the namespace's LimitRanges
 * (`default`, `defaultRequest`), then refuses pods and PersistentVolumeClaims outside their
 * `min`, `max` and `maxLimitRequestRatio`, with upstream's messages.
 */
export const limitRanger: AdmissionPlugin = {
  name: "LimitRanger",
  async admit(attrs) {
    if (!supports(attrs)) return;
    const ranges = await limitRangesFor(attrs);
    if (attrs.rt.plural !== "pods") return;
    for (const lr of ranges) mergePodDefaults(attrs.object as Pod, lr);
  },
  async validate(attrs) {
    if (!supports(attrs)) return;
    const ranges = await limitRangesFor(attrs);
    for (const lr of ranges) {
      const errs = attrs.rt.plural === "pods" ? validatePod(lr, attrs.object as Pod) : validateClaim(lr, attrs.object as { spec?: { resources?: { requests?: Record<string, string> } } });
      if (errs.length > 0) throw forbidden(attrs, aggregate(errs));
    }
  },
};

// SupportsAttributes: pods on create, PVCs on create and update, never subresources.
function supports(attrs: AdmissionAttributes): boolean {
  if (attrs.rt.group !== "" || attrs.subresource !== "" || !attrs.object) return false;
  if (attrs.operation === "CREATE" && attrs.rt.plural === "pods") return true;
  return (attrs.operation === "CREATE" || attrs.operation === "UPDATE") && attrs.rt.plural === "persistentvolumeclaims";
}

async function limitRangesFor(attrs: AdmissionAttributes): Promise<LimitRange[]> {
  // Objects already being deleted are left alone.
  if (attrs.oldObject?.metadata.deletionTimestamp) return [];
  return listStored<LimitRange>(attrs.server, { group: "", version: "v1", plural: "limitranges", namespace: attrs.namespace });
}

/** PodMutateLimitFunc: defaultRequest/default of Container items fill what containers leave out. */
export function mergePodDefaults(pod: Pod, lr: LimitRange): void {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== "Container") continue;
    Object.assign(requests, item.defaultRequest);
    Object.assign(limits, item.default);
  }
  const notes: string[] = [];
  const merge = (c: Container, prefix: string) => {
    const res = (c.resources ??= {});
    const setLimits = Object.keys(limits).filter((k) => res.limits?.[k] === undefined).sort();
    const setRequests = Object.keys(requests).filter((k) => res.requests?.[k] === undefined).sort();
    for (const k of setLimits) (res.limits ??= {})[k] = limits[k];
    for (const k of setRequests) (res.requests ??= {})[k] = requests[k];
    if (setRequests.length > 0) notes.push(`${setRequests.join(", ")} request for ${prefix} ${c.name}`);
    if (setLimits.length > 0) notes.push(`${setLimits.join(", ")} limit for ${prefix} ${c.name}`);
  };
  for (const c of pod.spec?.containers ?? []) merge(c, "container");
  for (const c of pod.spec?.initContainers ?? []) merge(c, "init container");
  if (notes.length > 0) (pod.metadata.annotations ??= {})[limitRangerAnnotation] = `LimitRanger plugin set: ${notes.join("; ")}`;
}

/** PodValidateLimitFunc: every container (and init container) against Container items, the pod's totals against Pod items. */
export function validatePod(lr: LimitRange, pod: Pod): string[] {
  const errs: string[] = [];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type === "Container") {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        errs.push(...checkItem(item, parseList(c.resources?.requests), parseList(c.resources?.limits)));
      }
    }
    if (item.type === "Pod") errs.push(...checkItem(item, podResources(pod, "requests"), podResources(pod, "limits")));
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc: min and max apply to the claim's storage requests only. */
export function validateClaim(lr: LimitRange, pvc: { spec?: { resources?: { requests?: Record<string, string> } } }): string[] {
  const errs: string[] = [];
  const requests = parseList(pvc.spec?.resources?.requests);
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== "PersistentVolumeClaim") continue;
    for (const [name, enforced] of parseList(item.min)) {
      const err = minConstraint(item.type, name, enforced, requests, new Map());
      if (err) errs.push(err);
    }
    for (const [name, enforced] of parseList(item.max)) {
      const req = requests.get(name);
      if (!req) errs.push(`maximum ${name} usage per ${item.type} is ${enforced}.  No request is specified`);
      else if (req.cmp(enforced) > 0) errs.push(`maximum ${name} usage per ${item.type} is ${enforced}, but request is ${req}`);
    }
  }
  return errs;
}

function checkItem(item: LimitRangeItem, requests: ResourceList, limits: ResourceList): string[] {
  const errs: string[] = [];
  for (const [name, enforced] of parseList(item.min)) {
    const err = minConstraint(item.type, name, enforced, requests, limits);
    if (err) errs.push(err);
  }
  for (const [name, enforced] of parseList(item.max)) {
    const err = maxConstraint(item.type, name, enforced, requests, limits);
    if (err) errs.push(err);
  }
  for (const [name, enforced] of parseList(item.maxLimitRequestRatio)) {
    const err = ratioConstraint(item.type, name, enforced, requests, limits);
    if (err) errs.push(err);
  }
  return errs;
}

function minConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!req) return `minimum ${name} usage per ${type} is ${enforced}.  No request is specified`;
  if (req.cmp(enforced) < 0) return `minimum ${name} usage per ${type} is ${enforced}, but request is ${req}`;
  if (lim && lim.cmp(enforced) < 0) return `minimum ${name} usage per ${type} is ${enforced}, but limit is ${lim}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!lim) return `maximum ${name} usage per ${type} is ${enforced}.  No limit is specified`;
  if (lim.cmp(enforced) > 0) return `maximum ${name} usage per ${type} is ${enforced}, but limit is ${lim}`;
  if (req && req.cmp(enforced) > 0) return `maximum ${name} usage per ${type} is ${enforced}, but request is ${req}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!req || req.isZero) return `${name} max limit to request ratio per ${type} is ${enforced}, but no request is specified or request is 0`;
  if (!lim || lim.isZero) return `${name} max limit to request ratio per ${type} is ${enforced}, but no limit is specified or limit is 0`;
  const observed = lim.milliValue() / req.milliValue();
  if (observed * 1000 > enforced.milliValue()) return `${name} max limit to request ratio per ${type} is ${enforced}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}
