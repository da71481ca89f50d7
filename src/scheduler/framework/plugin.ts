import type { Pod } from "../../api/index.js";
import type { CycleState } from "./cycle-state.js";
import type { NodeInfo } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";
import type { Snapshot } from "./snapshot.js";
import type { Status } from "./status.js";

/** The highest score a plugin gives a node after normalizing (framework.MaxNodeScore). */
export const maxNodeScore = 100;

/** What every extension point gets: this cycle's scratch state and the node snapshot. */
export interface CycleContext {
  state: CycleState;
  snapshot: Snapshot;
}

export interface NodeScore {
  name: string;
  score: number;
}

/**
 * Cluster changes after which a pod rejected by a plugin may fit (upstream's
 * EventsToRegister); the queue moves an unschedulable pod back only for an event one of
 * its rejecting plugins registered.
 */
export type ClusterEvent = "NodeAdd" | "NodeUpdate" | "AssignedPodAdd" | "AssignedPodUpdate" | "AssignedPodDelete";

/**
 * A scheduler plugin: a small object with one job, implementing any of the extension
 * points (kube-scheduler framework, pkg/scheduler/framework/interface.go).
 *
 * Promises the framework keeps: extension points run synchronously, in profile order,
 * over the snapshot only; PreFilter runs once per cycle before any Filter; a plugin whose
 * PreFilter (PreScore) returned Skip gets no Filter (Score) calls in that cycle; Score
 * runs only on nodes that passed every Filter; NormalizeScore then maps the plugin's raw
 * scores to 0..maxNodeScore. A plugin must not mutate the NodeInfos it is given.
 *
 *   const nodeName: Plugin = {
 *     name: "NodeName",
 *     filter: (_ctx, pod, node) => !pod.pod.spec?.nodeName || pod.pod.spec.nodeName === node.name ? success : unresolvable(reason),
 *   };
 */
export interface Plugin {
  readonly name: string;
  readonly events?: readonly ClusterEvent[];
  /** PreFilter state counts other pods: preemption recomputes it when it removes victims. */
  readonly preFilterUsesPods?: boolean;
  preFilter?(ctx: CycleContext, pod: PodInfo): Status;
  filter?(ctx: CycleContext, pod: PodInfo, node: NodeInfo): Status;
  preScore?(ctx: CycleContext, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
  score?(ctx: CycleContext, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(ctx: CycleContext, pod: PodInfo, scores: NodeScore[]): void;
}

/** Resolves a pod's priority (PriorityClass value, else spec.priority). */
export type PriorityOf = (pod: Pod) => number;
