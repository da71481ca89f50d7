import type { Node, Pod, TopologySpreadConstraint } from "../../../api/index.js";
import { LabelSelector, labelRequirement, labelSelectorFromObject } from "../../../machinery/index.js";
import { countMatchingPods, selectorKey } from "../../framework/match-count.js";
import type { NodeInfo } from "../../framework/node-info.js";
import { podMatchesNodeSelectorAndAffinity } from "../../framework/node-selector.js";
import { maxNodeScore, type Plugin } from "../../framework/plugin.js";
import { skip, success, unresolvable, unschedulable } from "../../framework/status.js";
import { findUntoleratedTaint } from "../../framework/taints.js";

/**
 * PodTopologySpread: `whenUnsatisfiable: DoNotSchedule` constraints filter (the skew
 * — matching pods in the node's domain, plus the pod itself if it matches, minus the
 * smallest domain — may not exceed maxSkew); `ScheduleAnyway` constraints score (fewer
 * matching pods in the domain is better). Domains come from nodes that have every
 * constraint's topology key and pass nodeAffinityPolicy (default Honor) and
 * nodeTaintsPolicy (default Ignore). Cluster-level default constraints are not applied.
 */
export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const errReasonNodeLabelNotMatch = `${errReasonConstraintsNotMatch} (missing required label)`;

const hostnameKey = "kubernetes.io/hostname";

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

function constraintsOf(pod: Pod, when: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  const labels = pod.metadata.labels ?? {};
  return (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c: TopologySpreadConstraint) => c.whenUnsatisfiable === when)
    .map((c) => {
      let selector: LabelSelector;
      try {
        selector = labelSelectorFromObject(c.labelSelector);
      } catch {
        selector = LabelSelector.nothing();
      }
      for (const key of c.matchLabelKeys ?? []) if (Object.hasOwn(labels, key)) selector = selector.add(labelRequirement(key, "in", [labels[key]]));
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector,
        minDomains: c.minDomains ?? 1,
        honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
        honorTaints: c.nodeTaintsPolicy === "Honor",
      };
    });
}

function hasAllKeys(node: Node | undefined, constraints: readonly Constraint[]): boolean {
  const labels = node?.metadata.labels ?? {};
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

function includes(c: Constraint, pod: Pod, node: Node): boolean {
  if (c.honorNodeAffinity && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.honorTaints && findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === "NoSchedule" || t.effect === "NoExecute")) return false;
  return true;
}

/** Pods on the node in `namespace` matching `selector`, not being deleted. */
function countMatching(node: NodeInfo, selector: LabelSelector, namespace: string): number {
  return countMatchingPods(node, `spread\u0000${namespace}\u0000${selectorKey(selector)}`, (p) => {
    if (p.pod.metadata.deletionTimestamp || (p.pod.metadata.namespace ?? "") !== namespace) return false;
    return selector.matches(p.pod.metadata.labels);
  });
}

interface FilterState {
  constraints: Constraint[];
  /** Per constraint: domain value → matching pods. */
  matchNum: Map<string, number>[];
}

interface ScoreState {
  constraints: Constraint[];
  ignored: Set<string>;
  pairCounts: Map<string, number>[];
  weights: number[];
}

const preFilterKey = "PreFilterPodTopologySpread";
const preScoreKey = "PreScorePodTopologySpread";

function minMatch(state: FilterState, i: number): number {
  const counts = state.matchNum[i];
  if (counts.size < state.constraints[i].minDomains || counts.size === 0) return 0;
  let min = Infinity;
  for (const n of counts.values()) min = Math.min(min, n);
  return min;
}

export const podTopologySpread: Plugin = {
  name: "PodTopologySpread",
  events: ["NodeAdd", "NodeUpdate", "AssignedPodAdd", "AssignedPodUpdate", "AssignedPodDelete"],
  preFilterUsesPods: true,
  preFilter(ctx, pod) {
    const constraints = constraintsOf(pod.pod, "DoNotSchedule");
    if (constraints.length === 0) return skip;
    const ns = pod.pod.metadata.namespace ?? "";
    const matchNum = constraints.map(() => new Map<string, number>());
    for (const node of ctx.snapshot.nodes()) {
      if (!node.node || !hasAllKeys(node.node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!includes(c, pod.pod, node.node!)) return;
        const value = node.node!.metadata.labels![c.topologyKey];
        matchNum[i].set(value, (matchNum[i].get(value) ?? 0) + countMatching(node, c.selector, ns));
      });
    }
    ctx.state.write(preFilterKey, { constraints, matchNum } satisfies FilterState);
    return success;
  },
  filter(ctx, pod, node) {
    const state = ctx.state.read<FilterState>(preFilterKey);
    if (!state) return success;
    const labels = node.node?.metadata.labels ?? {};
    for (const [i, c] of state.constraints.entries()) {
      if (!Object.hasOwn(labels, c.topologyKey)) return unresolvable(errReasonNodeLabelNotMatch);
      const self = c.selector.matches(pod.pod.metadata.labels) ? 1 : 0;
      const skew = (state.matchNum[i].get(labels[c.topologyKey]) ?? 0) + self - minMatch(state, i);
      if (skew > c.maxSkew) return unschedulable(errReasonConstraintsNotMatch);
    }
    return success;
  },
  preScore(ctx, pod, nodes) {
    const constraints = constraintsOf(pod.pod, "ScheduleAnyway");
    if (constraints.length === 0) return skip;
    const ns = pod.pod.metadata.namespace ?? "";
    const ignored = new Set<string>();
    const pairCounts = constraints.map(() => new Map<string, number>());
    let eligible = 0;
    for (const n of nodes) {
      if (!hasAllKeys(n.node, constraints)) {
        ignored.add(n.name);
        continue;
      }
      eligible++;
      constraints.forEach((c, i) => {
        if (c.topologyKey !== hostnameKey) pairCounts[i].set(n.node!.metadata.labels![c.topologyKey], 0);
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameKey ? eligible : pairCounts[i].size) + 2));
    for (const node of ctx.snapshot.nodes()) {
      if (!node.node || !hasAllKeys(node.node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (c.topologyKey === hostnameKey || !includes(c, pod.pod, node.node!)) return;
        const value = node.node!.metadata.labels![c.topologyKey];
        if (pairCounts[i].has(value)) pairCounts[i].set(value, pairCounts[i].get(value)! + countMatching(node, c.selector, ns));
      });
    }
    ctx.state.write(preScoreKey, { constraints, ignored, pairCounts, weights } satisfies ScoreState);
    return success;
  },
  score(ctx, pod, node) {
    const state = ctx.state.read<ScoreState>(preScoreKey);
    if (!state || state.ignored.has(node.name)) return 0;
    const labels = node.node?.metadata.labels ?? {};
    let score = 0;
    state.constraints.forEach((c, i) => {
      if (!Object.hasOwn(labels, c.topologyKey)) return;
      const count = c.topologyKey === hostnameKey ? countMatching(node, c.selector, pod.pod.metadata.namespace ?? "") : (state.pairCounts[i].get(labels[c.topologyKey]) ?? 0);
      score += count * state.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalizeScore(ctx, _pod, scores) {
    const state = ctx.state.read<ScoreState>(preScoreKey);
    if (!state) return;
    let min = Infinity;
    let max = 0;
    for (const s of scores) {
      if (state.ignored.has(s.name)) continue;
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    for (const s of scores) {
      if (state.ignored.has(s.name)) s.score = 0;
      else if (max === 0) s.score = maxNodeScore;
      else s.score = Math.trunc((maxNodeScore * (max + min - s.score)) / max);
    }
  },
};
