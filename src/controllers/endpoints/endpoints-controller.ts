import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service } from "../../api/index.js";
import { isApiError, labelSelectorFromSet } from "../../machinery/index.js";
import { WorkQueue, keyOf, namespaceIndex, realClock, resource, runWorkers, type Client, type Clock, type EventRecorder, type Informer, type InformerFactory } from "../../client/index.js";
import { findPort, isPodReady, isServiceIPSet, podIPForService, shouldPodBeInEndpoints, shouldSetHostname } from "./pod-endpoints.js";
import { repackSubsets } from "./repack.js";
import { TriggerTimeTracker } from "./trigger-time-tracker.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const endpointsResource = resource<Endpoints>("", "v1", "endpoints", "Endpoints", true);

/** Label on the Endpoints this controller writes (endpoint.LabelManagedBy / ControllerName, v1.33+). */
export const endpointsManagedByLabel = "endpoints.kubernetes.io/managed-by";
export const endpointsControllerName = "endpoint-controller";
export const lastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";
export const overCapacityAnnotation = "endpoints.kubernetes.io/over-capacity";
export const headlessServiceLabel = "service.kubernetes.io/headless";
/** Addresses kept in one Endpoints object; the rest are truncated (maxCapacity). */
export const maxEndpointsCapacity = 1000;

export interface EndpointsControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  /** Events as "endpoint-controller" (FailedToCreateEndpoint, FailedToUpdateEndpoint). */
  events?: EventRecorder;
  /** Services synced at once (upstream's --concurrent-endpoint-syncs, default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The endpoints controller (pkg/controller/endpoint/endpoints_controller.go): for every
 * Service with a selector, an Endpoints object of the same name listing the matching
 * pods — ready ones under `addresses`, others under `notReadyAddresses` (all ready with
 * publishNotReadyAddresses), each port resolved per pod (a named targetPort is looked up
 * in that pod's containers) and the result repacked into subsets of addresses sharing
 * the same ports. Services without a selector, and ExternalName Services, are left alone
 * (their Endpoints are written by hand); when a Service goes, its Endpoints go too.
 *
 *   const ec = new EndpointsController({ client, informers });
 *   informers.start(signal);
 *   await ec.start(signal);
 */
export class EndpointsController {
  private readonly client: Client;
  private readonly options: EndpointsControllerOptions;
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly queue: WorkQueue;
  private readonly triggerTimes = new TriggerTimeTracker();

  constructor(options: EndpointsControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "endpoint" });
    this.services = options.informers.informer(services);
    this.pods = options.informers.informer(pods);
    this.endpoints = options.informers.informer(endpointsResource);
    const enqueueService = (svc: Service): void => this.queue.add(keyOf(svc));
    this.services.addHandler({ add: enqueueService, update: (_, svc) => enqueueService(svc), delete: enqueueService });
    this.pods.addHandler({
      add: (pod) => this.enqueuePodServices(pod),
      update: (old, pod) => {
        if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
        this.enqueuePodServices(pod, old);
      },
      delete: (pod) => this.enqueuePodServices(pod),
    });
    // A deleted Endpoints is written again if its Service still wants one.
    this.endpoints.addHandler({ delete: (ep) => this.queue.add(keyOf(ep)) });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.services.waitForSync(signal), this.pods.waitForSync(signal), this.endpoints.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      // checkLeftoverEndpoints: ours whose Service went while we were not running.
      for (const ep of this.endpoints.list()) {
        if (ep.metadata.labels?.[endpointsManagedByLabel] === endpointsControllerName) this.queue.add(keyOf(ep));
      }
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  /** The Services (of the pod's namespace) whose selector matches the pod now or matched it before. */
  private enqueuePodServices(pod: Pod, old?: Pod): void {
    for (const svc of this.services.byIndex(namespaceIndex, pod.metadata.namespace ?? "")) {
      const selector = svc.spec?.selector;
      if (!selector || Object.keys(selector).length === 0) continue;
      const sel = labelSelectorFromSet(selector);
      if (sel.matches(pod.metadata.labels) || (old && sel.matches(old.metadata.labels))) this.queue.add(keyOf(svc));
    }
  }

  /** syncService: one Service's Endpoints made to match its pods. */
  async reconcile(key: string, signal: AbortSignal): Promise<void> {
    const [namespace, name] = splitNamespaced(key);
    const service = this.services.get(key);
    if (!service) {
      try {
        await this.client.delete(endpointsResource, name, { namespace, signal });
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
      }
      this.triggerTimes.deleteService(namespace, name);
      return;
    }
    if (service.spec?.type === "ExternalName") return;
    const selector = service.spec?.selector;
    // An empty selector is stored as none: the Service's Endpoints are written by hand.
    if (!selector || Object.keys(selector).length === 0) return;

    const sel = labelSelectorFromSet(selector);
    const matching = this.pods.byIndex(namespaceIndex, namespace).filter((p) => sel.matches(p.metadata.labels));
    const triggerTime = this.triggerTimes.compute(service, matching);
    const subsets = desiredSubsets(service, matching);

    const current = this.endpoints.get(key);
    const labels = endpointsLabels(service);
    if (current && subsetsEqual(current.subsets ?? [], subsets) && labelsEqual(current.metadata.labels, labels) && capacityAnnotationCorrect(current)) return;

    const annotations = { ...(current?.metadata.annotations ?? {}) };
    if (triggerTime) annotations[lastChangeTriggerTimeAnnotation] = triggerTime;
    else delete annotations[lastChangeTriggerTimeAnnotation];
    const { subsets: kept, truncated } = truncateEndpoints(subsets);
    if (truncated) annotations[overCapacityAnnotation] = "truncated";
    else delete annotations[overCapacityAnnotation];

    const desired: Endpoints = {
      ...(current ?? {}),
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { ...(current?.metadata ?? { name, namespace }), labels, annotations },
      subsets: kept,
    };
    try {
      if (current) await this.client.update(endpointsResource, desired, { signal });
      else await this.client.create(endpointsResource, desired, { signal });
    } catch (err) {
      // Creating in a terminating namespace is forbidden and will stay so: drop the key.
      if (!current && isApiError(err, "Forbidden")) return;
      if (current) this.options.events?.event(desired, "Warning", "FailedToUpdateEndpoint", `Failed to update endpoint ${namespace}/${name}: ${errorText(err)}`);
      else this.options.events?.event(desired, "Warning", "FailedToCreateEndpoint", `Failed to create endpoint for service ${namespace}/${name}: ${errorText(err)}`);
      throw err;
    }
  }
}

