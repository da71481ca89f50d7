import type { LoadBalancerIngress, Node, Service } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, keyOf, realClock, resource, runWorkers, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";

const servicesRes = resource<Service>("", "v1", "services", "Service", true);
const nodesRes = resource<Node>("", "v1", "nodes", "Node", false);

export interface ServiceLbControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/** Whether this controller serves a Service: type LoadBalancer without a loadBalancerClass (k3s's rule). */
export function managedLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === "LoadBalancer" && !svc.spec.loadBalancerClass;
}

/**
 * The ingress points of a managed Service: the InternalIPs of the Ready nodes (of all
 * nodes while none is Ready), sorted, since every node's service proxy serves the
 * Service's port on its own addresses.
 */
export function desiredIngress(nodes: readonly Node[]): LoadBalancerIngress[] {
  const isReady = (n: Node) => (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  const usable = nodes.filter((n) => !n.metadata.deletionTimestamp);
  const ready = usable.filter(isReady);
  const ips = new Set<string>();
  for (const n of ready.length > 0 ? ready : usable) {
    for (const a of n.status?.addresses ?? []) if (a.type === "InternalIP" && a.address) ips.add(a.address);
  }
  return [...ips].sort(compareIPs).map((ip) => ({ ip, ipMode: "VIP" }));
}

function compareIPs(a: string, b: string): number {
  const n = (ip: string) => ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
  return n(a) - n(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The service load balancer for clusters without a cloud, as k3s's servicelb: a Service
 * of type LoadBalancer (no loadBalancerClass) gets the nodes' InternalIPs in
 * status.loadBalancer.ingress, and the service proxy on every node serves its port on
 * those addresses. Services with another loadBalancerClass are left to their controller.
 */
export class ServiceLbController {
  private readonly client: Client;
  private readonly options: ServiceLbControllerOptions;
  readonly services: Informer<Service>;
  readonly nodes: Informer<Node>;
  private readonly queue: WorkQueue;

  constructor(options: ServiceLbControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "servicelb" });
    this.services = options.informers.informer(servicesRes);
    this.nodes = options.informers.informer(nodesRes);
    const enqueue = (s: Service): void => {
      if (managedLoadBalancer(s)) this.queue.add(keyOf(s));
    };
    this.services.addHandler({ add: enqueue, update: (_, s) => enqueue(s) });
    const allServices = (): void => {
      for (const s of this.services.list()) enqueue(s);
    };
    this.nodes.addHandler({ add: allServices, update: (a, b) => (nodeFacts(a) !== nodeFacts(b) ? allServices() : undefined), delete: allServices });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.services.waitForSync(signal), this.nodes.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 2, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const svc = this.services.get(key);
    if (!svc || svc.metadata.deletionTimestamp || !managedLoadBalancer(svc)) return;
    const want = desiredIngress(this.nodes.list());
    const have = svc.status?.loadBalancer?.ingress ?? [];
    if (JSON.stringify(have) === JSON.stringify(want)) return;
    try {
      await this.client.updateStatus(servicesRes, { ...svc, status: { ...svc.status, loadBalancer: { ingress: want } } }, { signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err; // a conflict retries from the fresher cache
    }
  }
}

function nodeFacts(n: Node): string {
  const ready = (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  return JSON.stringify([ready, (n.status?.addresses ?? []).filter((a) => a.type === "InternalIP").map((a) => a.address)]);
}
