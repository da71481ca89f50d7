import type { KubeObject, OwnerReference } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import {
  WorkQueue,
  discoverResources,
  isGroupDiscoveryFailedError,
  realClock,
  runWorkers,
  type Client,
  type Clock,
  type DiscoveredResource,
  type InformerHandlers,
  type ReconcileResult,
} from "../../client/index.js";
import { ObjectGraph, type GraphNode } from "./graph.js";
import { decideDependent, foregroundFinalizer, hasFinalizer, orphanFinalizer, ownerState, referenceTo, type OwnerState } from "./owners.js";

export interface GarbageCollectorOptions {
  client: Client;
  clock?: Clock;
  /** Objects handled at once (upstream's --concurrent-gc-syncs, default 20). */
  workers?: number;
  /** How often discovery is read again for new or removed resources (default 30 s, as upstream). */
  rediscoverEveryMs?: number;
  /** Told about failed passes (retried with back-off) and list/watch failures. */
  onError?: (key: string, err: unknown) => void;
}

/** Owners known to be gone; uids are never reused, so an entry stays true (upstream's absentOwnerCache). */
const absentOwnersKept = 10_000;

/**
 * The garbage collector (pkg/controller/garbagecollector), simple and level-triggered.
 * Keys are object uids; a pass looks at one object in the graph of ownerReferences:
 *
 * - being deleted with the `orphan` finalizer: remove its ownerReference from every
 *   dependent, then the finalizer;
 * - being deleted with `foregroundDeletion`: delete its dependents (the object is
 *   "waiting" for them); once no dependent with blockOwnerDeletion=true remains, remove
 *   the finalizer so the API server removes it;
 * - otherwise, with ownerReferences: if no owner is solid (every one absent, confirmed
 *   by a live GET when the caches do not have it, or waiting), delete the object
 *   (Background, or Foreground when a waiting owner needs its subtree gone); if some are
 *   solid, drop the references to the others.
 *
 * Every event re-queues the objects whose answer it may change: the object, the owners
 * it names (a waiting owner re-checks its dependents) and, on delete, its dependents.
 *
 *   const gc = new GarbageCollector({ client });
 *   await gc.start(signal); // until signal aborts
 */
export class GarbageCollector {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: GarbageCollectorOptions;
  readonly graph: ObjectGraph;
  private readonly queue: WorkQueue;
  private readonly absentOwners = new Set<string>();

