import type { Pod } from "../../../api/index.js";
import { countMatchingPods, selectorKey } from "../../framework/match-count.js";
import type { NodeInfo } from "../../framework/node-info.js";
import { maxNodeScore, type CycleContext, type Plugin } from "../../framework/plugin.js";
import { termMatches, type AffinityTerm, type PodInfo } from "../../framework/pod-info.js";
import { skip, success, unresolvable, unschedulable } from "../../framework/status.js";

/**
 * InterPodAffinity: required pod affinity / anti-affinity by topologyKey (Filter), the
 * anti-affinity of pods already placed (Filter, symmetric), and preferred terms of both
 * sides (Score). Counts are per topology pair "key=value", computed once in PreFilter.
 */
export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
export const errReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

/** Existing pods' required affinity terms that match the incoming pod add this much to its score. */
const hardPodAffinityWeight = 1;

interface PreFilterState {
  existingAntiAffinityCounts: Map<string, number>;
  affinityCounts: Map<string, number>;
  antiAffinityCounts: Map<string, number>;
}

const preFilterKey = "PreFilterInterPodAffinity";
const preScoreKey = "PreScoreInterPodAffinity";

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

function bump(counts: Map<string, number>, node: NodeInfo, topologyKey: string, by = 1): void {
  const labels = node.node?.metadata.labels;
  if (!labels || !Object.hasOwn(labels, topologyKey)) return;
  const p = pair(topologyKey, labels[topologyKey]);
  counts.set(p, (counts.get(p) ?? 0) + by);
}

function matchesAll(terms: readonly AffinityTerm[], pod: Pod, ctx: CycleContext): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatches(t, pod, (ns) => ctx.snapshot.namespaceLabels(ns)));
}

function preFilterState(ctx: CycleContext, pod: PodInfo): PreFilterState {
  const nsLabels = (ns: string) => ctx.snapshot.namespaceLabels(ns);
  const state: PreFilterState = { existingAntiAffinityCounts: new Map(), affinityCounts: new Map(), antiAffinityCounts: new Map() };
  for (const node of ctx.snapshot.havePodsWithRequiredAntiAffinity()) {
    for (const existing of node.podsWithRequiredAntiAffinity) {
      for (const term of existing.requiredAntiAffinityTerms) if (termMatches(term, pod.pod, nsLabels)) bump(state.existingAntiAffinityCounts, node, term.topologyKey);
    }
  }
  if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) return state;
  const affinityKey = termsKey(pod.requiredAffinityTerms);
  const antiKeys = pod.requiredAntiAffinityTerms.map((t) => termsKey([t]));
  for (const node of ctx.snapshot.nodes()) {
    if (pod.requiredAffinityTerms.length) {
      const matching = count(node, affinityKey, (p) => matchesAll(pod.requiredAffinityTerms, p.pod, ctx));
      if (matching > 0) for (const term of pod.requiredAffinityTerms) bump(state.affinityCounts, node, term.topologyKey, matching);
    }
    pod.requiredAntiAffinityTerms.forEach((term, i) => {
      const matching = count(node, antiKeys[i], (p) => termMatches(term, p.pod, nsLabels));
      if (matching > 0) bump(state.antiAffinityCounts, node, term.topologyKey, matching);
    });
  }
  return state;
}

/**
 * A cache key naming what the terms match; undefined (no caching) when a term uses a
 * namespaceSelector, whose answer depends on namespace labels, not on the node.
 */
function termsKey(terms: readonly AffinityTerm[]): string | undefined {
  if (terms.some((t) => !t.namespaceSelector.matchesNothing)) return undefined;
  return `affinity\u0000${terms.map((t) => `${[...t.namespaces].sort().join(",")}\u0000${selectorKey(t.selector)}`).join("\u0001")}`;
}

function count(node: NodeInfo, key: string | undefined, matches: (p: PodInfo) => boolean): number {
  if (key !== undefined) return countMatchingPods(node, key, matches);
  let n = 0;
  for (const p of node.pods) if (matches(p)) n++;
  return n;
}

