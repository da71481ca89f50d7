import type { Lease, Node, NodeCondition } from "../../api/index.js";
import { realClock, resource, type Client, type Clock } from "../../client/index.js";
import { isApiError } from "../../machinery/index.js";
import type { MachineInfo } from "./machine-info.js";
import { computeNodeStatus, nodeStatusChanged, pickPodCidr, type NodeHealth } from "./node-status.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const leases = resource<Lease>("coordination.k8s.io", "v1", "leases", "Lease", true);

/** Upstream defaults: lease renewal every 10 s with a 40 s duration; status computed every 10 s, written on change or every 5 min. */
export const leaseRenewMs = 10_000;
export const leaseDurationSeconds = 40;
export const nodeStatusUpdateMs = 10_000;
export const nodeStatusReportMs = 5 * 60_000;

export interface NodeAgentOptions {
  client: Client;
  nodeName: string;
  machine: MachineInfo;
  /** Sampled on each status tick. */
  health: () => Promise<NodeHealth> | NodeHealth;
  containerRuntimeVersion: () => Promise<string> | string;
  /** --pod-cidr; otherwise kept from the Node or picked as 10.244.<n>.0/24. */
  podCidr?: string;
  /**
   * Without --pod-cidr, leave spec.podCIDR to the controller manager's node IPAM
   * controller and wait for it, as upstream's kubelet does (k8ts server and agent); false
   * (in-process tests without controllers) picks 10.244.<n>.0/24 itself.
   */
  podCidrFromController?: boolean;
  labels?: Record<string, string>;
  maxPods?: number;
  /** The port of the kubelet's HTTPS server, reported in daemonEndpoints. */
  kubeletPort?: number;
  clock?: Clock;
  onError?: (err: unknown) => void;
}

/**
 * The node's half of the kubelet: registers the Node (kubelet_node_status.go
 * registerWithAPIServer), renews its Lease in kube-node-lease (pkg/kubelet/nodelease), and
 * keeps node status current (tryUpdateNodeStatus).
 *
 *   const agent = new NodeAgent({ client, nodeName, machine, health, containerRuntimeVersion });
 *   const node = await agent.register(signal);   // node.spec.podCIDR is set
 *   void agent.run(signal);
 */
export class NodeAgent {
  private readonly o: NodeAgentOptions;
  private readonly clock: Clock;
  private lastWrite = 0;
  private node?: Node;
  private lease?: Lease;

  constructor(options: NodeAgentOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
  }

  /** The last Node seen. */
  current(): Node | undefined {
    return this.node;
  }

