import type { Node } from "../../api/index.js";
import type { HostPort, PodInfo } from "./pod-info.js";
import { addInto, allocatableOf, cloneResources, emptyResources, type Allocatable, type Resources } from "./resources.js";

/**
 * One node and what is on it (framework.NodeInfo): its pods (bound and assumed), the sum
 * of their requests, the host ports they use, and which of them carry pod affinity terms.
 * Kept current by the scheduler cache from informer events; plugins only read it.
 * A NodeInfo without `node` holds pods the cache saw before their Node.
 */
export class NodeInfo {
  node: Node | undefined;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  allocatable: Allocatable = { ...emptyResources(), allowedPodNumber: 0 };
  /** "protocol/port" → ip → count. */
  private usedPorts = new Map<string, Map<string, number>>();
  /** Bumped on every change. */
  generation = 0;

  constructor(readonly name: string, node?: Node) {
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = allocatableOf(node.status?.allocatable ?? node.status?.capacity);
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (hasAffinity(pi)) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.push(pi);
    addInto(this.requested, pi.requests);
    addInto(this.nonZeroRequested, pi.nonZeroRequests);
    for (const p of pi.hostPorts) this.portCount(p, 1);
    this.generation++;
  }

  /** Removes the pod with this key; false when it was not here. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const [pi] = this.pods.splice(i, 1);
    removeFrom(this.podsWithAffinity, key);
    removeFrom(this.podsWithRequiredAntiAffinity, key);
    addInto(this.requested, pi.requests, -1);
    addInto(this.nonZeroRequested, pi.nonZeroRequests, -1);
    for (const p of pi.hostPorts) this.portCount(p, -1);
    this.generation++;
    return true;
  }

  /** True when `port` clashes with a used host port (0.0.0.0 clashes with every address). */
  portConflicts(port: HostPort): boolean {
    const ips = this.usedPorts.get(`${port.protocol}/${port.port}`);
    if (!ips || ips.size === 0) return false;
    if (port.ip === "0.0.0.0") return true;
    return ips.has(port.ip) || ips.has("0.0.0.0");
  }

  /** A copy that can be changed (preemption's dry runs) without touching the cache. */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.allocatable = this.allocatable;
    c.pods.push(...this.pods);
    c.podsWithAffinity.push(...this.podsWithAffinity);
    c.podsWithRequiredAntiAffinity.push(...this.podsWithRequiredAntiAffinity);
    c.requested = cloneResources(this.requested);
    c.nonZeroRequested = cloneResources(this.nonZeroRequested);
    c.usedPorts = new Map([...this.usedPorts].map(([k, v]) => [k, new Map(v)]));
    c.generation = this.generation;
    return c;
  }

  private portCount(p: HostPort, delta: number): void {
    const key = `${p.protocol}/${p.port}`;
    let ips = this.usedPorts.get(key);
    if (!ips) this.usedPorts.set(key, (ips = new Map()));
    const n = (ips.get(p.ip) ?? 0) + delta;
    if (n > 0) ips.set(p.ip, n);
    else ips.delete(p.ip);
    if (ips.size === 0) this.usedPorts.delete(key);
  }
}

function hasAffinity(pi: PodInfo): boolean {
  return pi.requiredAffinityTerms.length + pi.requiredAntiAffinityTerms.length + pi.preferredAffinityTerms.length + pi.preferredAntiAffinityTerms.length > 0;
}

function removeFrom(list: PodInfo[], key: string): void {
  const i = list.findIndex((p) => p.key === key);
  if (i >= 0) list.splice(i, 1);
}
