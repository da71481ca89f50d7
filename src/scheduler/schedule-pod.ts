import type { Nominator } from "./cache/nominator.js";
import type { Diagnosis } from "./framework/fit-error.js";
import type { Framework } from "./framework/framework.js";
import type { NodeInfo } from "./framework/node-info.js";
import type { CycleContext, PriorityOf } from "./framework/plugin.js";
import type { PodInfo } from "./framework/pod-info.js";
import type { Snapshot } from "./framework/snapshot.js";
import { isSuccess, statusMessage, unresolvable, type Status } from "./framework/status.js";

export const errNoNodesAvailable = "no nodes available to schedule pods";

export interface SchedulePodInput {
  framework: Framework;
  snapshot: Snapshot;
  pod: PodInfo;
  priorityOf: PriorityOf;
  nominator?: Nominator;
  /** Where the search over nodes starts (the previous cycle's end), so nodes take turns. */
  startIndex?: number;
  /** In [0, 1): breaks ties between the best-scoring nodes. */
  random?: () => number;
}

export type SchedulePodResult =
  | { kind: "scheduled"; nodeName: string; evaluatedNodes: number; feasibleNodes: number; nextStartIndex: number }
  | { kind: "unschedulable"; ctx: CycleContext; diagnosis: Diagnosis; nextStartIndex: number };

const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/** numFeasibleNodesToFind with the adaptive default percentage (50% − nodes/125, at least 5%). */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  const percentage = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(minFeasibleNodesToFind, Math.trunc((numAllNodes * percentage) / 100));
}

/**
 * One scheduling cycle's decision (schedulePod): PreFilter, then Filter node by node until
 * enough feasible nodes are found, then Score and pick the best (ties at random). Pure
 * over the snapshot: no API calls, no changes to the cache.
 */
export function schedulePod(input: SchedulePodInput): SchedulePodResult {
  const { framework, snapshot, pod } = input;
  const nodes = snapshot.nodes();
  const start = nodes.length ? (input.startIndex ?? 0) % nodes.length : 0;
  const ctx = framework.newCycle(snapshot);
  if (nodes.length === 0) {
    return { kind: "unschedulable", ctx, diagnosis: { numAllNodes: 0, nodeToStatus: new Map(), preFilterMsg: errNoNodesAvailable }, nextStartIndex: 0 };
  }
  const pre = framework.runPreFilter(ctx, pod);
  if (!isSuccess(pre)) {
    const nodeToStatus = new Map<string, Status>(nodes.map((n) => [n.name, pre]));
    return { kind: "unschedulable", ctx, diagnosis: { numAllNodes: nodes.length, nodeToStatus, preFilterMsg: statusMessage(pre) }, nextStartIndex: start };
  }

  // A pod nominated by an earlier preemption tries that node first.
  const nominated = pod.pod.status?.nominatedNodeName;
  const nominatedInfo = nominated ? snapshot.get(nominated) : undefined;
  if (nominatedInfo && isSuccess(filterWithNominated(input, ctx, nominatedInfo))) {
    return { kind: "scheduled", nodeName: nominatedInfo.name, evaluatedNodes: 1, feasibleNodes: 1, nextStartIndex: start };
  }

  const wanted = numFeasibleNodesToFind(nodes.length);
  const feasible: NodeInfo[] = [];
  const nodeToStatus = new Map<string, Status>();
  let processed = 0;
  for (; processed < nodes.length && feasible.length < wanted; processed++) {
    const node = nodes[(start + processed) % nodes.length];
    const s = filterWithNominated(input, ctx, node);
    if (isSuccess(s)) feasible.push(node);
    else nodeToStatus.set(node.name, s);
  }
  const nextStartIndex = (start + processed) % nodes.length;
  if (feasible.length === 0) return { kind: "unschedulable", ctx, diagnosis: { numAllNodes: nodes.length, nodeToStatus }, nextStartIndex };
  if (feasible.length === 1) return { kind: "scheduled", nodeName: feasible[0].name, evaluatedNodes: processed, feasibleNodes: 1, nextStartIndex };

  const scores = framework.runScore(ctx, pod, feasible);
  const random = input.random ?? Math.random;
  // selectHost: the highest total; among equals, each is equally likely (reservoir sampling).
  let best = scores[0];
  let ties = 1;
  for (const s of scores.slice(1)) {
    if (s.score > best.score) {
      best = s;
      ties = 1;
    } else if (s.score === best.score) {
      ties++;
      if (random() * ties < 1) best = s;
    }
  }
  return { kind: "scheduled", nodeName: best.name, evaluatedNodes: processed, feasibleNodes: feasible.length, nextStartIndex };
}

/**
 * Filter with the pods nominated to the node (of at least this pod's priority) counted
 * as placed, and — if that passes — again without them, as upstream's
 * RunFilterPluginsWithNominatedPods, so neither case can be broken by the nominees.
 */
function filterWithNominated(input: SchedulePodInput, ctx: CycleContext, node: NodeInfo): Status {
  const { framework, pod, nominator, priorityOf } = input;
  if (!node.node) return unresolvable("node not found");
  const priority = priorityOf(pod.pod);
  const nominees = (nominator?.nominatedOn(node.name) ?? []).filter((p) => p.key !== pod.key && priorityOf(p.pod) >= priority);
  if (nominees.length === 0) return framework.runFilter(ctx, pod, node);
  const withNominees = node.clone();
  for (const p of nominees) withNominees.addPod(p);
  const s = framework.runFilter(ctx, pod, withNominees);
  if (!isSuccess(s)) return s;
  return framework.runFilter(ctx, pod, node);
}
