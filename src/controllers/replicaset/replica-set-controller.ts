import type { Pod } from "../../api/index.js";
import { isApiError, type LabelSelector } from "../../machinery/index.js";
import {
  EventRecorder,
  Expectations,
  TerminalError,
  WorkQueue,
  ensureIndex,
  keyOf,
  namespaceIndex,
  realClock,
  resources,
  runWorkers,
  splitKey,
  type Client,
  type Clock,
  type Informer,
  type InformerFactory,
  type ReconcileResult,
} from "../../client/index.js";
import { controllerRefTo, replicaSetFlavour, replicationControllerFlavour, replicasOf, type Flavour, type ReplicaOwner, type ReplicaOwnerStatus } from "./_flavours.js";
import { claimPods } from "./_claim.js";
import { availableAtMs, controllerRefOf, formatTime, isPodActive, isPodReady, isPodTerminating, podFromTemplate } from "./_pods.js";
import { slowStartBatch } from "./_slow-start.js";
import { podsToDelete } from "./pod-order.js";
import { calculateReplicaStatus, statusChanged } from "./replica-status.js";

/** Upstream's BurstReplicas: at most this many creates or deletes per pass. */
export const burstReplicas = 500;

/**
 * Pods by the uid of their controller ownerReference, and pods with no controller under
 * `orphanPodIndexKey(namespace)` (shared with any controller that asks for it), as
 * upstream's PodControllerUIDIndex: a pass over one owner reads its own pods and the
 * namespace's orphans, not every pod in the namespace.
 */
export const podsByControllerUidIndex = "replicaset/controller-uid";

/** The index value of a namespace's pods that have no controller (upstream OrphanPodIndexKeyForNamespace). */
export function orphanPodIndexKey(namespace: string): string {
  return `_ORPHAN_POD/${namespace}`;
}

export interface ReplicaSetControllerOptions {
  client: Client;
  /** Shared informers; the caller (controller manager or test) starts them. */
  informers: InformerFactory;
  /** "ReplicaSet" (apps/v1, default) or "ReplicationController" (core/v1): the same logic over either kind. */
  kind?: "ReplicaSet" | "ReplicationController";
  /** Records SuccessfulCreate / FailedCreate / SuccessfulDelete / FailedDelete; default one for the kind's component. */
  events?: EventRecorder;
  clock?: Clock;
  /** Owners synced at once (--concurrent-replicaset-syncs, default 5). */
  workers?: number;
  /** Creates or deletes per pass (default 500). */
  burstReplicas?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The ReplicaSet controller (pkg/controller/replicaset), and with `kind:
 * "ReplicationController"` the replication manager: keeps `spec.replicas` active pods
 * matching the selector.
 *
 * - Pods matching the selector with no controller are adopted (controller ownerReference
 *   set); owned pods whose labels stop matching are released.
 * - Missing pods are created from the template (generateName `<owner>-`) in slow-start
 *   batches 1, 2, 4, …; surplus pods are deleted least useful first (see `podsToDelete`).
 * - Creates and deletes are remembered in `Expectations`: until the pod informer has seen
 *   them the owner is not synced again, so a slow cache never creates or deletes twice.
 * - Status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas
 *   (minReadySeconds), terminatingReplicas (ReplicaSets), observedGeneration, and the
 *   ReplicaFailure condition when creating or deleting failed.
 *
 *   const rsc = new ReplicaSetController({ client, informers });
 *   const running = rsc.start(signal);
 *   informers.start(signal);
 */
export class ReplicaSetController {
  private readonly client: Client;
  private readonly flavour: Flavour;
  private readonly clock: Clock;
  private readonly events: EventRecorder;
  private readonly options: ReplicaSetControllerOptions;
  private readonly queue: WorkQueue;
  readonly expectations: Expectations;
  readonly owners: Informer<ReplicaOwner>;
  readonly pods: Informer<Pod>;

  constructor(options: ReplicaSetControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.flavour = options.kind === "ReplicationController" ? replicationControllerFlavour : replicaSetFlavour;
    this.clock = options.clock ?? realClock;
    this.events = options.events ?? new EventRecorder({ client: this.client, component: this.flavour.component, clock: this.clock });
    this.queue = new WorkQueue({ clock: this.clock, name: "replicaset" });
    this.expectations = new Expectations({ clock: this.clock });
    this.owners = options.informers.informer(this.flavour.resource);
    this.pods = options.informers.informer(resources.pods) as Informer<Pod>;
    ensureIndex(this.pods, podsByControllerUidIndex, (p) => {
      const ref = controllerRefOf(p);
      return ref ? [ref.uid] : [orphanPodIndexKey(p.metadata.namespace ?? "")];
    });

    this.owners.addHandler({
      add: (o) => this.queue.add(keyOf(o)),
      update: (_, o) => this.queue.add(keyOf(o)),
      delete: (o) => {
        this.expectations.delete(keyOf(o));
        this.queue.add(keyOf(o));
      },
    });
    this.pods.addHandler({
      add: (p) => this.podAdded(p),
      update: (old, cur) => this.podUpdated(old, cur),
      delete: (p) => this.podDeleted(p),
    });
  }

