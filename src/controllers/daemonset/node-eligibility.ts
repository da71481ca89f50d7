// Which nodes a DaemonSet's pod belongs on, as upstream's NodeShouldRunDaemonPod
// (pkg/controller/daemon/daemon_controller.go) with the tolerations every daemon pod gets
// (pkg/controller/daemon/util/daemonset_util.go AddOrUpdateDaemonPodTolerations).
import type { Affinity, DaemonSet, Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, Taint, Toleration } from "../../api/index.js";

/** Taint keys of the node conditions (k8s.io/api/core/v1 well_known_taints.go). */
export const taintKeys = {
  notReady: "node.kubernetes.io/not-ready",
  unreachable: "node.kubernetes.io/unreachable",
  diskPressure: "node.kubernetes.io/disk-pressure",
  memoryPressure: "node.kubernetes.io/memory-pressure",
  pidPressure: "node.kubernetes.io/pid-pressure",
  unschedulable: "node.kubernetes.io/unschedulable",
  networkUnavailable: "node.kubernetes.io/network-unavailable",
} as const;

/**
 * The pod spec's tolerations plus the ones the DaemonSet controller adds to every daemon
 * pod: not-ready and unreachable (NoExecute, no tolerationSeconds, so daemon pods are never
 * evicted by the node lifecycle controller), the pressure and unschedulable taints
 * (NoSchedule), and network-unavailable for host-network pods.
 */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const out = (spec.tolerations ?? []).map((t) => ({ ...t }));
  const add = (key: string, effect: string): void => {
    const t: Toleration = { key, operator: "Exists", effect };
    if (!out.some((o) => o.key === key && o.operator === "Exists" && o.effect === effect && !o.value && o.tolerationSeconds === undefined)) out.push(t);
  };
  add(taintKeys.notReady, "NoExecute");
  add(taintKeys.unreachable, "NoExecute");
  add(taintKeys.diskPressure, "NoSchedule");
  add(taintKeys.memoryPressure, "NoSchedule");
  add(taintKeys.pidPressure, "NoSchedule");
  add(taintKeys.unschedulable, "NoSchedule");
  if (spec.hostNetwork) add(taintKeys.networkUnavailable, "NoSchedule");
  return out;
}

/** Toleration.ToleratesTaint (k8s.io/api/core/v1 toleration.go). */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "Equal") {
    case "Exists":
      return true;
    case "":
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

/** The first taint passing `filter` that no toleration tolerates. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerations.some((t) => toleratesTaint(t, taint)));
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0] ?? "", 10);
      if (!/^-?\d+$/.test(value) || Number.isNaN(want)) return false;
      return req.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** One NodeSelectorTerm: all expressions and fields hold; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, Object.hasOwn(labels, e.key) ? labels[e.key] : undefined)) return false;
  for (const f of fields) {
    // metadata.name is the only supported field (upstream's nodeaffinity.nodeFieldSelectorKeys).
    if (f.key !== "metadata.name") return false;
    if (!requirementMatches(f, node.metadata.name)) return false;
  }
  return true;
}

export function nodeSelectorMatches(selector: NodeSelector | undefined, node: Node): boolean {
  if (!selector) return true;
  return (selector.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** spec.nodeSelector and required node affinity (nodeaffinity.GetRequiredNodeAffinity(pod).Match). */
export function requiredNodeAffinityMatches(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  return nodeSelectorMatches(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, node);
}

export interface NodeEligibility {
  /** A daemon pod should be created here if there is none. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (it tolerates the NoExecute taints). */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod: node name, node selector/affinity, then taints against the daemon tolerations. */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodeEligibility {
  const spec = ds.spec?.template?.spec ?? ({ containers: [] } as PodSpec);
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = daemonPodTolerations(spec);
  if (untoleratedTaint(taints, tolerations, (t) => t.effect === "NoSchedule" || t.effect === "NoExecute")) {
    return { shouldRun: false, shouldContinueRunning: !untoleratedTaint(taints, tolerations, (t) => t.effect === "NoExecute") };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * The affinity a daemon pod is created with: its required node affinity replaced by one
 * term selecting exactly `nodeName` by `metadata.name` (ReplaceDaemonSetPodNodeNameNodeAffinity),
 * so the default scheduler places it on that node.
 */
export function withNodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term: NodeSelectorTerm = { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] };
  const out: Affinity = { ...(affinity ?? {}) };
  out.nodeAffinity = { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } };
  return out;
}

/** The node a daemon pod is for: spec.nodeName, or the single name its node affinity selects (GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
