import type { EndpointSlice, Node, Pod, Service } from "../../api/index.js";
import { isApiError, labelSelectorFromSet } from "../../machinery/index.js";
import { WorkQueue, ensureIndex, keyOf, namespaceIndex, realClock, resource, runWorkers, type Client, type Clock, type EventRecorder, type Informer, type InformerFactory } from "../../client/index.js";
import { desiredPortGroups } from "./desired.js";
import { planSlices } from "./plan.js";
import { isServiceIPSet } from "./pod-endpoints.js";
import { TriggerTimeTracker } from "./trigger-time-tracker.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const endpointSlices = resource<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);

export const serviceNameLabel = "kubernetes.io/service-name";
export const managedByLabel = "endpointslice.kubernetes.io/managed-by";
export const endpointSliceControllerName = "endpointslice-controller.k8s.io";
const headlessServiceLabel = "service.kubernetes.io/headless";
const lastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";
const sliceServiceIndex = "endpointslice-controller/service";
const podNodeIndex = "spec.nodeName";

export interface EndpointSliceControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  events?: EventRecorder;
  /** --max-endpoints-per-slice (default 100). */
  maxEndpointsPerSlice?: number;
  /** --concurrent-service-endpoint-syncs (default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a
 * selector, EndpointSlices named `<service>-<random>` (generateName), labelled
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by:
 * endpointslice-controller.k8s.io`, owned by the Service, holding at most
 * `maxEndpointsPerSlice` endpoints each: one per backing pod with its conditions
 * (ready/serving/terminating), nodeName, zone and targetRef; pods whose ports resolve
 * differently go to different slices. A Service without endpoints has one empty
 * placeholder slice.
 *
 * Slices are created with generated names, so a cache that has not seen our own writes
 * yet would make us create twice: like upstream's endpointSliceTracker, the resource
 * versions we wrote are remembered and a Service is not synced until the cache has them.
 */