  /** Creates the Node, or adopts the existing one (labels merged, podCIDR kept), and writes its first status. */
  async register(signal?: AbortSignal): Promise<Node> {
    const { client, nodeName } = this.o;
    const status = await this.status(undefined);
    const labels = {
      "kubernetes.io/hostname": nodeName,
      "kubernetes.io/os": this.o.machine.operatingSystem,
      "kubernetes.io/arch": this.o.machine.architecture,
      "beta.kubernetes.io/os": this.o.machine.operatingSystem,
      "beta.kubernetes.io/arch": this.o.machine.architecture,
      ...this.o.labels,
    };
    for (;;) {
      signal?.throwIfAborted();
      try {
        const existing = await client.get(nodes, nodeName, { signal }).catch((err: unknown) => {
          if (isApiError(err, "NotFound")) return undefined;
          throw err;
        });
        if (!existing) {
          // Listing every Node only to pick a free CIDR: never when --pod-cidr names one (k8ts
          // sim registers 5,000 nodes; a list per registration made that quadratic).
          const podCIDR = this.o.podCidr ?? (this.o.podCidrFromController ? undefined : pickPodCidr((await client.list(nodes, { signal })).items, nodeName));
          const created = await client.create(nodes, {
            apiVersion: "v1",
            kind: "Node",
            metadata: { name: nodeName, labels, annotations: { "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true" } },
            spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
            status,
          }, { signal });
          this.node = created;
        } else {
          const updated: Node = { ...existing, metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...labels } } };
          if (!existing.spec?.podCIDR && (this.o.podCidr || !this.o.podCidrFromController)) {
            const podCIDR = this.o.podCidr ?? pickPodCidr((await client.list(nodes, { signal })).items, nodeName);
            updated.spec = { ...existing.spec, podCIDR, podCIDRs: [podCIDR] };
          }
          const written = await client.update(nodes, updated, { signal });
          this.node = await client.updateStatus(nodes, { ...written, status: { ...written.status, ...(await this.status(written.status?.conditions)) } }, { signal });
        }
        this.lastWrite = this.clock.now();
        if (!this.node.spec?.podCIDR) this.node = await this.waitForPodCidr(signal);
        return this.node;
      } catch (err) {
        if (signal?.aborted) throw err;
        this.o.onError?.(err);
        await this.clock.sleep(2000, signal);
      }
    }
  }

  /** Polls the Node until the node IPAM controller has written spec.podCIDR. */
  private async waitForPodCidr(signal?: AbortSignal): Promise<Node> {
    for (let i = 0; ; i++) {
      await this.clock.sleep(i === 0 ? 200 : 1000, signal);
      const node = await this.o.client.get(nodes, this.o.nodeName, { signal });
      if (node.spec?.podCIDR) return node;
      if (i === 10) this.o.onError?.(new Error(`node ${this.o.nodeName} has no spec.podCIDR yet: waiting for the controller manager's node IPAM controller`));
    }
  }

  /** Renews the Lease and keeps status current until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.loop(leaseRenewMs, () => this.renewLease(signal), signal), this.loop(nodeStatusUpdateMs, () => this.syncStatus(signal), signal)]);
  }

  /** Creates or renews the node's Lease (holder = node, 40 s, owned by the Node). */
  async renewLease(signal?: AbortSignal): Promise<void> {
    const { client, nodeName } = this.o;
    const renewTime = microTime(this.clock.now());
    // Renew from the Lease last written without reading it first; read it only when that
    // fails (pkg/kubelet/nodelease: latestLease), so a renewal is one request.
    if (this.lease) {
      try {
        this.lease = await client.update(leases, { ...this.lease, spec: { ...this.lease.spec, holderIdentity: nodeName, leaseDurationSeconds, renewTime } }, { signal });
        return;
      } catch (err) {
        this.lease = undefined;
        if (signal?.aborted) throw err;
      }
    }
    try {
      const lease = await client.get(leases, nodeName, { namespace: "kube-node-lease", signal });
      this.lease = await client.update(leases, { ...lease, spec: { ...lease.spec, holderIdentity: nodeName, leaseDurationSeconds, renewTime } }, { signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
      const owner = this.node?.metadata.uid
        ? [{ apiVersion: "v1", kind: "Node", name: nodeName, uid: this.node.metadata.uid }]
        : undefined;
      this.lease = await client.create(leases, {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: nodeName, namespace: "kube-node-lease", ownerReferences: owner },
        spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime },
      }, { signal });
    }
  }

  /** Recomputes status; writes it when it changed or the report period passed. */
  async syncStatus(signal?: AbortSignal): Promise<boolean> {
    try {
      return await this.trySyncStatus(true, signal);
    } catch (err) {
      // A Node read from the watch cache can be a moment behind a write of our own or the
      // controllers': read it from the store and try once more (upstream's tryNumber > 0).
      if (!isApiError(err, "Conflict")) throw err;
      return await this.trySyncStatus(false, signal);
    }
  }

  private async trySyncStatus(fromCache: boolean, signal?: AbortSignal): Promise<boolean> {
    const { client, nodeName } = this.o;
    // resourceVersion "0": served from the API server's watch cache, as upstream's kubelet
    // reads its Node every 10 s (util.FromApiserverCache) — 5,000 nodes make 500 such GETs a second.
    const node = await client.get(nodes, nodeName, { signal, ...(fromCache ? { resourceVersion: "0" } : {}) });
    const fresh = await this.status(node.status?.conditions);
    const due = this.clock.now() - this.lastWrite >= nodeStatusReportMs;
    const changed = nodeStatusChanged({ ...node.status, images: undefined }, fresh);
    this.node = node;
    if (!changed && !due) return false;
    this.node = await client.updateStatus(nodes, { ...node, status: { ...node.status, ...fresh } }, { signal });
    this.lastWrite = this.clock.now();
    return true;
  }

  private async status(previous: NodeCondition[] | undefined) {
    return computeNodeStatus({
      machine: this.o.machine,
      health: await this.o.health(),
      containerRuntimeVersion: await this.o.containerRuntimeVersion(),
      maxPods: this.o.maxPods,
      kubeletPort: this.o.kubeletPort,
      now: rfc3339(this.clock.now()),
      previous,
    });
  }

  private async loop(periodMs: number, tick: () => Promise<unknown>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await tick();
      } catch (err) {
        if (signal.aborted) return;
        this.o.onError?.(err);
      }
      try {
        await this.clock.sleep(periodMs, signal);
      } catch {
        return;
      }
    }
  }
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}
