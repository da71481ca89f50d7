import type { Namespace } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { Informer, WorkQueue, realClock, resource, runWorkers, type Client, type Clock, type ReconcileResult } from "../../client/index.js";
import { updateNamespaceConditions } from "./conditions.js";
import { deleteAllContent } from "./content-deleter.js";

const namespaces = resource<Namespace>("", "v1", "namespaces", "Namespace", false);

/** The spec.finalizer this controller owns (upstream's v1.FinalizerKubernetes). */
export const kubernetesFinalizer = "kubernetes";

export interface NamespaceControllerOptions {
  client: Client;
  clock?: Clock;
  /** Namespaces emptied at once (upstream's --concurrent-namespace-syncs, default 10). */
  workers?: number;
  /** Told about each failed pass (the key is retried with back-off). */
  onError?: (key: string, err: unknown) => void;
}

/**
 * The namespace controller (pkg/controller/namespace): a namespace with a
 * deletionTimestamp is emptied of every namespaced object, its deletion conditions kept
 * current, and then "kubernetes" is removed from spec.finalizers through
 * `namespaces/finalize`, after which the API server removes the namespace.
 *
 * While objects remain (finalizers, graceful pod termination) the key is looked at again
 * after half the estimated wait plus a second, as upstream; failures retry with back-off.
 *
 *   const nc = new NamespaceController({ client });
 *   await nc.start(signal); // until signal aborts
 */
export class NamespaceController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: NamespaceControllerOptions;
  readonly informer: Informer<Namespace>;
  private readonly queue: WorkQueue;

  constructor(options: NamespaceControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.informer = new Informer<Namespace>({ client: this.client, resource: namespaces, clock: this.clock, resyncPeriodMs: 5 * 60_000 });
    this.queue = new WorkQueue({ clock: this.clock, name: "namespace" });
    const enqueue = (ns: Namespace): void => {
      if (ns.metadata.deletionTimestamp && ns.metadata.name) this.queue.add(ns.metadata.name);
    };
    this.informer.addHandler({ add: enqueue, update: (_, ns) => enqueue(ns) });
  }

  /** Watches namespaces and empties the deleted ones until `signal` aborts; resolves once stopped. */
  async start(signal: AbortSignal): Promise<void> {
    const informing = this.informer.start(signal);
    if (await this.informer.waitForSync(signal)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 10, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
    await informing;
  }

  /** One pass over one namespace (upstream's syncNamespaceFromKey + namespacedResourcesDeleter.Delete). */
  async reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.informer.get(name);
    if (!cached?.metadata.deletionTimestamp) return;
    // Several controllers edit a terminating namespace: act on the latest.
    let ns: Namespace;
    try {
      ns = await this.client.get(namespaces, name, { signal });
    } catch (err) {
      if (isApiError(err) && err.code === 404) return;
      throw err;
    }
    const deletionTimestamp = ns.metadata.deletionTimestamp;
    if (!deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return;

    if (ns.status?.phase !== "Terminating") {
      ns = await this.client.updateStatus(namespaces, { ...ns, status: { ...ns.status, phase: "Terminating" } }, { signal });
    }

    const pass = await deleteAllContent(this.client, { name, deletedAtMs: Date.parse(deletionTimestamp) }, { nowMs: this.clock.now(), signal });
    const { conditions, changed } = updateNamespaceConditions(ns.status?.conditions ?? [], pass.report, new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"));
    if (changed) {
      try {
        ns = await this.client.updateStatus(namespaces, { ...ns, status: { ...ns.status, conditions } }, { signal });
      } catch (err) {
        // Conditions are informative; a conflict is fixed by the next pass.
        if (isApiError(err) && err.code === 404) return;
        if (!(isApiError(err) && err.code === 409)) throw err;
      }
    }

    const failed = pass.report.discoveryError !== undefined || pass.report.contentErrors.length > 0;
    if (failed) {
      throw new Error(`namespace ${name}: ${[pass.report.discoveryError, ...pass.report.contentErrors].filter(Boolean).join("; ")}`);
    }
    if (pass.remaining > 0 || pass.estimateSeconds > 0) return { requeueAfterMs: (Math.floor(pass.estimateSeconds / 2) + 1) * 1000 };

    await this.finalize(name, signal);
  }

  /** Removes our token from spec.finalizers through namespaces/finalize, retrying on conflict. */
  private async finalize(name: string, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let ns: Namespace;
      try {
        ns = await this.client.get(namespaces, name, { signal });
        const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer);
        if (finalizers.length === ns.spec?.finalizers?.length) return;
        await this.client.updateSubresource(namespaces, name, { ...ns, apiVersion: "v1", kind: "Namespace", spec: { ...ns.spec, finalizers } }, { subresource: "finalize", signal });
        return;
      } catch (err) {
        if (isApiError(err) && err.code === 404) return;
        if (isApiError(err) && err.code === 409 && attempt < 5) continue;
        throw err;
      }
    }
  }
}