  /** Syncs owners until `signal` aborts; resolves once the workers have stopped. */
  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.owners.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  /** The owner a pod's controller reference names, if it is of our kind and still the same object. */
  private resolve(pod: Pod): ReplicaOwner | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== this.flavour.kind || ref.apiVersion.split("/")[0] !== this.flavour.apiVersion.split("/")[0]) return undefined;
    const owner = this.owners.get(`${pod.metadata.namespace}/${ref.name}`);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Owners in the pod's namespace whose selector matches it (for orphans). */
  private matchingOwners(pod: Pod): ReplicaOwner[] {
    return this.owners.byIndex(namespaceIndex, pod.metadata.namespace ?? "").filter((o) => {
      try {
        const sel = this.flavour.selector(o);
        return !sel.empty && sel.matches(pod.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // Seen for the first time already being deleted (e.g. after a restart).
      this.podDeleted(pod);
      return;
    }
    if (controllerRefOf(pod)) {
      const owner = this.resolve(pod);
      if (!owner) return;
      const key = keyOf(owner);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    for (const o of this.matchingOwners(pod)) this.queue.add(keyOf(o));
  }

  private podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // A graceful delete: replace the pod now, not when the kubelet finishes.
      this.podDeleted(cur);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const owner = this.resolve(old);
      if (owner) this.queue.add(keyOf(owner));
    }
    if (curRef) {
      const owner = this.resolve(cur);
      if (!owner) return;
      this.queue.add(keyOf(owner));
      const minReady = owner.spec?.minReadySeconds ?? 0;
      // Look again once the pod has been ready for minReadySeconds (it becomes available).
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.queue.addAfter(keyOf(owner), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const o of this.matchingOwners(cur)) this.queue.add(keyOf(o));
  }

  private podDeleted(pod: Pod): void {
    const owner = this.resolve(pod);
    if (!owner) return;
    const key = keyOf(owner);
    this.expectations.deletionObserved(key, keyOf(pod));
    this.queue.add(key);
  }

  /** One pass over one owner (syncReplicaSet). */
  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const owner = this.owners.get(key);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const { namespace = "" } = splitKey(key);
    let selector: LabelSelector;
    try {
      selector = this.flavour.selector(owner);
    } catch (err) {
      throw new TerminalError(`${this.flavour.kind} ${key}: invalid selector: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const needsSync = this.expectations.satisfied(key) && !owner.metadata.deletionTimestamp;
    const ref = controllerRefTo(this.flavour, owner);
    // FilterPodsByOwner: the namespace's orphans (to adopt) and the pods we control (to keep or release).
    const candidates = [...this.pods.byIndex(podsByControllerUidIndex, orphanPodIndexKey(namespace)), ...this.pods.byIndex(podsByControllerUidIndex, owner.metadata.uid ?? "")].filter(
      (p) => p.metadata.namespace === namespace && isPodActive(p),
    );
    const active = await claimPods(candidates, {
      client: this.client,
      ref,
      namespace,
      selector,
      ownerDeleting: !!owner.metadata.deletionTimestamp,
      canAdopt: () => this.recheckOwner(owner, signal),
      signal,
    });
    const terminating = this.flavour.tracksTerminating ? this.pods.byIndex(podsByControllerUidIndex, owner.metadata.uid ?? "").filter(isPodTerminating) : undefined;

    let manageError: unknown;
    if (needsSync) {
      try {
        await this.manageReplicas(key, owner, active, signal);
      } catch (err) {
        manageError = err;
      }
    }
    const nowMs = this.clock.now();
    const status = calculateReplicaStatus({ owner, active, terminating, manageError, nowMs, now: formatTime(nowMs) });
    const updated = await this.updateStatus(owner, status, signal);
    if (manageError !== undefined) throw manageError;

    // Look again when the next ready pod becomes available.
    const minReady = updated.spec?.minReadySeconds ?? 0;
    if (minReady > 0) {
      let soonest = Infinity;
      for (const pod of active) {
        const at = availableAtMs(pod, minReady);
        if (at !== undefined && at >= nowMs) soonest = Math.min(soonest, at);
      }
      if (soonest !== Infinity) return { requeueAfterMs: soonest - nowMs + 100 };
    }
  }

  /** canAdopt: an uncached read proves the owner is still the same object and not being deleted. */
  private async recheckOwner(owner: ReplicaOwner, signal: AbortSignal): Promise<void> {
    const { namespace, name = "", uid } = owner.metadata;
    const fresh = await this.client.get(this.flavour.resource, name, { namespace, signal });
    if (fresh.metadata.uid !== uid) throw new Error(`original ${this.flavour.kind} ${namespace}/${name} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`);
    if (fresh.metadata.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }

  /** Creates or deletes pods to reach spec.replicas (manageReplicas). */
  private async manageReplicas(key: string, owner: ReplicaOwner, active: Pod[], signal: AbortSignal): Promise<void> {
    const namespace = owner.metadata.namespace ?? "";
    const burst = this.options.burstReplicas ?? burstReplicas;
    const diff = active.length - replicasOf(owner);
    const subject = { ...owner, apiVersion: this.flavour.apiVersion, kind: this.flavour.kind };
    if (diff < 0) {
      const count = Math.min(-diff, burst);
      const template = owner.spec?.template;
      if (!template) throw new TerminalError(`${this.flavour.kind} ${key} has no pod template`);
      this.expectations.expectCreations(key, count);
      const ref = controllerRefTo(this.flavour, owner);
      const { successes, error } = await slowStartBatch(count, 1, async () => {
        const pod = podFromTemplate(template, { ownerName: owner.metadata.name ?? "", namespace, controllerRef: ref });
        if (!pod.metadata.labels || !Object.keys(pod.metadata.labels).length) throw new Error("unable to create pods, no labels");
        try {
          const created = await this.client.create(resources.pods, pod, { namespace, signal });
          this.events.event(subject, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
        } catch (err) {
          // A terminating namespace refuses every create: not worth an event or a retry.
          if (isNamespaceTerminating(err)) return;
          this.events.event(subject, "Warning", "FailedCreate", `Error creating: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      });
      // The creates we skipped or that failed will never be observed.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, burst);
      const doomed = podsToDelete(active, this.relatedPods(owner, active), count, this.clock.now());
      this.expectations.expectDeletions(key, doomed.map((p) => keyOf(p)));
      const errors: unknown[] = [];
      await Promise.all(
        doomed.map(async (pod) => {
          const name = pod.metadata.name ?? "";
          try {
            await this.client.delete(resources.pods, name, { namespace, signal });
            this.events.event(subject, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
          } catch (err) {
            // Not deleted by us: the informer will not report it on our behalf.
            this.expectations.deletionObserved(key, keyOf(pod));
            if (isApiError(err) && err.code === 404) return;
            this.events.event(subject, "Warning", "FailedDelete", `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
            errors.push(err);
          }
        }),
      );
      if (errors.length) throw errors[0];
    }
  }

  /**
   * getIndirectlyRelatedPods: this owner's pods and those of its siblings (owners with the
   * same controller, e.g. the ReplicaSets of one Deployment), to rank pods by how crowded
   * their node is.
   */
  private relatedPods(owner: ReplicaOwner, active: Pod[]): Pod[] {
    const parent = controllerRefOf(owner);
    if (!parent) return active;
    const seen = new Map<string, Pod>();
    for (const p of active) seen.set(keyOf(p), p);
    for (const sibling of this.owners.byIndex(namespaceIndex, owner.metadata.namespace ?? "")) {
      if (controllerRefOf(sibling)?.uid !== parent.uid) continue;
      for (const p of this.pods.byIndex(podsByControllerUidIndex, sibling.metadata.uid ?? "")) seen.set(keyOf(p), p);
    }
    return [...seen.values()];
  }

  /** updateReplicaSetStatus: writes the status if anything changed, retrying once on a conflict. */
  private async updateStatus(owner: ReplicaOwner, status: ReplicaOwnerStatus, signal: AbortSignal): Promise<ReplicaOwner> {
    if (!statusChanged(owner, status)) return owner;
    let current = owner;
    for (let attempt = 0; ; attempt++) {
      const next = { ...current, status: { ...status, observedGeneration: current.metadata.generation ?? 0 } } as ReplicaOwner;
      try {
        return await this.client.updateStatus(this.flavour.resource, next, { signal });
      } catch (err) {
        if (isApiError(err) && err.code === 404) return owner;
        if (attempt >= 1 || !(isApiError(err) && err.code === 409)) throw err;
        current = await this.client.get(this.flavour.resource, owner.metadata.name ?? "", { namespace: owner.metadata.namespace, signal });
      }
    }
  }
}

function isNamespaceTerminating(err: unknown): boolean {
  return isApiError(err) && (err.status.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating");
}
