import type { Node, Pod } from "../../api/index.js";
import type { Labels } from "../../machinery/index.js";
import { NodeInfo } from "../framework/node-info.js";
import { newPodInfo, podKey, type PodInfo } from "../framework/pod-info.js";
import type { Snapshot } from "../framework/snapshot.js";

interface PodPlace {
  node: string;
  /** Placed by this scheduler and not yet seen bound by the informer. */
  assumed: boolean;
}

const isTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/**
 * The scheduler's view of every node and the pods on it (upstream's scheduler cache),
 * kept current from informer events — never re-listed per pod. It doubles as the
 * snapshot a cycle reads (see `Snapshot`). A pod placed by the scheduler is "assumed"
 * on its node at once, before the binding call returns, so the next cycle already counts
 * it; the informer's event for the bound pod then confirms it, or `forgetPod` takes it
 * back when binding fails. Finished pods (Succeeded/Failed) hold no resources.
 */
export class SchedulerCache implements Snapshot {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly places = new Map<string, PodPlace>();
  private list: NodeInfo[] | undefined;

  constructor(private readonly nsLabels: (namespace: string) => Labels | undefined = () => undefined) {}

  // -- Snapshot --

  nodes(): readonly NodeInfo[] {
    this.list ??= [...this.infos.values()].filter((n) => n.node);
    return this.list;
  }

  get(name: string): NodeInfo | undefined {
    const n = this.infos.get(name);
    return n?.node ? n : undefined;
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    return this.nodes().filter((n) => n.podsWithAffinity.length > 0);
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    return this.nodes().filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return this.nsLabels(namespace);
  }

  // -- nodes --

  addNode(node: Node): void {
    const name = node.metadata.name ?? "";
    const existing = this.infos.get(name);
    if (existing) {
      const hadNode = !!existing.node;
      existing.setNode(node);
      if (!hadNode) this.list = undefined;
    } else {
      this.infos.set(name, new NodeInfo(name, node));
      this.list = undefined;
    }
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  /** The Node is gone; its pods (if any are left) stay counted until they go too. */
  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    if (info.pods.length === 0) this.infos.delete(name);
    else info.node = undefined;
    this.list = undefined;
  }

  // -- pods (bound ones, from the informer) --

  /** A bound pod was added or changed. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    this.removeQuietly(key);
    if (isTerminal(pod)) return;
    this.place(newPodInfo(pod), nodeName, false);
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    this.removeQuietly(podKey(pod));
  }

  // -- assumed pods --

  assumePod(pi: PodInfo, nodeName: string): void {
    this.removeQuietly(pi.key);
    this.place(pi, nodeName, true);
  }

  /** Binding failed: take the assumed pod back (a bound pod is left alone). */
  forgetPod(key: string): void {
    if (this.places.get(key)?.assumed) this.removeQuietly(key);
  }

  isAssumed(key: string): boolean {
    return this.places.get(key)?.assumed ?? false;
  }

  /** Where the cache holds this pod, if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.places.get(key)?.node;
  }

  private place(pi: PodInfo, nodeName: string, assumed: boolean): void {
    let info = this.infos.get(nodeName);
    if (!info) this.infos.set(nodeName, (info = new NodeInfo(nodeName)));
    info.addPod(pi);
    this.places.set(pi.key, { node: nodeName, assumed });
  }

  private removeQuietly(key: string): void {
    const place = this.places.get(key);
    if (!place) return;
    this.places.delete(key);
    const info = this.infos.get(place.node);
    if (!info) return;
    info.removePod(key);
    if (!info.node && info.pods.length === 0) this.infos.delete(place.node);
  }
}
