import { maxNodeScore, type Plugin } from "../../framework/plugin.js";
import { skip, success } from "../../framework/status.js";

/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in
 * equal fractions after placing the pod (score = (1 − std of the fractions) × 100), using
 * actual requests. Skipped for pods that request neither.
 */
export const balancedAllocation: Plugin = {
  name: "NodeResourcesBalancedAllocation",
  events: ["NodeAdd", "NodeUpdate", "AssignedPodDelete"],
  preScore(_ctx, pod) {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? skip : success;
  },
  score(_ctx, pod, node) {
    const fractions: number[] = [];
    const add = (requested: number, allocatable: number): void => {
      if (allocatable === 0) return;
      fractions.push(Math.min(1, requested / allocatable));
    };
    add(node.requested.milliCPU + pod.requests.milliCPU, node.allocatable.milliCPU);
    add(node.requested.memory + pod.requests.memory, node.allocatable.memory);
    let std = 0;
    if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
    else if (fractions.length > 2) {
      const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
      std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
    }
    return Math.trunc((1 - std) * maxNodeScore);
  },
};