/** The subsets for a Service and its selected pods, before truncation. */
export function desiredSubsets(service: Service, selected: Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const ports = service.spec?.ports ?? [];
  const subsets: EndpointSubset[] = [];
  for (const pod of selected) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPForService(service, pod);
    if (!ip) continue;
    const address: EndpointAddress = {
      ip,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    if (shouldSetHostname(pod, service)) address.hostname = pod.spec?.hostname;
    const ready = tolerateUnready || isPodReady(pod);
    const add = (port: EndpointPort | undefined): void => {
      subsets.push({ ...(ready ? { addresses: [address] } : { notReadyAddresses: [address] }), ...(port ? { ports: [port] } : {}) });
    };
    if (ports.length === 0) {
      // A headless Service may have no ports: its pods are listed bare.
      if (service.spec?.clusterIP === "None") add(undefined);
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      add({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol || "TCP", ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
  }
  return repackSubsets(subsets);
}

function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (isServiceIPSet(service)) delete labels[headlessServiceLabel];
  else labels[headlessServiceLabel] = "";
  labels[endpointsManagedByLabel] = endpointsControllerName;
  return labels;
}

/** truncateEndpoints: at most 1000 addresses, ready ones first, spread in proportion over the subsets. */
function truncateEndpoints(subsets: EndpointSubset[]): { subsets: EndpointSubset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= maxEndpointsCapacity) return { subsets, truncated: false };
  const truncateReady = totalReady > maxEndpointsCapacity;
  const max = truncateReady ? maxEndpointsCapacity : maxEndpointsCapacity - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  const out = subsets.map((s) => {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const toAdd = Math.min(Math.ceil((inSubset / total) * max), canBeAdded);
    if (truncateReady) {
      const addresses = (s.addresses ?? []).slice(0, toAdd);
      canBeAdded -= addresses.length;
      return { ...s, addresses, notReadyAddresses: [] };
    }
    const notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toAdd);
    canBeAdded -= notReadyAddresses.length;
    return { ...s, notReadyAddresses };
  });
  return { subsets: out, truncated: true };
}

function capacityAnnotationCorrect(ep: Endpoints): boolean {
  let n = 0;
  for (const s of ep.subsets ?? []) n += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (n > maxEndpointsCapacity) return false;
  return !(ep.metadata.annotations && overCapacityAnnotation in ep.metadata.annotations);
}

/** Deep equality of subsets, ignoring the targetRef resourceVersion (as upstream). */
function subsetsEqual(a: EndpointSubset[], b: EndpointSubset[]): boolean {
  return canonical(a) === canonical(b);
}

function canonical(subsets: EndpointSubset[]): string {
  const address = (x: EndpointAddress) => ({ ip: x.ip, hostname: x.hostname ?? "", nodeName: x.nodeName ?? "", targetRef: x.targetRef ? { ...x.targetRef, resourceVersion: undefined } : null });
  return JSON.stringify(
    subsets.map((s) => ({
      addresses: (s.addresses ?? []).map(address),
      notReadyAddresses: (s.notReadyAddresses ?? []).map(address),
      ports: (s.ports ?? []).map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP", appProtocol: p.appProtocol ?? null })),
    })),
  );
}

function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a?.[k] === b[k]);
}

function splitNamespaced(key: string): [string, string] {
  const i = key.indexOf("/");
  return [key.slice(0, i), key.slice(i + 1)];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
