import type { Lease, Node, NodeCondition, Pod, Taint } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, ensureIndex, realClock, resource, runWorkers, type Client, type Clock, type EventRecorder, type Informer, type InformerFactory } from "../../client/index.js";
import {
  isControllerTaint,
  nodeCondition,
  taintNodeDiskPressure,
  taintNodeMemoryPressure,
  taintNodeNetworkUnavailable,
  taintNodeNotReady,
  taintNodePIDPressure,
  taintNodeUnreachable,
  taintNodeUnschedulable,
} from "./taints.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const leases = resource<Lease>("coordination.k8s.io", "v1", "leases", "Lease", true);

export const nodeLeaseNamespace = "kube-node-lease";
export const podNodeIndex = "spec.nodeName";

export interface NodeLifecycleControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  /** Events as "node-controller": RegisteredNode, RemovingNode, NodeNotReady. */
  events?: EventRecorder;
  /** --node-monitor-period: how often node health is looked at (default 5 s, less for a grace period under 25 s). */
  nodeMonitorPeriodMs?: number;
  /** --node-monitor-grace-period: silence after which a node is Unknown (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period: for nodes that never posted Ready (default 60 s). */
  nodeStartupGracePeriodMs?: number;
  onError?: (key: string, err: unknown) => void;
}

/** What we last saw of a node's health signals, with our own clock's time of seeing them (no skew). */
interface NodeHealth {
  probeMs: number;
  readyHeartbeat?: string;
  leaseRenewTime?: string;
  /** A signal advanced since we first saw the node (not merely "first sight, assume alive"). */
  signalled?: boolean;
}

const conditionsMarkedUnknown = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/**
 * The node lifecycle controller (pkg/controller/nodelifecycle): every monitor period it
 * looks at each node's Ready heartbeat and its Lease in kube-node-lease, timed by our own
 * clock when we saw them change. A node silent for the grace period gets Ready (and the
 * pressure conditions) Unknown, reason NodeStatusUnknown, "Kubelet stopped posting node
 * status."; its pods get Ready=False and a NodeNotReady event, and the node gets an event
 * too. Taints follow the Ready condition: Unknown → node.kubernetes.io/unreachable,
 * False → node.kubernetes.io/not-ready, each NoSchedule and NoExecute with timeAdded; the
 * taint-eviction controller evicts pods from NoExecute-tainted nodes.
 *
 * Two departures, both noted: a node whose Lease is renewed again counts as reachable at
 * once (its taints go) even before its kubelet posts Ready again; and NoExecute taints are
 * not rate-limited per zone. As upstream, when every node is not ready (the control plane
 * is more likely cut off than every node dead) no NoExecute taints are kept.
 */
