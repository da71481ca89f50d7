import type { Status } from "./status.js";

/**
 * Why a pod fits no node (framework.Diagnosis): each node's rejection, or one PreFilter
 * message that applies to all; plus what preemption (PostFilter) said.
 */
export interface Diagnosis {
  numAllNodes: number;
  nodeToStatus: ReadonlyMap<string, Status>;
  /** Set when PreFilter rejected the pod: no per-node reasons are then listed. */
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/**
 * FitError.Error(): "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated
 * taint {k: v}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for
 * scheduling." Each reason of each node counts once; "<count> <reason>" strings are sorted
 * as strings, as upstream's sort.Strings.
 */
export function fitErrorMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += sentence(d.preFilterMsg);
  else {
    const histogram = reasonHistogram(d.nodeToStatus.values());
    if (histogram.length) msg += sentence(histogram.join(", "));
  }
  if (d.postFilterMsg) msg += sentence(d.postFilterMsg);
  return msg;
}

/** " text." — without doubling a full stop the text already has. */
function sentence(text: string): string {
  return ` ${text.endsWith(".") ? text.slice(0, -1) : text}.`;
}

export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const out = [...counts].map(([reason, n]) => `${n} ${reason}`);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
