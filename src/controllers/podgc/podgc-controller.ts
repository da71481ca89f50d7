import type { Node, Pod, PodCondition } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { ensureIndex, realClock, resource, type Client, type Clock, type Informer, type InformerFactory } from "../../client/index.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);

const podNodeIndex = "spec.nodeName";
const outOfServiceTaint = "node.kubernetes.io/out-of-service";

export interface PodGCControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  /** --terminated-pod-gc-threshold: terminated pods kept before the oldest go (default 12500; 0 disables). */
  terminatedPodThreshold?: number;
  /** How often the collector runs (gcCheckPeriod, 20 s). */
  periodMs?: number;
  /** How long a node must be missing before its pods are removed (quarantineTime, 40 s). */
  quarantineMs?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The pod garbage collector (pkg/controller/podgc/gc_controller.go), every period:
 * - terminated pods (Succeeded/Failed) beyond the threshold, oldest first;
 * - pods bound to a node that does not exist, once it has been missing for the quarantine
 *   time and a fresh GET confirms it (marked Failed with DisruptionTarget
 *   "DeletionByPodGC: PodGC: node no longer exists");
 * - terminating pods on a not-ready node with the node.kubernetes.io/out-of-service taint;
 * - terminating pods never scheduled.
 * Each is force-deleted (grace period 0); a pod not yet terminal is first marked Failed.
 */
export class PodGCController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: PodGCControllerOptions;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  /** Node name → when we first saw pods bound to it while it was missing. */
  private readonly missingSince = new Map<string, number>();

  constructor(options: PodGCControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.nodes = options.informers.informer(nodes);
    this.pods = options.informers.informer(pods);
    ensureIndex(this.pods, podNodeIndex, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.nodes.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    while (!signal.aborted) {
      try {
        await this.gc(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.options.onError?.("gc", err);
      }
      await this.clock.sleep(this.options.periodMs ?? 20_000, signal).catch(() => undefined);
    }
  }

  /** One collection pass. */
  async gc(signal: AbortSignal): Promise<void> {
    const all = this.pods.list();
    const threshold = this.options.terminatedPodThreshold ?? 12_500;
    if (threshold > 0) await this.gcTerminated(all, threshold, signal);
    await this.gcTerminating(all, signal);
    await this.gcOrphaned(all, signal);
    await this.gcUnscheduledTerminating(all, signal);
  }

  private async gcTerminated(all: Pod[], threshold: number, signal: AbortSignal): Promise<void> {
    const terminated = all.filter(isPodTerminal);
    const excess = terminated.length - threshold;
    if (excess <= 0) return;
    // byEvictionAndCreationTimestamp: evicted pods first, then the oldest.
    terminated.sort((a, b) => Number(isEvicted(b)) - Number(isEvicted(a)) || compareCreation(a, b));
    for (const pod of terminated.slice(0, excess)) await this.forceDelete(pod, undefined, signal);
  }

  private async gcTerminating(all: Pod[], signal: AbortSignal): Promise<void> {
    for (const pod of all) {
      if (!pod.metadata.deletionTimestamp || !pod.spec?.nodeName) continue;
      const node = this.nodes.get(pod.spec.nodeName);
      if (!node) continue; // gcOrphaned's job
      const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
      const outOfService = (node.spec?.taints ?? []).some((t) => t.key === outOfServiceTaint && t.effect === "NoExecute");
      if (!ready && outOfService) await this.forceDelete(pod, undefined, signal);
    }
  }

  private async gcOrphaned(all: Pod[], signal: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const quarantine = this.options.quarantineMs ?? 40_000;
    const missing = new Set<string>();
    for (const pod of all) {
      const node = pod.spec?.nodeName;
      if (node && !this.nodes.get(node)) missing.add(node);
    }
    for (const name of [...this.missingSince.keys()]) if (!missing.has(name)) this.missingSince.delete(name);
    for (const name of missing) {
      const since = this.missingSince.get(name);
      if (since === undefined) {
        this.missingSince.set(name, now);
        continue;
      }
      if (now - since < quarantine) continue;
      // The cache may lag: ask the API server before deleting anything.
      if (await this.nodeExists(name, signal)) {
        this.missingSince.delete(name);
        continue;
      }
      const condition: PodCondition = { type: "DisruptionTarget", status: "True", reason: "DeletionByPodGC", message: "PodGC: node no longer exists" };
      for (const pod of this.pods.byIndex(podNodeIndex, name)) await this.forceDelete(pod, condition, signal);
      this.missingSince.delete(name);
    }
  }

  private async gcUnscheduledTerminating(all: Pod[], signal: AbortSignal): Promise<void> {
    for (const pod of all) {
      if (pod.metadata.deletionTimestamp && !pod.spec?.nodeName) await this.forceDelete(pod, undefined, signal);
    }
  }

  private async nodeExists(name: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.get(nodes, name, { signal });
      return true;
    } catch (err) {
      if (isApiError(err, "NotFound")) return false;
      throw err;
    }
  }

  /** markFailedAndDeletePodWithCondition: phase Failed (and the condition) unless terminal, then delete with grace 0. */
  private async forceDelete(pod: Pod, condition: PodCondition | undefined, signal: AbortSignal): Promise<void> {
    const { namespace, name = "" } = pod.metadata;
    try {
      if (!isPodTerminal(pod)) {
        const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== condition?.type)];
        if (condition) conditions.push({ ...condition, lastTransitionTime: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z") });
        await this.client.updateStatus(pods, { ...pod, status: { ...pod.status, phase: "Failed", conditions } }, { signal });
      }
      await this.client.delete(pods, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid }, signal });
    } catch (err) {
      if (isApiError(err, "NotFound") || isApiError(err, "Conflict")) return; // gone or changed: the next pass decides again
      this.options.onError?.(`${namespace}/${name}`, err);
    }
  }
}

function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function isEvicted(pod: Pod): boolean {
  return pod.status?.reason === "Evicted";
}

function compareCreation(a: Pod, b: Pod): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}