function satisfiesPodAffinity(state: PreFilterState, pod: PodInfo, node: NodeInfo, ctx: CycleContext): boolean {
  const labels = node.node?.metadata.labels ?? {};
  let podsExist = true;
  for (const term of pod.requiredAffinityTerms) {
    if (!Object.hasOwn(labels, term.topologyKey)) return false; // every topology label must exist on the node
    if ((state.affinityCounts.get(pair(term.topologyKey, labels[term.topologyKey])) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when nothing else matches yet.
  return state.affinityCounts.size === 0 && matchesAll(pod.requiredAffinityTerms, pod.pod, ctx);
}

function satisfiesPodAntiAffinity(state: PreFilterState, pod: PodInfo, node: NodeInfo): boolean {
  const labels = node.node?.metadata.labels ?? {};
  for (const term of pod.requiredAntiAffinityTerms) {
    if (!Object.hasOwn(labels, term.topologyKey)) continue;
    if ((state.antiAffinityCounts.get(pair(term.topologyKey, labels[term.topologyKey])) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(state: PreFilterState, node: NodeInfo): boolean {
  if (state.existingAntiAffinityCounts.size === 0) return true;
  for (const [key, value] of Object.entries(node.node?.metadata.labels ?? {})) {
    if ((state.existingAntiAffinityCounts.get(pair(key, value)) ?? 0) > 0) return false;
  }
  return true;
}

/** topologyKey → value → score. */
type TopologyScore = Map<string, Map<string, number>>;

function addScore(scores: TopologyScore, node: NodeInfo, topologyKey: string, weight: number): void {
  const labels = node.node?.metadata.labels;
  if (!labels || !Object.hasOwn(labels, topologyKey) || weight === 0) return;
  let byValue = scores.get(topologyKey);
  if (!byValue) scores.set(topologyKey, (byValue = new Map()));
  byValue.set(labels[topologyKey], (byValue.get(labels[topologyKey]) ?? 0) + weight);
}

export const interPodAffinity: Plugin = {
  name: "InterPodAffinity",
  events: ["NodeAdd", "NodeUpdate", "AssignedPodAdd", "AssignedPodUpdate", "AssignedPodDelete"],
  preFilterUsesPods: true,
  preFilter(ctx, pod) {
    const state = preFilterState(ctx, pod);
    if (state.existingAntiAffinityCounts.size === 0 && pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) return skip;
    ctx.state.write(preFilterKey, state);
    return success;
  },
  filter(ctx, pod, node) {
    const state = ctx.state.read<PreFilterState>(preFilterKey);
    if (!state) return success;
    if (!satisfiesPodAffinity(state, pod, node, ctx)) return unresolvable(errReasonAffinityRulesNotMatch);
    if (!satisfiesPodAntiAffinity(state, pod, node)) return unschedulable(errReasonAntiAffinityRulesNotMatch);
    if (!satisfiesExistingAntiAffinity(state, node)) return unschedulable(errReasonExistingAntiAffinityRulesNotMatch);
    return success;
  },
  preScore(ctx, pod) {
    const nsLabels = (ns: string) => ctx.snapshot.namespaceLabels(ns);
    const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    const nodes = hasPreferred ? ctx.snapshot.nodes() : ctx.snapshot.havePodsWithAffinity();
    const scores: TopologyScore = new Map();
    for (const node of nodes) {
      for (const existing of hasPreferred ? node.pods : node.podsWithAffinity) {
        for (const t of pod.preferredAffinityTerms) if (termMatches(t, existing.pod, nsLabels)) addScore(scores, node, t.topologyKey, t.weight);
        for (const t of pod.preferredAntiAffinityTerms) if (termMatches(t, existing.pod, nsLabels)) addScore(scores, node, t.topologyKey, -t.weight);
        for (const t of existing.requiredAffinityTerms) if (termMatches(t, pod.pod, nsLabels)) addScore(scores, node, t.topologyKey, hardPodAffinityWeight);
        for (const t of existing.preferredAffinityTerms) if (termMatches(t, pod.pod, nsLabels)) addScore(scores, node, t.topologyKey, t.weight);
        for (const t of existing.preferredAntiAffinityTerms) if (termMatches(t, pod.pod, nsLabels)) addScore(scores, node, t.topologyKey, -t.weight);
      }
    }
    if (scores.size === 0) return skip;
    ctx.state.write(preScoreKey, scores);
    return success;
  },
  score(ctx, _pod, node) {
    const scores = ctx.state.read<TopologyScore>(preScoreKey);
    const labels = node.node?.metadata.labels ?? {};
    let total = 0;
    for (const [key, byValue] of scores ?? []) if (Object.hasOwn(labels, key)) total += byValue.get(labels[key]) ?? 0;
    return total;
  },
  normalizeScore(_ctx, _pod, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    const range = max - min;
    for (const s of scores) s.score = range > 0 ? Math.trunc((maxNodeScore * (s.score - min)) / range) : 0;
  },
};
