/**
 * The pod's QoS class, after pkg/apis/core/helper/qos (GetPodQOS): BestEffort without any
 * cpu/memory request or limit; Guaranteed when every container limits both cpu and memory
 * and requests equal limits; Burstable otherwise.
 */
import type { Container } from "./container-types.js";
import type { PodSpec } from "./pod-types.js";

const computeResources = ["cpu", "memory"];
const isZero = (q: string): boolean => /^[+]?0*(\.0*)?([a-zA-Z]{0,2}|[eE][-+]?\d+)?$/.test(q);

export type QOSClass = "Guaranteed" | "Burstable" | "BestEffort";

export function podQOSClass(spec: PodSpec): QOSClass {
  const containers: Container[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const requests = new Map<string, string>();
  const limits = new Map<string, string>();
  let guaranteed = true;
  const podLevel = spec.resources;
  const sources = podLevel && (podLevel.requests || podLevel.limits) ? [{ resources: podLevel }] : containers;
  for (const c of sources) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of computeResources) {
      if (req[r] !== undefined && !isZero(req[r])) requests.set(r, req[r]);
      if (lim[r] !== undefined && !isZero(lim[r])) limits.set(r, lim[r]);
    }
    const limited = computeResources.filter((r) => lim[r] !== undefined && !isZero(lim[r]));
    if (limited.length !== computeResources.length) guaranteed = false;
    for (const r of computeResources) if (req[r] !== undefined && req[r] !== lim[r]) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
