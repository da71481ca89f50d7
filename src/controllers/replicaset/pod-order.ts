// Which pods a replica controller deletes first when it scales down: upstream's
// ActivePodsWithRanks ordering (pkg/controller/controller_utils.go) with pod-deletion-cost
// and LogarithmicScaleDown, both on by default.
import type { Pod } from "../../api/index.js";
import { isPodActive, isPodReady, podReadyCondition } from "./_pods.js";

/** The annotation that lets users rank pods for deletion (lower cost goes first). */
export const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

interface Ranked {
  pod: Pod;
  /** Active related pods on the same node ("doubled up" pods go first). */
  rank: number;
}

function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[podDeletionCostAnnotation];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readyTimeMs(pod: Pod): number {
  const c = podReadyCondition(pod);
  if (c?.status !== "True" || !c.lastTransitionTime) return 0;
  return Date.parse(c.lastTransitionTime) || 0;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

/** log2 bucket of an age, in nanoseconds as upstream (-1 for "not in the past"). */
function logRank(tMs: number, nowMs: number): number {
  const d = (nowMs - tMs) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** Compares two timestamps the way afterOrZero / logarithmicRankDiff do: true if `a` goes first. */
function newerFirst(aMs: number, bMs: number, aUid: string, bUid: string, nowMs: number): boolean | undefined {
  if (aMs === bMs) return undefined;
  if (!aMs || !bMs) return !aMs;
  const diff = logRank(aMs, nowMs) - logRank(bMs, nowMs);
  if (diff === 0) return aUid < bUid;
  return diff < 0;
}

/** True if `a` should be deleted before `b` (ActivePodsWithRanks.Less). */
function less(a: Ranked, b: Ranked, nowMs: number): boolean {
  const an = a.pod.spec?.nodeName ?? "";
  const bn = b.pod.spec?.nodeName ?? "";
  // 1. Unassigned < assigned.
  if (an !== bn && (an === "" || bn === "")) return an === "";
  // 2. Pending < Unknown < Running.
  const ap = phaseOrdinal[a.pod.status?.phase ?? ""] ?? 0;
  const bp = phaseOrdinal[b.pod.status?.phase ?? ""] ?? 0;
  if (ap !== bp) return ap < bp;
  // 3. Not ready < ready.
  const ar = isPodReady(a.pod);
  const br = isPodReady(b.pod);
  if (ar !== br) return !ar;
  // 4. Lower pod-deletion-cost < higher.
  const ac = deletionCost(a.pod);
  const bc = deletionCost(b.pod);
  if (ac !== bc) return ac < bc;
  // 5. Doubled up (more related pods on the node) < not doubled up.
  if (a.rank !== b.rank) return a.rank > b.rank;
  const aUid = a.pod.metadata.uid ?? "";
  const bUid = b.pod.metadata.uid ?? "";
  // 6. Ready for less time < more time (log scale).
  if (ar && br) {
    const r = newerFirst(readyTimeMs(a.pod), readyTimeMs(b.pod), aUid, bUid, nowMs);
    if (r !== undefined) return r;
  }
  // 7. More container restarts < fewer.
  const aRestarts = maxRestarts(a.pod);
  const bRestarts = maxRestarts(b.pod);
  if (aRestarts !== bRestarts) return aRestarts > bRestarts;
  // 8. Newer < older (log scale; empty creation time first).
  const created = (p: Pod) => (p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) || 0 : 0);
  const r = newerFirst(created(a.pod), created(b.pod), aUid, bUid, nowMs);
  return r ?? false;
}

/**
 * The `count` pods of `pods` to delete first (getPodsToDelete): ranked by how many of
 * `related` (this controller's pods and its siblings', e.g. every ReplicaSet of one
 * Deployment) share their node, then ordered as upstream's ActivePodsWithRanks.
 *
 *   podsToDelete(pods, pods, 2, Date.now()) // the two least useful pods
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, nowMs: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? "";
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked: Ranked[] = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? "") ?? 0 }));
  ranked.sort((a, b) => (less(a, b, nowMs) ? -1 : less(b, a, nowMs) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}
