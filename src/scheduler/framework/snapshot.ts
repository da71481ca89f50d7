import type { Labels } from "../../machinery/index.js";
import type { NodeInfo } from "./node-info.js";

/**
 * What a scheduling cycle reads: every node with its pods. The scheduler's cache is the
 * snapshot: a cycle runs synchronously from PreFilter to assume, so nothing can change
 * under it (upstream copies its cache into a Snapshot because its informers run on other
 * goroutines; ours run on the same event loop). Plugins never call the API.
 */
export interface Snapshot {
  /** Nodes that have a Node object, in a stable order. */
  nodes(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  havePodsWithAffinity(): readonly NodeInfo[];
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  /** A namespace's labels, for namespaceSelector in pod affinity terms. */
  namespaceLabels(namespace: string): Labels | undefined;
}

/** A snapshot over a fixed list (tests, and preemption's what-if views). */
export function snapshotOf(infos: readonly NodeInfo[], namespaceLabels: (ns: string) => Labels | undefined = () => undefined): Snapshot {
  const list = infos.filter((n) => n.node);
  const byName = new Map(list.map((n) => [n.name, n]));
  return {
    nodes: () => list,
    get: (name) => byName.get(name),
    havePodsWithAffinity: () => list.filter((n) => n.podsWithAffinity.length > 0),
    havePodsWithRequiredAntiAffinity: () => list.filter((n) => n.podsWithRequiredAntiAffinity.length > 0),
    namespaceLabels,
  };
}

/** `base` with one node replaced by a changed copy (victims removed, nominated pods added). */
export function overlaySnapshot(base: Snapshot, replaced: NodeInfo): Snapshot {
  return snapshotOf(
    base.nodes().map((n) => (n.name === replaced.name ? replaced : n)),
    (ns) => base.namespaceLabels(ns),
  );
}
