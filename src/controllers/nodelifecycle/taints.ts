// Taints and tolerations as upstream's helpers (k8s.io/api core/v1 toleration.go,
// pkg/util/taints, pkg/controller/tainteviction getMinTolerationTime).
import type { Node, NodeCondition, Taint, Toleration } from "../../api/index.js";

export const taintNodeNotReady = "node.kubernetes.io/not-ready";
export const taintNodeUnreachable = "node.kubernetes.io/unreachable";
export const taintNodeUnschedulable = "node.kubernetes.io/unschedulable";
export const taintNodeMemoryPressure = "node.kubernetes.io/memory-pressure";
export const taintNodeDiskPressure = "node.kubernetes.io/disk-pressure";
export const taintNodePIDPressure = "node.kubernetes.io/pid-pressure";
export const taintNodeNetworkUnavailable = "node.kubernetes.io/network-unavailable";
export const taintNodeOutOfService = "node.kubernetes.io/out-of-service";

/** Toleration.ToleratesTaint: effect and key match (empty matches all), then Exists or an equal value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "") {
    case "":
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** GetMatchingTolerations: whether every taint is tolerated, and the first toleration used for each. */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/** getMinTolerationTime in ms: the shortest tolerationSeconds; -1 means "forever" (none set). */
export function minTolerationMs(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute");
}

export function nodeCondition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The taints this controller owns: condition taints of both effects and the unschedulable one. */
export function isControllerTaint(t: Taint): boolean {
  if (t.effect === "NoExecute") return t.key === taintNodeNotReady || t.key === taintNodeUnreachable;
  if (t.effect !== "NoSchedule") return false;
  return [taintNodeNotReady, taintNodeUnreachable, taintNodeUnschedulable, taintNodeMemoryPressure, taintNodeDiskPressure, taintNodePIDPressure, taintNodeNetworkUnavailable].includes(t.key);
}
