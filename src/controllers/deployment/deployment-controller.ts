import type { Deployment, OwnerReference, Pod, ReplicaSet } from "../../api/index.js";
import { isApiError, labelSelectorFromObject, type LabelSelector } from "../../machinery/index.js";
import {
  EventRecorder,
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
import { DeploymentPass, controllerRefTo, deployments, replicaSets } from "./_pass.js";

/** ReplicaSets and pods by the uid of their controller ownerReference. */
export const byControllerUidIndex = "deployment/controller-uid";

export interface DeploymentControllerOptions {
  client: Client;
  /** Shared informers; the caller (controller manager or test) starts them. */
  informers: InformerFactory;
  /** Records ScalingReplicaSet, ReplicaSetCreateError and SelectingAll; default component "deployment-controller". */
  events?: EventRecorder;
  /** Condition times and the progress-deadline requeue. */
  clock?: Clock;
  /** Deployments synced at once (--concurrent-deployment-syncs, default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

function controllerRefOf(obj: { metadata: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

function selectorOf(d: Deployment): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(d.spec?.selector);
  } catch {
    return undefined;
  }
}

/**
 * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template
 * (`<name>-<pod-template-hash>`), rolled from old to new as the strategy says.
 *
 * - RollingUpdate: the new ReplicaSet grows while all ReplicaSets together stay within
 *   replicas + maxSurge; old ones shrink while available pods stay at least replicas −
 *   maxUnavailable (surge rounds up, unavailable down; minReadySeconds decides when a
 *   pod counts as available).
 * - Recreate: old ReplicaSets go to 0, and the new one is scaled up once their pods are gone.
 * - Revisions: `deployment.kubernetes.io/revision` on the ReplicaSets and the Deployment;
 *   a template that matches an old ReplicaSet (kubectl rollout undo) makes it the new one
 *   with the next revision, its old number kept in revision-history. Old ReplicaSets
 *   beyond revisionHistoryLimit are deleted once scaled down.
 * - spec.paused: only scaling and cleanup, no rollout; a change of spec.replicas mid-rollout
 *   is spread over the ReplicaSets proportionally.
 * - Status and conditions Available and Progressing (progressDeadlineSeconds), which
 *   `kubectl rollout status` reads.
 *
 *   const dc = new DeploymentController({ client, informers });
 *   const running = dc.start(signal);
 *   informers.start(signal);
 */
export class DeploymentController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly events: EventRecorder;
  private readonly options: DeploymentControllerOptions;
  private readonly queue: WorkQueue;
  readonly deployments: Informer<Deployment>;
  readonly replicaSets: Informer<ReplicaSet>;
  readonly pods: Informer<Pod>;

  constructor(options: DeploymentControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.events = options.events ?? new EventRecorder({ client: this.client, component: "deployment-controller", clock: this.clock });
    this.queue = new WorkQueue({ clock: this.clock, name: "deployment" });
    this.deployments = options.informers.informer(deployments);
    this.replicaSets = options.informers.informer(replicaSets);
    this.pods = options.informers.informer(resources.pods) as Informer<Pod>;
    const byController = (o: { metadata: { ownerReferences?: OwnerReference[] } }) => {
      const ref = controllerRefOf(o);
      return ref ? [ref.uid] : [];
    };
    ensureIndex(this.replicaSets, byControllerUidIndex, byController);
    ensureIndex(this.pods, byControllerUidIndex, byController);

    this.deployments.addHandler({
      add: (d) => this.queue.add(keyOf(d)),
      update: (_, d) => this.queue.add(keyOf(d)),
      delete: (d) => this.queue.add(keyOf(d)),
    });
    this.replicaSets.addHandler({
      add: (rs) => this.replicaSetAdded(rs),
      update: (old, cur) => this.replicaSetUpdated(old, cur),
      delete: (rs) => this.enqueueOwner(rs),
    });
    this.pods.addHandler({ delete: (p) => this.podDeleted(p) });
  }

  /** Syncs Deployments until `signal` aborts; resolves once the workers have stopped. */
  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.deployments.waitForSync(signal), this.replicaSets.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  /** The Deployment an object's controller reference names, if it still is that object. */
  private resolve(namespace: string | undefined, ref: OwnerReference | undefined): Deployment | undefined {
    if (!ref || ref.kind !== "Deployment" || !ref.apiVersion.startsWith("apps/")) return undefined;
    const d = this.deployments.get(`${namespace}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: ReplicaSet): void {
    const d = this.resolve(rs.metadata.namespace, controllerRefOf(rs));
    if (d) this.queue.add(keyOf(d));
  }

  /** Deployments in the ReplicaSet's namespace whose selector matches it (for orphans). */
  private enqueueMatching(rs: ReplicaSet): void {
    for (const d of this.deployments.byIndex(namespaceIndex, rs.metadata.namespace ?? "")) {
      const sel = selectorOf(d);
      if (sel && !sel.empty && sel.matches(rs.metadata.labels)) this.queue.add(keyOf(d));
    }
  }

  private replicaSetAdded(rs: ReplicaSet): void {
    if (controllerRefOf(rs)) this.enqueueOwner(rs);
    else if (!rs.metadata.deletionTimestamp) this.enqueueMatching(rs);
  }

  private replicaSetUpdated(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) this.enqueueOwner(old);
    if (curRef) {
      this.enqueueOwner(cur);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (labelsChanged || refChanged) this.enqueueMatching(cur);
  }

  /** A Recreate rollout waits for the old pods to be gone. */
  private podDeleted(pod: Pod): void {
    const rsRef = controllerRefOf(pod);
    if (!rsRef || rsRef.kind !== "ReplicaSet") return;
    const rs = this.replicaSets.get(`${pod.metadata.namespace}/${rsRef.name}`);
    if (!rs || rs.metadata.uid !== rsRef.uid) return;
    const d = this.resolve(rs.metadata.namespace, controllerRefOf(rs));
    if (d && d.spec?.strategy?.type === "Recreate") this.queue.add(keyOf(d));
  }

  /** One pass over one Deployment (syncDeployment). */
  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.deployments.get(key);
    if (!cached) return;
    const { namespace = "" } = splitKey(key);
    const d = structuredClone(cached);
    const subject = { ...d, apiVersion: "apps/v1", kind: "Deployment" };
    const sel = d.spec?.selector;
    if (!sel || Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      this.events.event(subject, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.client.updateStatus(deployments, { ...d, status: { ...d.status, observedGeneration: d.metadata.generation } }, { signal });
      }
      return;
    }
    const selector = selectorOf(d);
    if (!selector) throw new TerminalError(`deployment ${key}: invalid selector`);

    const rsList = await this.claimReplicaSets(d, selector, namespace, signal);
    const podMap = new Map<string, Pod[]>();
    for (const rs of rsList) podMap.set(rs.metadata.uid ?? "", this.pods.byIndex(byControllerUidIndex, rs.metadata.uid ?? ""));

    const pass = new DeploymentPass({ client: this.client, events: this.events, clock: this.clock, signal }, d, rsList, podMap);
    if (d.metadata.deletionTimestamp) {
      await pass.syncStatusOnly();
      return;
    }
    await pass.checkPausedConditions();
    if (pass.d.spec?.paused) {
      await pass.sync();
      return;
    }
    if (await pass.isScalingEvent()) {
      await pass.sync();
      return;
    }
    if (pass.d.spec?.strategy?.type === "Recreate") await pass.rolloutRecreate();
    else await pass.rolloutRolling();
    if (pass.requeueAfterMs !== undefined) return { requeueAfterMs: pass.requeueAfterMs };
  }

  /**
   * getReplicaSetsForDeployment: the ReplicaSets this Deployment owns after adopting
   * matching orphans and releasing owned ones that no longer match.
   */
  private async claimReplicaSets(d: Deployment, selector: LabelSelector, namespace: string, signal: AbortSignal): Promise<ReplicaSet[]> {
    const ref = controllerRefTo(d);
    const deleting = !!d.metadata.deletionTimestamp;
    const claimed: ReplicaSet[] = [];
    let adoptable: Promise<void> | undefined;
    for (const rs of this.replicaSets.byIndex(namespaceIndex, namespace)) {
      const owner = controllerRefOf(rs);
      const name = rs.metadata.name ?? "";
      if (owner) {
        if (owner.uid !== d.metadata.uid) continue;
        if (selector.matches(rs.metadata.labels)) {
          claimed.push(structuredClone(rs));
          continue;
        }
        if (deleting || rs.metadata.deletionTimestamp) continue;
        try {
          const patch = { metadata: { ownerReferences: [{ $patch: "delete", uid: ref.uid }], uid: rs.metadata.uid } };
          await this.client.patch(replicaSets, name, patch, { namespace, type: "strategic", signal });
        } catch (err) {
          if (!(isApiError(err) && (err.code === 404 || err.code === 422))) throw err;
        }
        continue;
      }
      if (deleting || rs.metadata.deletionTimestamp || !selector.matches(rs.metadata.labels)) continue;
      adoptable ??= this.recheckDeployment(d, signal);
      await adoptable;
      try {
        const patch = { metadata: { ownerReferences: [ref], uid: rs.metadata.uid } };
        claimed.push(await this.client.patch(replicaSets, name, patch, { namespace, type: "strategic", signal }));
      } catch (err) {
        if (!(isApiError(err) && err.code === 404)) throw err;
      }
    }
    return claimed;
  }

  private async recheckDeployment(d: Deployment, signal: AbortSignal): Promise<void> {
    const { namespace, name = "", uid } = d.metadata;
    const fresh = await this.client.get(deployments, name, { namespace, signal });
    if (fresh.metadata.uid !== uid) throw new Error(`original Deployment ${namespace}/${name} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`);
    if (fresh.metadata.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}
