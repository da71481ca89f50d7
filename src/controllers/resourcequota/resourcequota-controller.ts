import type { KubeObject, ResourceQuota, ResourceList } from "../../api/index.js";
import { formatResourceList, matchingQuotaResources, parseResourceList, quotaScopesMatch, quotaUsage, addResources } from "../../api/index.js";
import { Quantity, isApiError } from "../../machinery/index.js";
import { WorkQueue, realClock, resource, resources, runWorkers, type Client, type Clock, type Informer, type InformerFactory, type Resource } from "../../client/index.js";

const resourceQuotas = resource<ResourceQuota>("", "v1", "resourcequotas", "ResourceQuota", true);
const persistentVolumeClaims = resource("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true);

/** Kinds whose objects are watched, so a change recomputes their namespace's quotas at once (replenishment). */
const watchedKinds: Resource[] = [resources.pods, resources.services, resources.configmaps, resources.secrets, resources.replicationcontrollers, resourceQuotas];

export interface ResourceQuotaControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  workers?: number;
  /** --resource-quota-sync-period: every quota is recomputed this often (upstream 5 min). */
  resyncMs?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's
 * `status.hard` equal to `spec.hard` and `status.used` equal to what its namespace's objects
 * use (pods, services, configmaps, secrets, replication controllers, quotas and any
 * `count/<resource>.<group>` the client knows), counted as the ResourceQuota admission plugin
 * counts them. Changes to watched objects recompute their namespace's quotas at once; every
 * quota is recomputed each resync period.
 *
 *   const rq = new ResourceQuotaController({ client, informers });
 *   informers.start(signal);
 *   await rq.start(signal);
 */
export class ResourceQuotaController {
  private readonly client: Client;
  private readonly options: ResourceQuotaControllerOptions;
  private readonly clock: Clock;
  private readonly quotas: Informer<ResourceQuota>;
  private readonly watched = new Map<string, Informer<KubeObject>>();
  private readonly queue: WorkQueue;

  constructor(options: ResourceQuotaControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "resourcequota_primary" });
    this.quotas = options.informers.informer(resourceQuotas);
    this.quotas.addHandler({
      add: (q) => this.enqueue(q),
      update: (old, q) => {
        // Our own status writes change nothing that needs recounting; a new spec, or a status
        // someone else wrote that no longer matches it, does.
        if (JSON.stringify(old.spec) !== JSON.stringify(q.spec) || needsSync(q)) this.enqueue(q);
      },
    });
    for (const kind of watchedKinds) {
      const informer = kind === resourceQuotas ? (this.quotas as unknown as Informer<KubeObject>) : options.informers.informer(kind);
      this.watched.set(`${kind.group}/${kind.resource}`, informer);
      if (kind === resourceQuotas) continue;
      const touch = (obj: KubeObject) => this.enqueueNamespace(obj.metadata.namespace ?? "");
      informer.addHandler({ add: touch, update: (_, obj) => touch(obj), delete: touch });
    }
  }

  private enqueue(q: ResourceQuota): void {
    if (q.metadata.namespace && q.metadata.name) this.queue.add(`${q.metadata.namespace}/${q.metadata.name}`);
  }

  private enqueueNamespace(namespace: string): void {
    for (const q of this.quotas.list()) if (q.metadata.namespace === namespace) this.enqueue(q);
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([...this.watched.values()].map((i) => i.waitForSync(signal)));
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 1, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  /** syncResourceQuota: recompute one quota's usage and write its status if it changed. */
  async reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfterMs: number } | void> {
    const quota = this.quotas.get(key);
    if (!quota) return;
    const namespace = quota.metadata.namespace ?? "";
    const hard = quota.spec?.hard ?? {};
    const hardNames = Object.keys(hard);
    const used: ResourceList = new Map(hardNames.map((n) => [n, Quantity.of(0)]));
    const now = new Date(this.clock.now());
    for (const kind of await this.kindsFor(hardNames)) {
      const tracked = matchingQuotaResources(kind.group, kind.resource, hardNames);
      if (tracked.length === 0) continue;
      for (const obj of await this.objectsOf(kind, namespace, signal)) {
        if (!quotaScopesMatch(quota, kind.group, kind.resource, obj)) continue;
        const usage = quotaUsage(kind.group, kind.resource, obj, now);
        addResources(used, new Map([...usage].filter(([n]) => tracked.includes(n))));
      }
    }
    const status = { hard: { ...hard }, used: formatResourceList(used) };
    if (!sameStatus(quota.status, status)) {
      await this.client.updateStatus(resourceQuotas, { ...quota, status }, { signal });
    }
    return { requeueAfterMs: this.options.resyncMs ?? 300_000 };
  }

  /** The kinds a quota's resources can count: the watched ones, and any other the client knows that a hard resource names (count/…, PVC storage). */
  private async kindsFor(hardNames: string[]): Promise<Resource[]> {
    const kinds = [...watchedKinds];
    for (const r of [persistentVolumeClaims, ...(Object.values(resources) as Resource[])]) {
      if (!r.namespaced || kinds.some((k) => k.group === r.group && k.resource === r.resource)) continue;
      if (matchingQuotaResources(r.group, r.resource, hardNames).length > 0) kinds.push(r);
    }
    return kinds;
  }

  private async objectsOf(kind: Resource, namespace: string, signal: AbortSignal): Promise<KubeObject[]> {
    const informer = this.watched.get(`${kind.group}/${kind.resource}`);
    if (informer) return informer.list().filter((o) => o.metadata.namespace === namespace);
    try {
      return (await this.client.list(kind, { namespace, signal })).items;
    } catch (err) {
      // A kind this server does not serve has no objects to count.
      if (isApiError(err, "NotFound")) return [];
      throw err;
    }
  }
}

/** A status whose hard differs from spec.hard, or whose used misses a hard resource (upstream's addQuota check). */
function needsSync(q: ResourceQuota): boolean {
  const hard = q.spec?.hard ?? {};
  if (JSON.stringify(q.status?.hard ?? {}) !== JSON.stringify(hard)) return true;
  return Object.keys(hard).some((k) => q.status?.used?.[k] === undefined);
}

function sameStatus(a: ResourceQuota["status"], b: { hard: Record<string, string>; used: Record<string, string> }): boolean {
  const same = (x: Record<string, string> | undefined, y: Record<string, string>) => {
    const xs = parseResourceList(x);
    const ys = parseResourceList(y);
    if (xs.size !== ys.size) return false;
    for (const [k, v] of ys) if (!xs.get(k)?.equals(v) || x?.[k] !== y[k]) return false;
    return true;
  };
  return same(a?.hard, b.hard) && same(a?.used, b.used);
}