export class EndpointSliceController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: EndpointSliceControllerOptions;
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly queue: WorkQueue;
  private readonly triggerTimes = new TriggerTimeTracker();
  /** Service key → slice name → the resourceVersion we wrote, or "deleted". */
  private readonly written = new Map<string, Map<string, string>>();

  constructor(options: EndpointSliceControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "endpoint_slice" });
    this.services = options.informers.informer(services);
    this.pods = options.informers.informer(pods);
    this.nodes = options.informers.informer(nodes);
    this.slices = options.informers.informer(endpointSlices);
    ensureIndex(this.slices, sliceServiceIndex, (s) => {
      const svc = s.metadata.labels?.[serviceNameLabel];
      return svc && s.metadata.labels?.[managedByLabel] === endpointSliceControllerName ? [`${s.metadata.namespace}/${svc}`] : [];
    });
    ensureIndex(this.pods, podNodeIndex, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));

    const enqueueService = (svc: Service): void => this.queue.add(keyOf(svc));
    this.services.addHandler({ add: enqueueService, update: (_, svc) => enqueueService(svc), delete: enqueueService });
    this.pods.addHandler({
      add: (pod) => this.enqueuePodServices(pod),
      update: (old, pod) => {
        if (old.metadata.resourceVersion !== pod.metadata.resourceVersion) this.enqueuePodServices(pod, old);
      },
      delete: (pod) => this.enqueuePodServices(pod),
    });
    const onSlice = (slice: EndpointSlice): void => {
      const svc = slice.metadata.labels?.[serviceNameLabel];
      if (svc && slice.metadata.labels?.[managedByLabel] === endpointSliceControllerName) this.queue.add(`${slice.metadata.namespace}/${svc}`);
    };
    this.slices.addHandler({
      add: onSlice,
      update: (_, s) => onSlice(s),
      delete: (s) => {
        // Deleted by someone else after our write: don't wait for our version of it.
        const svc = s.metadata.labels?.[serviceNameLabel];
        if (svc) this.written.get(`${s.metadata.namespace}/${svc}`)?.delete(s.metadata.name ?? "");
        onSlice(s);
      },
    });
    // A node that appears, goes, or changes zone changes the endpoints of its pods.
    const onNode = (node: Node, old?: Node): void => {
      if (old && old.metadata.labels?.["topology.kubernetes.io/zone"] === node.metadata.labels?.["topology.kubernetes.io/zone"]) return;
      for (const pod of this.pods.byIndex(podNodeIndex, node.metadata.name ?? "")) this.enqueuePodServices(pod);
    };
    this.nodes.addHandler({ add: (n) => onNode(n), update: (o, n) => onNode(n, o), delete: (n) => onNode(n) });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.services, this.pods, this.nodes, this.slices].map((i) => i.waitForSync(signal)));
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  private enqueuePodServices(pod: Pod, old?: Pod): void {
    for (const svc of this.services.byIndex(namespaceIndex, pod.metadata.namespace ?? "")) {
      const selector = svc.spec?.selector;
      if (!selector || Object.keys(selector).length === 0) continue;
      const sel = labelSelectorFromSet(selector);
      if (sel.matches(pod.metadata.labels) || (old && sel.matches(old.metadata.labels))) this.queue.add(keyOf(svc));
    }
  }

  /** True when the cache holds every slice version we wrote for this Service (and none we deleted). */
  private cacheIsCurrent(key: string, namespace: string): boolean {
    const written = this.written.get(key);
    if (!written) return true;
    for (const [name, rv] of written) {
      const cached = this.slices.get(`${namespace}/${name}`);
      if (rv === "deleted") {
        if (cached) return false;
      } else if (!cached || !rvAtLeast(cached.metadata.resourceVersion, rv)) {
        return false;
      }
      written.delete(name);
    }
    if (written.size === 0) this.written.delete(key);
    return true;
  }

  private remember(key: string, name: string, rv: string): void {
    let written = this.written.get(key);
    if (!written) this.written.set(key, (written = new Map()));
    written.set(name, rv);
  }

  /** syncService: one Service's slices made to match its pods. */
  async reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfterMs?: number } | void> {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    // Our last writes are not in the cache yet; their events enqueue the Service again.
    if (!this.cacheIsCurrent(key, namespace)) return { requeueAfterMs: 1000 };
    const existing = this.slices.byIndex(sliceServiceIndex, key);
    const service = this.services.get(key);
    if (!service) {
      // The garbage collector would remove them through ownerReferences; don't leave proxies waiting.
      this.triggerTimes.deleteService(namespace, name);
      for (const slice of existing) await this.deleteSlice(key, slice, signal);
      return;
    }
    if (service.spec?.type === "ExternalName") return;
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) return;

    const sel = labelSelectorFromSet(selector);
    const selected = this.pods.byIndex(namespaceIndex, namespace).filter((p) => sel.matches(p.metadata.labels));
    const triggerTime = this.triggerTimes.compute(service, selected);
    const families = (service.spec?.ipFamilies?.length ? service.spec.ipFamilies : ["IPv4"]).filter((f): f is "IPv4" | "IPv6" => f === "IPv4" || f === "IPv6");
    const labels = sliceLabels(service);
    const refreshMeta = (slice: EndpointSlice): EndpointSlice => {
      const annotations = { ...(slice.metadata.annotations ?? {}) };
      if (triggerTime) annotations[lastChangeTriggerTimeAnnotation] = triggerTime;
      else delete annotations[lastChangeTriggerTimeAnnotation];
      return { ...slice, metadata: { ...slice.metadata, labels, annotations } };
    };
    const ownerReferences = [{ apiVersion: "v1", kind: "Service", name, uid: service.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }];
    const prefix = `${name}-`.length <= 253 ? `${name}-` : name;

    // Slices of an address type the Service no longer has go; each family is planned on its own.
    const create: EndpointSlice[] = [];
    const update: EndpointSlice[] = [];
    const remove: EndpointSlice[] = existing.filter((s) => !families.includes(s.addressType as "IPv4" | "IPv6"));
    for (const addressType of families) {
      const groups = desiredPortGroups(service, selected, addressType, (n) => this.nodes.get(n));
      const plan = planSlices(
        existing.filter((s) => s.addressType === addressType),
        groups,
        {
          addressType,
          maxEndpointsPerSlice: this.options.maxEndpointsPerSlice ?? 100,
          newSlice: ({ ports }) =>
            refreshMeta({
              apiVersion: "discovery.k8s.io/v1",
              kind: "EndpointSlice",
              metadata: { generateName: prefix, namespace, ownerReferences },
              addressType,
              endpoints: [],
              ...(ports.length ? { ports } : {}),
            }),
          metaUpToDate: (slice) => labelsEqual(slice.metadata.labels, labels),
          refreshMeta,
        },
      );
      create.push(...plan.create);
      update.push(...plan.update);
      remove.push(...plan.delete);
    }

    // Creates and updates before deletes, so endpoints moving between slices never vanish.
    for (const slice of create) {
      const made = await this.client.create(endpointSlices, slice, { signal });
      this.remember(key, made.metadata.name ?? "", made.metadata.resourceVersion ?? "");
    }
    for (const slice of update) {
      try {
        const done = await this.client.update(endpointSlices, slice, { signal });
        this.remember(key, done.metadata.name ?? "", done.metadata.resourceVersion ?? "");
      } catch (err) {
        if (isApiError(err, "NotFound")) continue; // deleted meanwhile: the next sync makes what is missing
        throw err;
      }
    }
    for (const slice of remove) await this.deleteSlice(key, slice, signal);
  }

  private async deleteSlice(key: string, slice: EndpointSlice, signal: AbortSignal): Promise<void> {
    try {
      await this.client.delete(endpointSlices, slice.metadata.name ?? "", { namespace: slice.metadata.namespace, preconditions: { uid: slice.metadata.uid }, signal });
    } catch (err) {
      if (!isApiError(err, "NotFound") && !isApiError(err, "Conflict")) throw err;
    }
    this.remember(key, slice.metadata.name ?? "", "deleted");
  }
}

/** setEndpointSliceLabels: the Service's labels (but not the reserved ones) plus ours. */
function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {})) {
    if (k === serviceNameLabel || k === managedByLabel || k === headlessServiceLabel) continue;
    labels[k] = v;
  }
  if (!isServiceIPSet(service)) labels[headlessServiceLabel] = "";
  labels[serviceNameLabel] = service.metadata.name ?? "";
  labels[managedByLabel] = endpointSliceControllerName;
  return labels;
}

function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a?.[k] === b[k]);
}

/** resourceVersions are the store's revision: numbers that only grow. */
function rvAtLeast(have: string | undefined, want: string): boolean {
  if (!have) return false;
  const h = Number(have);
  const w = Number(want);
  return Number.isFinite(h) && Number.isFinite(w) ? h >= w : have === want;
}
