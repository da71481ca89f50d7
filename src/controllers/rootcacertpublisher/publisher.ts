import type { ConfigMap, Namespace } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, realClock, resource, runWorkers, type Client, type Clock, type Informer, type InformerFactory } from "../../client/index.js";

const namespaces = resource<Namespace>("", "v1", "namespaces", "Namespace", false);
const configMaps = resource<ConfigMap>("", "v1", "configmaps", "ConfigMap", true);

/** The ConfigMap every namespace gets (RootCACertConfigMapName). */
export const rootCACertConfigMapName = "kube-root-ca.crt";
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

export interface RootCACertPublisherOptions {
  client: Client;
  informers: InformerFactory;
  /** The cluster CA, PEM. */
  rootCA: string;
  clock?: Clock;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher):
 * every active namespace has a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the cluster
 * CA; one deleted or changed is put back. Pods read it from their projected
 * `kube-api-access-*` volume.
 */
export class RootCACertPublisher {
  private readonly o: RootCACertPublisherOptions;
  private readonly namespaces: Informer<Namespace>;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly queue: WorkQueue;

  constructor(options: RootCACertPublisherOptions) {
    this.o = options;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "root_ca_cert_publisher" });
    this.namespaces = options.informers.informer(namespaces);
    this.configMaps = options.informers.informer(configMaps);
    const enqueueNs = (ns: Namespace): void => {
      if (ns.metadata.name) this.queue.add(ns.metadata.name);
    };
    this.namespaces.addHandler({ add: enqueueNs, update: (_, ns) => enqueueNs(ns) });
    const enqueueCm = (cm: ConfigMap): void => {
      if (cm.metadata.name === rootCACertConfigMapName && cm.metadata.namespace) this.queue.add(cm.metadata.namespace);
    };
    this.configMaps.addHandler({ update: (_, cm) => enqueueCm(cm), delete: enqueueCm });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.namespaces.waitForSync(signal), this.configMaps.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.o.workers ?? 1, signal, onError: this.o.onError });
    }
    this.queue.shutDown();
  }

  /** syncNamespace: create the ConfigMap, or set its ca.crt back. */
  async reconcile(ns: string, signal: AbortSignal): Promise<void> {
    const namespace = this.namespaces.get(ns);
    if (!namespace || namespace.metadata.deletionTimestamp || namespace.status?.phase === "Terminating") return;
    const current = this.configMaps.get(`${ns}/${rootCACertConfigMapName}`);
    const data = { "ca.crt": this.o.rootCA };
    try {
      if (!current) {
        await this.o.client.create(
          configMaps,
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: rootCACertConfigMapName, namespace: ns, annotations: { "kubernetes.io/description": description } }, data },
          { signal },
        );
        return;
      }
      if (current.data?.["ca.crt"] === this.o.rootCA && Object.keys(current.data).length === 1) return;
      await this.o.client.update(configMaps, { ...current, data, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), "kubernetes.io/description": description } } }, { signal });
    } catch (err) {
      if (isApiError(err, "AlreadyExists") || isApiError(err, "NotFound")) return; // the cache catches up and requeues
      if (isApiError(err, "Forbidden")) return; // the namespace began terminating
      throw err;
    }
  }
}
