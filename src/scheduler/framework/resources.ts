import type { Container, Pod } from "../../api/index.js";
import { parseQuantity } from "../../machinery/index.js";

/**
 * Resource amounts as the scheduler adds them up (framework.Resource): cpu in millicores,
 * memory and ephemeral storage in bytes, other resources (extended, hugepages) in whole
 * units by name. "pods" is not a request; a node's pod capacity is `allowedPodNumber`.
 */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Record<string, number>;
}

export interface Allocatable extends Resources {
  allowedPodNumber: number;
}

/** For scoring, containers without requests count as this much (upstream's non-zero defaults). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

export function cloneResources(r: Resources): Resources {
  return { milliCPU: r.milliCPU, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: { ...r.scalar } };
}

function amount(name: string, value: string): number {
  try {
    const q = parseQuantity(value);
    return name === "cpu" ? q.milliValue() : q.value();
  } catch {
    return 0; // validation refuses bad quantities; a stray one counts as nothing
  }
}

/** Resources from a ResourceList (`{ cpu: "500m", memory: "1Gi" }`). */
export function resourcesFromList(list: Record<string, string> | undefined): Resources {
  const r = emptyResources();
  for (const [name, value] of Object.entries(list ?? {})) {
    const v = amount(name, value);
    if (name === "cpu") r.milliCPU += v;
    else if (name === "memory") r.memory += v;
    else if (name === "ephemeral-storage") r.ephemeralStorage += v;
    else if (name !== "pods") r.scalar[name] = (r.scalar[name] ?? 0) + v;
  }
  return r;
}

export function allocatableOf(list: Record<string, string> | undefined): Allocatable {
  const r = resourcesFromList(list);
  const pods = list?.pods;
  return { ...r, allowedPodNumber: pods ? amount("pods", pods) : 0 };
}

export function addInto(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = (into.scalar[k] ?? 0) + sign * v;
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = Math.max(into.scalar[k] ?? 0, v);
}

export function isZero(r: Resources): boolean {
  return r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && Object.values(r.scalar).every((v) => v === 0);
}

/**
 * The pod's effective request, as upstream's resourcehelper.PodRequests: the sum of its
 * containers (plus restartable "sidecar" init containers, which keep running), or the
 * largest init container step if that is bigger, plus `spec.overhead`.
 * With `nonZero`, a container without a cpu/memory request counts the scoring defaults.
 */
export function podRequests(pod: Pod, options: { nonZero?: boolean } = {}): Resources {
  const spec = pod.spec;
  const reqs = emptyResources();
  const of = (c: Container): Resources => {
    const r = resourcesFromList(c.resources?.requests);
    if (options.nonZero) {
      if (c.resources?.requests?.cpu === undefined) r.milliCPU = defaultMilliCPURequest;
      if (c.resources?.requests?.memory === undefined) r.memory = defaultMemoryRequest;
    }
    return r;
  };
  for (const c of spec?.containers ?? []) addInto(reqs, of(c));
  const restartable = emptyResources();
  const initMax = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const step = of(c);
    if (c.restartPolicy === "Always") {
      addInto(reqs, step);
      addInto(restartable, step);
      maxInto(initMax, restartable);
    } else {
      addInto(step, restartable);
      maxInto(initMax, step);
    }
  }
  maxInto(reqs, initMax);
  if (spec?.overhead) addInto(reqs, resourcesFromList(spec.overhead));
  return reqs;
}
