import type { Node } from "../../api/index.js";
import { WorkQueue, realClock, resource, runWorkers, type Client, type Clock, type EventRecorder, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";
import { CidrSet } from "./cidr-set.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);

export interface NodeIpamControllerOptions {
  client: Client;
  informers: InformerFactory;
  /** --cluster-cidr (k8ts default 10.42.0.0/16, as k3s). */
  clusterCidr: string;
  /** --node-cidr-mask-size (default 24). */
  nodeCidrMaskSize?: number;
  clock?: Clock;
  events?: EventRecorder;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The node IPAM controller with upstream's RangeAllocator
 * (pkg/controller/nodeipam/ipam/range_allocator.go): every Node without spec.podCIDR gets
 * the next free /24 of the cluster CIDR in spec.podCIDR and spec.podCIDRs; CIDRs nodes
 * already hold are marked used first (a node keeps its CIDR across restarts of either
 * side) and freed when the Node goes. One worker, so two nodes never get one CIDR.
 */
export class NodeIpamController {
  private readonly client: Client;
  private readonly options: NodeIpamControllerOptions;
  private readonly nodes: Informer<Node>;
  private readonly queue: WorkQueue;
  readonly cidrs: CidrSet;
  /** Node name → the CIDR given to it (kept until its Node is deleted). */
  private readonly given = new Map<string, string>();

  constructor(options: NodeIpamControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.cidrs = new CidrSet(options.clusterCidr, options.nodeCidrMaskSize ?? 24);
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "nodeipam" });
    this.nodes = options.informers.informer(nodes);
    this.nodes.addHandler({
      add: (n) => this.observe(n),
      update: (_, n) => this.observe(n),
      delete: (n) => {
        const cidr = n.spec?.podCIDR ?? this.given.get(n.metadata.name ?? "");
        if (cidr) this.cidrs.release(cidr);
        this.given.delete(n.metadata.name ?? "");
      },
    });
  }

  private observe(n: Node): void {
    for (const cidr of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) this.cidrs.occupy(cidr);
    if (!n.spec?.podCIDR) this.queue.add(n.metadata.name ?? "");
  }

  async start(signal: AbortSignal): Promise<void> {
    if (await this.nodes.waitForSync(signal)) {
      // Occupy every held CIDR before the first allocation (upstream: NewCIDRRangeAllocator occupies on start).
      for (const n of this.nodes.list()) this.observe(n);
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: 1, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const node = this.nodes.get(name);
    if (!node || node.spec?.podCIDR) return;
    let cidr = this.given.get(name);
    if (!cidr) {
      cidr = this.cidrs.allocateNext();
      if (!cidr) {
        this.options.events?.event({ ...node, apiVersion: "v1", kind: "Node" }, "Normal", "CIDRNotAvailable", `Node ${name} status is now: CIDRNotAvailable`);
        return { requeueAfterMs: 30_000 };
      }
      this.given.set(name, cidr);
    }
    try {
      // Upstream's PatchNodeCIDRs: a strategic merge patch of spec.podCIDR and spec.podCIDRs.
      await this.client.patch(nodes, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { type: "strategic", signal });
    } catch (err) {
      const current = this.nodes.get(name);
      if (!current) {
        this.cidrs.release(cidr);
        this.given.delete(name);
        return;
      }
      throw err;
    }
  }
}