  constructor(options: GarbageCollectorOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "garbage_collector_attempt_to_delete" });
    this.graph = new ObjectGraph({ client: this.client, clock: this.clock, onError: (err) => options.onError?.("", err) });
  }

  /** Discovers, watches and collects until `signal` aborts; resolves once stopped. */
  async start(signal: AbortSignal): Promise<void> {
    let workers: Promise<void> | undefined;
    try {
      while (!signal.aborted && !(await this.rediscover(signal))) await this.clock.sleep(1000, signal);
      if (!(await this.graph.waitForSync(signal))) return;
      workers = runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 20, signal, onError: this.options.onError });
      const every = this.options.rediscoverEveryMs ?? 30_000;
      while (!signal.aborted) {
        await this.clock.sleep(every, signal);
        await this.rediscover(signal);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      this.queue.shutDown();
      await workers;
      await this.graph.stop();
    }
  }

  /** Reads discovery and follows it; false when discovery gave nothing to go on. */
  private async rediscover(signal: AbortSignal): Promise<boolean> {
    let found: DiscoveredResource[];
    let partial = false;
    try {
      found = await discoverResources(this.client, { signal });
    } catch (err) {
      if (signal.aborted) return false;
      this.options.onError?.("", err);
      if (!isGroupDiscoveryFailedError(err) || err.resources.length === 0) return false;
      found = err.resources;
      partial = true;
    }
    // A partial answer adds informers but never stops those of the groups that failed.
    this.graph.update(found, (r) => this.handlers(r), signal, { keepMissing: partial });
    return true;
  }

  private handlers(_resource: DiscoveredResource): InformerHandlers<KubeObject> {
    const enqueue = (uid: string | undefined): void => {
      if (uid) this.queue.add(uid);
    };
    const owners = (obj: KubeObject): void => {
      for (const ref of obj.metadata.ownerReferences ?? []) enqueue(ref.uid);
    };
    return {
      add: (obj) => {
        enqueue(obj.metadata.uid);
        owners(obj);
      },
      update: (old, obj) => {
        if (!relevantChange(old, obj)) return;
        enqueue(obj.metadata.uid);
        owners(old);
        owners(obj);
      },
      delete: (obj) => {
        owners(obj);
        const uid = obj.metadata.uid;
        if (!uid) return;
        this.rememberAbsent(uid);
        for (const dep of this.graph.dependents(uid)) enqueue(dep.obj.metadata.uid);
      },
    };
  }

  /** One pass over the object with this uid. */
  async reconcile(uid: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const node = this.graph.byUid(uid);
    if (!node) return;
    const meta = node.obj.metadata;
    if (meta.deletionTimestamp) {
      if (hasFinalizer(node.obj, orphanFinalizer)) return this.orphanDependents(node, signal);
      if (hasFinalizer(node.obj, foregroundFinalizer)) return this.deleteDependentsFirst(node, signal);
      return; // being deleted; nothing of ours to do
    }
    const refs = meta.ownerReferences ?? [];
    if (refs.length === 0) return;

    const states = new Map<string, OwnerState>();
    for (const ref of refs) states.set(ref.uid, await this.ownerStateOf(ref, node.obj, signal));
    const action = decideDependent(node.obj, states, this.graph.dependents(uid).length > 0);
    switch (action.action) {
      case "none":
        return;
      case "removeReferences":
        await this.removeReferences(node, new Set(action.uids), signal);
        return;
      case "delete":
        await this.deleteObject(node, action.propagationPolicy, signal);
        return;
    }
  }

  /** (b) Orphan: the dependents lose their reference to the owner, then the owner its finalizer. */
  private async orphanDependents(owner: GraphNode, signal: AbortSignal): Promise<void> {
    const uid = owner.obj.metadata.uid ?? "";
    for (const dep of this.graph.dependents(uid)) await this.removeReferences(dep, new Set([uid]), signal);
    await this.removeFinalizer(owner, orphanFinalizer, signal);
  }

  /** (c) Foreground: delete the dependents; the owner goes once none blocks it. */
  private async deleteDependentsFirst(owner: GraphNode, signal: AbortSignal): Promise<ReconcileResult | void> {
    const uid = owner.obj.metadata.uid ?? "";
    const dependents = this.graph.dependents(uid);
    const blocking = dependents.filter((d) => referenceTo(d.obj, uid)?.blockOwnerDeletion === true);
    if (blocking.length === 0) {
      // A dependent's informer that has not listed yet may hide a blocking one.
      if (!this.graph.allSynced()) return { requeueAfterMs: 1000 };
      await this.removeFinalizer(owner, foregroundFinalizer, signal);
      return;
    }
    // Each dependent's own pass deletes it (its owner is "waiting"); their deletions re-queue us.
    for (const dep of dependents) {
      if (!dep.obj.metadata.deletionTimestamp || hasFinalizer(dep.obj, foregroundFinalizer)) this.queue.add(dep.obj.metadata.uid ?? "");
    }
  }

  /** An owner's state, from the caches or, when they don't have it, a live GET (upstream's isDangling). */
  private async ownerStateOf(ref: OwnerReference, dependent: KubeObject, signal: AbortSignal): Promise<OwnerState> {
    const cached = this.graph.byUid(ref.uid);
    if (cached) return ownerState(cached.obj);
    if (this.absentOwners.has(ref.uid)) return { state: "absent" };
    const res = this.graph.resourceFor(ref);
    if (!res) throw new Error(`unable to resolve the owner ${ref.apiVersion}, Kind=${ref.kind} "${ref.name}" of ${describe(dependent)}: no such resource is served`);
    // A cluster-scoped object cannot be owned by a namespaced one: such a reference is dangling.
    if (res.namespaced && !dependent.metadata.namespace) return { state: "absent" };
    try {
      const live = await this.client.get(res, ref.name, { namespace: res.namespaced ? dependent.metadata.namespace : undefined, signal });
      if (live.metadata.uid === ref.uid) return ownerState(live);
    } catch (err) {
      if (!isApiError(err) || err.code !== 404) throw err;
    }
    this.rememberAbsent(ref.uid);
    return { state: "absent" };
  }

  private rememberAbsent(uid: string): void {
    this.absentOwners.add(uid);
    if (this.absentOwners.size > absentOwnersKept) {
      const oldest = this.absentOwners.values().next().value;
      if (oldest !== undefined) this.absentOwners.delete(oldest);
    }
  }

  private async deleteObject(node: GraphNode, propagationPolicy: "Background" | "Foreground" | "Orphan", signal: AbortSignal): Promise<void> {
    const { obj, resource } = node;
    try {
      await this.client.delete(resource, obj.metadata.name ?? "", {
        namespace: obj.metadata.namespace,
        propagationPolicy,
        preconditions: { uid: obj.metadata.uid },
        signal,
      });
    } catch (err) {
      // Gone already, or replaced by a new object of the same name (uid precondition).
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }

  private removeReferences(node: GraphNode, uids: ReadonlySet<string>, signal: AbortSignal): Promise<void> {
    return this.patchMeta(node, signal, (obj) => {
      const refs = obj.metadata.ownerReferences ?? [];
      const kept = refs.filter((r) => !uids.has(r.uid));
      return kept.length === refs.length ? undefined : { ownerReferences: kept.length ? kept : null };
    });
  }

  private removeFinalizer(node: GraphNode, finalizer: string, signal: AbortSignal): Promise<void> {
    return this.patchMeta(node, signal, (obj) => {
      const finalizers = obj.metadata.finalizers ?? [];
      const kept = finalizers.filter((f) => f !== finalizer);
      return kept.length === finalizers.length ? undefined : { finalizers: kept.length ? kept : null };
    });
  }

  /**
   * A merge patch of metadata computed from the object, pinned to its resourceVersion;
   * on a conflict the object is read again and the change recomputed. `change` returns
   * undefined when there is nothing to do.
   */
  private async patchMeta(node: GraphNode, signal: AbortSignal, change: (obj: KubeObject) => Record<string, unknown> | undefined): Promise<void> {
    const { resource } = node;
    let obj = node.obj;
    const name = obj.metadata.name ?? "";
    const namespace = obj.metadata.namespace;
    for (let attempt = 0; ; attempt++) {
      const meta = change(obj);
      if (!meta) return;
      try {
        await this.client.patch(resource, name, { metadata: { ...meta, resourceVersion: obj.metadata.resourceVersion } }, { type: "merge", namespace, signal });
        return;
      } catch (err) {
        if (isApiError(err) && err.code === 404) return;
        if (!(isApiError(err) && err.code === 409) || attempt >= 5) throw err;
      }
      try {
        obj = await this.client.get(resource, name, { namespace, signal });
      } catch (err) {
        if (isApiError(err) && err.code === 404) return;
        throw err;
      }
      if (obj.metadata.uid !== node.obj.metadata.uid) return;
    }
  }
}

/** Only changes to references, finalizers or deletion can change what the collector does. */
function relevantChange(old: KubeObject, obj: KubeObject): boolean {
  const a = old.metadata;
  const b = obj.metadata;
  if (a.resourceVersion === b.resourceVersion) return true; // a resync: look again
  return (
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.finalizers ?? []) !== JSON.stringify(b.finalizers ?? []) ||
    JSON.stringify(a.ownerReferences ?? []) !== JSON.stringify(b.ownerReferences ?? [])
  );
}

function describe(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return `${obj.kind ?? "object"} ${namespace ? `${namespace}/` : ""}${name ?? ""}`;
}
