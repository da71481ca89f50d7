import type { NodeInfo } from "../../framework/node-info.js";
import { maxNodeScore, type Plugin } from "../../framework/plugin.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { isZero } from "../../framework/resources.js";
import { success, unresolvable, unschedulable } from "../../framework/status.js";

/**
 * NodeResourcesFit: Filter checks the pod's requests (see `podRequests`: init containers
 * and overhead counted as upstream) and one more pod against what is left of the node's
 * allocatable; Score is the LeastAllocated strategy (cpu and memory, weight 1 each, with
 * the non-zero request defaults).
 */
export interface InsufficientResource {
  resourceName: string;
  reason: string;
  /** The request is more than the node has at all: no preemption can help. */
  unresolvable: boolean;
}

export function insufficientResources(pod: PodInfo, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = node.allocatable;
  if (node.pods.length + 1 > alloc.allowedPodNumber) out.push({ resourceName: "pods", reason: "Too many pods", unresolvable: false });
  const req = pod.requests;
  if (isZero(req)) return out;
  const used = node.requested;
  const check = (name: string, want: number, have: number, inUse: number): void => {
    if (want > 0 && want > have - inUse) out.push({ resourceName: name, reason: `Insufficient ${name}`, unresolvable: want > have });
  };
  check("cpu", req.milliCPU, alloc.milliCPU, used.milliCPU);
  check("memory", req.memory, alloc.memory, used.memory);
  check("ephemeral-storage", req.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
  for (const [name, want] of Object.entries(req.scalar)) check(name, want, alloc.scalar[name] ?? 0, used.scalar[name] ?? 0);
  return out;
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

export const nodeResourcesFit: Plugin = {
  name: "NodeResourcesFit",
  events: ["NodeAdd", "NodeUpdate", "AssignedPodDelete", "AssignedPodUpdate"],
  filter(_ctx, pod, node) {
    const missing = insufficientResources(pod, node);
    if (missing.length === 0) return success;
    const reasons = missing.map((m) => m.reason);
    return missing.some((m) => m.unresolvable) ? unresolvable(...reasons) : unschedulable(...reasons);
  },
  score(_ctx, pod, node) {
    const pairs: Array<[number, number]> = [
      [node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU, node.allocatable.milliCPU],
      [node.nonZeroRequested.memory + pod.nonZeroRequests.memory, node.allocatable.memory],
    ];
    let total = 0;
    let weights = 0;
    for (const [requested, allocatable] of pairs) {
      if (allocatable === 0) continue;
      total += leastRequestedScore(requested, allocatable);
      weights++;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  },
};