export class NodeLifecycleController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: NodeLifecycleControllerOptions;
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly queue: WorkQueue;
  private readonly health = new Map<string, NodeHealth>();
  private readonly known = new Set<string>();
  private fullDisruption = false;
  private readonly periodMs: number;
  private readonly graceMs: number;
  private readonly startupGraceMs: number;

  constructor(options: NodeLifecycleControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.graceMs = options.nodeMonitorGracePeriodMs ?? 50_000;
    // Look several times per grace period, so a short one (tests) is honoured closely.
    this.periodMs = options.nodeMonitorPeriodMs ?? Math.min(5000, Math.max(200, this.graceMs / 5));
    this.startupGraceMs = options.nodeStartupGracePeriodMs ?? 60_000;
    this.queue = new WorkQueue({ clock: this.clock, name: "node_lifecycle_controller" });
    this.nodes = options.informers.informer(nodes);
    this.leases = options.informers.informer(leases);
    this.pods = options.informers.informer(pods);
    ensureIndex(this.pods, podNodeIndex, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    const enqueue = (n: Node): void => this.queue.add(n.metadata.name ?? "");
    this.nodes.addHandler({ add: enqueue, update: (_, n) => enqueue(n) });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.nodes.waitForSync(signal), this.leases.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    const workers = runWorkers(this.queue, (key, s) => this.reconcileTaints(key, s), { workers: 4, signal, onError: this.options.onError });
    try {
      while (!signal.aborted) {
        try {
          await this.monitorNodeHealth(signal);
        } catch (err) {
          if (signal.aborted) break;
          this.options.onError?.("monitor", err);
        }
        await this.clock.sleep(this.periodMs, signal).catch(() => undefined);
      }
    } finally {
      this.queue.shutDown();
      await workers;
    }
  }

  /** One pass over every node (monitorNodeHealth). */
  async monitorNodeHealth(signal: AbortSignal): Promise<void> {
    const all = this.nodes.list();
    const names = new Set(all.map((n) => n.metadata.name ?? ""));
    for (const node of all) {
      const name = node.metadata.name ?? "";
      if (this.known.has(name)) continue;
      this.known.add(name);
      this.options.events?.event(node, "Normal", "RegisteredNode", `Registered Node ${name} in Controller`);
    }
    for (const name of [...this.known]) {
      if (names.has(name)) continue;
      this.known.delete(name);
      this.health.delete(name);
      this.options.events?.event({ apiVersion: "v1", kind: "Node", metadata: { name, uid: name } }, "Normal", "RemovingNode", `Removing Node ${name} from Controller`);
    }

    const results: Array<{ node: Node; wasReady: boolean; ready: string }> = [];
    for (const cached of all) {
      try {
        results.push(await this.updateNodeHealth(cached, signal));
      } catch (err) {
        if (isApiError(err, "NotFound")) continue;
        this.options.onError?.(cached.metadata.name ?? "", err);
      }
    }

    // All nodes not ready: stop evicting (upstream's full-disruption mode).
    this.fullDisruption = results.length > 0 && results.every((r) => r.ready !== "True");
    for (const { node, wasReady, ready } of results) {
      if (ready !== "True") {
        if (wasReady) this.options.events?.event(node, "Normal", "NodeNotReady", `Node ${node.metadata.name} status is now: NodeNotReady`);
        await this.markPodsNotReady(node.metadata.name ?? "", signal);
      }
      this.queue.add(node.metadata.name ?? "");
    }
  }

  /** tryUpdateNodeHealth: Ready (and pressures) Unknown once the node is silent past its grace period. */
  private async updateNodeHealth(cached: Node, signal: AbortSignal): Promise<{ node: Node; wasReady: boolean; ready: string }> {
    const name = cached.metadata.name ?? "";
    const now = this.clock.now();
    const ready = nodeCondition(cached, "Ready");
    const lease = this.leases.get(`${nodeLeaseNamespace}/${name}`);
    let health = this.health.get(name);
    if (!health) {
      // First sight: give it a full grace period from now (or from creation if it never posted).
      const created = Date.parse(cached.metadata.creationTimestamp ?? "");
      health = { probeMs: ready || Number.isNaN(created) ? now : Math.min(now, created), readyHeartbeat: ready?.lastHeartbeatTime, leaseRenewTime: lease?.spec?.renewTime };
      this.health.set(name, health);
    } else {
      if (ready?.lastHeartbeatTime && ready.lastHeartbeatTime !== health.readyHeartbeat) {
        health.readyHeartbeat = ready.lastHeartbeatTime;
        health.probeMs = now;
        health.signalled = true;
      }
      const renew = lease?.spec?.renewTime;
      if (renew && (!health.leaseRenewTime || Date.parse(renew) > Date.parse(health.leaseRenewTime))) {
        health.leaseRenewTime = renew;
        health.probeMs = now;
        health.signalled = true;
      }
    }
    const wasReady = ready?.status === "True";
    const grace = ready ? this.graceMs : this.startupGraceMs;
    const silent = now > health.probeMs + grace;
    if (!silent) {
      // A node that renews its Lease is reachable, whatever Ready says until its kubelet posts again.
      return { node: cached, wasReady, ready: this.effectiveReady(cached) ?? "True" };
    }
    if (conditionsMarkedUnknown.every((t) => nodeCondition(cached, t)?.status === "Unknown" || (t !== "Ready" && !nodeCondition(cached, t)))) {
      return { node: cached, wasReady, ready: "Unknown" };
    }
    const updated = await this.setConditionsUnknown(name, signal);
    return { node: updated ?? cached, wasReady, ready: "Unknown" };
  }

  private async setConditionsUnknown(name: string, signal: AbortSignal): Promise<Node | undefined> {
    const at = formatTime(this.clock.now());
    for (let attempt = 0; ; attempt++) {
      const node = attempt === 0 ? structuredClone(this.nodes.get(name)) : await this.client.get(nodes, name, { signal });
      if (!node) return undefined;
      const conditions: NodeCondition[] = [...(node.status?.conditions ?? [])];
      let changed = false;
      for (const type of conditionsMarkedUnknown) {
        const c = conditions.find((x) => x.type === type);
        if (!c) {
          conditions.push({ type, status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: at });
          changed = true;
        } else if (c.status !== "Unknown") {
          Object.assign(c, { status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: at });
          changed = true;
        }
      }
      if (!changed) return node;
      try {
        return await this.client.updateStatus(nodes, { ...node, status: { ...node.status, conditions } }, { signal });
      } catch (err) {
        if (attempt < 3 && isApiError(err, "Conflict")) continue;
        throw err;
      }
    }
  }

  /** MarkPodsNotReady: Ready=False on every pod of the node that still says True, and a NodeNotReady event. */
  private async markPodsNotReady(nodeName: string, signal: AbortSignal): Promise<void> {
    for (const cached of this.pods.byIndex(podNodeIndex, nodeName)) {
      const ready = cached.status?.conditions?.find((c) => c.type === "Ready");
      if (!ready || ready.status === "False") continue;
      const pod = structuredClone(cached);
      const c = pod.status?.conditions?.find((x) => x.type === "Ready") as NonNullable<typeof ready>;
      c.status = "False";
      c.lastTransitionTime = formatTime(this.clock.now());
      try {
        await this.client.updateStatus(pods, pod, { signal });
        this.options.events?.event(pod, "Warning", "NodeNotReady", "Node is not ready");
      } catch (err) {
        // Gone or changed meanwhile: the next pass looks again.
        if (!isApiError(err, "NotFound") && !isApiError(err, "Conflict")) this.options.onError?.(`${pod.metadata.namespace}/${pod.metadata.name}`, err);
      }
    }
  }

  /**
   * The Ready status taints follow: the condition, except that Unknown counts as True for
   * a node whose Lease (or heartbeat) we have seen advance within the grace period.
   */
  private effectiveReady(node: Node): string | undefined {
    const status = nodeCondition(node, "Ready")?.status;
    const health = this.health.get(node.metadata.name ?? "");
    if (status === "Unknown" && health?.signalled && this.clock.now() <= health.probeMs + this.graceMs) return "True";
    return status;
  }

  /** The taints a node should carry for its conditions (doNoScheduleTaintingPass + doNoExecuteTaintingPass). */
  desiredTaints(node: Node): Taint[] {
    const name = node.metadata.name ?? "";
    const health = this.health.get(name);
    const readyStatus = this.effectiveReady(node);
    const out: Taint[] = [];
    const add = (key: string, effect: string): void => void out.push({ key, effect });
    if (readyStatus === "False") add(taintNodeNotReady, "NoSchedule");
    if (readyStatus === "Unknown") add(taintNodeUnreachable, "NoSchedule");
    if (nodeCondition(node, "MemoryPressure")?.status === "True") add(taintNodeMemoryPressure, "NoSchedule");
    if (nodeCondition(node, "DiskPressure")?.status === "True") add(taintNodeDiskPressure, "NoSchedule");
    if (nodeCondition(node, "PIDPressure")?.status === "True") add(taintNodePIDPressure, "NoSchedule");
    if (nodeCondition(node, "NetworkUnavailable")?.status === "True") add(taintNodeNetworkUnavailable, "NoSchedule");
    if (node.spec?.unschedulable) add(taintNodeUnschedulable, "NoSchedule");
    // NoExecute taints only once we have judged the node ourselves, and not in full disruption.
    if (health && !this.fullDisruption) {
      if (readyStatus === "False") add(taintNodeNotReady, "NoExecute");
      if (readyStatus === "Unknown") add(taintNodeUnreachable, "NoExecute");
    }
    return out;
  }

  /** Brings one node's controller-owned taints in line with its conditions. */
  async reconcileTaints(name: string, signal: AbortSignal): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const desired = this.desiredTaints(node);
    const current = node.spec?.taints ?? [];
    const same = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
    const owned = current.filter(isControllerTaint);
    const toAdd = desired.filter((d) => !owned.some((c) => same(c, d)));
    const toRemove = owned.filter((c) => !desired.some((d) => same(c, d)));
    if (toAdd.length === 0 && toRemove.length === 0) return;
    const at = formatTime(this.clock.now());
    const taints = [...current.filter((c) => !toRemove.includes(c)), ...toAdd.map((t) => ({ ...t, timeAdded: at }))];
    try {
      await this.client.update(nodes, { ...node, spec: { ...node.spec, taints } }, { signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err; // a conflict: the update event enqueues the node again
    }
  }
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
