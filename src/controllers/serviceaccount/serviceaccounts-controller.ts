import type { Namespace, ServiceAccount } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, realClock, resource, runWorkers, type Client, type Clock, type Informer, type InformerFactory } from "../../client/index.js";

const namespaces = resource<Namespace>("", "v1", "namespaces", "Namespace", false);
const serviceAccounts = resource<ServiceAccount>("", "v1", "serviceaccounts", "ServiceAccount", true);

/** The ServiceAccount every namespace gets (upstream's --service-account names default). */
export const defaultServiceAccountName = "default";

export interface ServiceAccountsControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The serviceaccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * every active namespace has a ServiceAccount named "default"; one that is deleted is made
 * again. Terminating namespaces are left alone (creating in them is forbidden anyway).
 *
 *   const sa = new ServiceAccountsController({ client, informers });
 *   informers.start(signal);
 *   await sa.start(signal);
 */
export class ServiceAccountsController {
  private readonly client: Client;
  private readonly options: ServiceAccountsControllerOptions;
  private readonly namespaces: Informer<Namespace>;
  private readonly serviceAccounts: Informer<ServiceAccount>;
  private readonly queue: WorkQueue;

  constructor(options: ServiceAccountsControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "serviceaccount" });
    this.namespaces = options.informers.informer(namespaces);
    this.serviceAccounts = options.informers.informer(serviceAccounts);
    const enqueueNamespace = (ns: Namespace): void => {
      if (ns.metadata.name) this.queue.add(ns.metadata.name);
    };
    this.namespaces.addHandler({ add: enqueueNamespace, update: (_, ns) => enqueueNamespace(ns) });
    this.serviceAccounts.addHandler({
      // Only a deleted "default" needs work: its namespace gets it back.
      delete: (sa) => {
        if (sa.metadata.name === defaultServiceAccountName && sa.metadata.namespace) this.queue.add(sa.metadata.namespace);
      },
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.namespaces.waitForSync(signal), this.serviceAccounts.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 1, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  /** Makes sure namespace `name` has its default ServiceAccount (syncNamespace). */
  async reconcile(name: string, signal: AbortSignal): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") return;
    if (this.serviceAccounts.get(`${name}/${defaultServiceAccountName}`)) return;
    try {
      await this.client.create(serviceAccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: defaultServiceAccountName, namespace: name } }, { signal });
    } catch (err) {
      if (isApiError(err, "AlreadyExists")) return;
      // The namespace began terminating after our cache looked: nothing to do.
      if (isApiError(err, "Forbidden") || isApiError(err, "NotFound")) return;
      throw err;
    }
  }
}
