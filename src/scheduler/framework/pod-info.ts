import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "../../api/index.js";
import { LabelSelector, labelRequirement, labelSelectorFromObject, type Labels } from "../../machinery/index.js";
import { podRequests, type Resources } from "./resources.js";

/** A required pod (anti-)affinity term, parsed once (framework.AffinityTerm). */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  selector: LabelSelector;
  /** Matches nothing when the term has no namespaceSelector. */
  namespaceSelector: LabelSelector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/**
 * A pod with what the plugins need from it computed once: its requests, host ports and
 * parsed affinity terms (framework.PodInfo). Rebuilt when the pod object changes.
 */
export interface PodInfo {
  readonly pod: Pod;
  /** "namespace/name". */
  readonly key: string;
  readonly requests: Resources;
  /** Requests with upstream's non-zero cpu/memory defaults, for scoring. */
  readonly nonZeroRequests: Resources;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
}

function selectorOf(obj: PodAffinityTerm["labelSelector"]): LabelSelector {
  try {
    return labelSelectorFromObject(obj);
  } catch {
    return LabelSelector.nothing(); // validation refuses bad selectors; a stray one selects nothing
  }
}

function affinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  let selector = selectorOf(term.labelSelector);
  // matchLabelKeys / mismatchLabelKeys: the incoming pod's own values join the selector.
  const labels = pod.metadata.labels ?? {};
  for (const key of term.matchLabelKeys ?? []) if (key in labels) selector = selector.add(labelRequirement(key, "in", [labels[key]]));
  for (const key of term.mismatchLabelKeys ?? []) if (key in labels) selector = selector.add(labelRequirement(key, "notin", [labels[key]]));
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(pod.metadata.namespace ?? "");
  return { namespaces, selector, namespaceSelector: term.namespaceSelector ? selectorOf(term.namespaceSelector) : LabelSelector.nothing(), topologyKey: term.topologyKey };
}

function weighted(pod: Pod, terms: WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
export function termMatches(term: AffinityTerm, pod: Pod, namespaceLabels: (ns: string) => Labels | undefined): boolean {
  const ns = pod.metadata.namespace ?? "";
  if (!term.namespaces.has(ns) && !(term.namespaceSelector.matchesNothing ? false : term.namespaceSelector.matches(namespaceLabels(ns)))) return false;
  return term.selector.matches(pod.metadata.labels);
}

export function newPodInfo(pod: Pod): PodInfo {
  const spec = pod.spec;
  const hostPorts: HostPort[] = [];
  const portContainers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always")];
  for (const c of portContainers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      hostPorts.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  const affinity = spec?.affinity;
  return {
    pod,
    key: podKey(pod),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, { nonZero: true }),
    hostPorts,
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinityTerms: weighted(pod, affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: weighted(pod, affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}
