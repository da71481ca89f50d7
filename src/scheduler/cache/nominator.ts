import type { PodInfo } from "../framework/pod-info.js";

/**
 * Pods nominated to a node by preemption (status.nominatedNodeName) while their victims
 * terminate. Cycles for other pods of lower or equal priority count them as if placed,
 * so the space freed for the preemptor is not taken by someone else.
 */
export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  add(pi: PodInfo, nodeName: string): void {
    this.remove(pi.key);
    let pods = this.byNode.get(nodeName);
    if (!pods) this.byNode.set(nodeName, (pods = new Map()));
    pods.set(pi.key, pi);
    this.nodeOf.set(pi.key, nodeName);
  }

  remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const pods = this.byNode.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.byNode.delete(node);
  }

  nominatedOn(nodeName: string): PodInfo[] {
    return [...(this.byNode.get(nodeName)?.values() ?? [])];
  }

  nodeFor(key: string): string | undefined {
    return this.nodeOf.get(key);
  }
}
