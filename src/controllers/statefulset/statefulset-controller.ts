import type { ControllerRevision, KubeObject, Pod, StatefulSet, StatefulSetStatus } from "../../api/index.js";
import { isApiError, labelSelectorFromObject, type LabelSelector } from "../../machinery/index.js";
import {
  EventRecorder,
  InformerFactory,
  WorkQueue,
  ensureIndex,
  keyOf,
  realClock,
  resource,
  runWorkers,
  type Client,
  type Clock,
  type Informer,
  type ReconcileResult,
} from "../../client/index.js";
import { adoptPatch, controllerRefOf, controllerRefTo, isPodCreated, isPodReady, isPodTerminating, isHealthy, isRunningAndAvailable, isRunningAndReady, msUntilAvailable, releasePatch } from "./_pods.js";
import { equalRevision, newRevision, revisionName, hashRevisionData, sortRevisions, templateOf } from "./history.js";
import { claimsFor, identityLabels, identityMatches, isMemberOf, newStatefulSetPod, ordinalOf, revisionLabel, startOrdinal } from "./identity.js";

const statefulsets = resource<StatefulSet>("apps", "v1", "statefulsets", "StatefulSet", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const revisions = resource<ControllerRevision>("apps", "v1", "controllerrevisions", "ControllerRevision", true);
/** Served only once the storage work adds it; discovered, never assumed. */
const claims = resource("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true);

/** Pods and revisions by the uid of their controlling owner. */
export const statefulSetOwnerIndex = "statefulset/controller-uid";
const orphanIndex = "statefulset/orphans";
/** How long "the server has no persistentvolumeclaims" is believed before asking again. */
const claimDiscoveryTtlMs = 30_000;

export interface StatefulSetControllerOptions {
  client: Client;
  /** Shared informers (the controller manager's); without them the controller makes and starts its own. */
  informers?: InformerFactory;
  clock?: Clock;
  events?: EventRecorder;
  /** StatefulSets synced at once (upstream's --concurrent-statefulset-syncs, default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

interface Revisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
  all: ControllerRevision[];
}

/**
 * The StatefulSet controller (pkg/controller/statefulset): pods `<set>-<ordinal>` with
 * stable identity (pod-name and pod-index labels, hostname, subdomain from serviceName)
 * and claims `<template>-<set>-<ordinal>` (created only when the server serves
 * persistentvolumeclaims); OrderedReady (one at a time, each Running and Ready before the
 * next, scale-down from the highest ordinal) or Parallel; RollingUpdate from the highest
 * ordinal down to the partition, or OnDelete; ControllerRevisions with current and
 * update revisions in status.
 *
 *   const ssc = new StatefulSetController({ client, informers });
 *   await ssc.start(signal); // until signal aborts
 */
export class StatefulSetController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: StatefulSetControllerOptions;
  private readonly informers: InformerFactory;
  private readonly ownsInformers: boolean;
  private readonly events: EventRecorder;
  private readonly queue: WorkQueue;
  private claimsServed: { value: boolean; at: number } | undefined;
  readonly setInformer: Informer<StatefulSet>;
  readonly podInformer: Informer<Pod>;
  readonly revisionInformer: Informer<ControllerRevision>;

  constructor(options: StatefulSetControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.ownsInformers = !options.informers;
    this.informers = options.informers ?? new InformerFactory({ client: this.client, clock: this.clock });
    this.events = options.events ?? new EventRecorder({ client: this.client, component: "statefulset-controller", clock: this.clock });
    this.queue = new WorkQueue({ clock: this.clock, name: "statefulset" });
    this.setInformer = this.informers.informer(statefulsets);
    this.podInformer = this.informers.informer(pods);
    this.revisionInformer = this.informers.informer(revisions);
    for (const inf of [this.podInformer, this.revisionInformer] as Informer<Pod | ControllerRevision>[]) {
      ensureIndex(inf, statefulSetOwnerIndex, (o) => {
        const ref = controllerRefOf(o);
        return ref ? [ref.uid] : [];
      });
      ensureIndex(inf, orphanIndex, (o) => (controllerRefOf(o) ? [] : [o.metadata.namespace ?? ""]));
    }
    this.addHandlers();
  }

  /** Runs until `signal` aborts; resolves once stopped. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.ownsInformers) this.informers.start(signal);
    const all: { waitForSync(signal: AbortSignal): Promise<boolean> }[] = [this.setInformer, this.podInformer, this.revisionInformer];
    for (const inf of all) if (!(await inf.waitForSync(signal))) return;
    await runWorkers(this.queue, (key) => this.reconcile(key), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
  }

  private addHandlers(): void {
    this.setInformer.addHandler({
      add: (s) => this.queue.add(keyOf(s)),
      update: (_, s) => this.queue.add(keyOf(s)),
      delete: (s) => this.queue.add(keyOf(s)),
    });
    const onPod = (pod: Pod, old?: Pod): void => {
      if (old) {
        const oldOwner = this.ownerOf(old);
        const owner = this.ownerOf(pod);
        if (oldOwner && oldOwner.metadata.uid !== owner?.metadata.uid) this.queue.add(keyOf(oldOwner));
      }
      const owner = this.ownerOf(pod);
      if (owner) {
        this.queue.add(keyOf(owner));
        const minReady = owner.spec?.minReadySeconds ?? 0;
        if (old && minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(keyOf(owner), minReady * 1000 + 1000);
        return;
      }
      if (controllerRefOf(pod)) return;
      for (const set of this.setInformer.byIndex("namespace", pod.metadata.namespace ?? "")) {
        const sel = labelSelectorFromObject(set.spec?.selector);
        if (!sel.empty && sel.matches(pod.metadata.labels)) this.queue.add(keyOf(set));
      }
    };
    this.podInformer.addHandler({
      add: (p) => onPod(p),
      update: (old, p) => {
        if (old.metadata.resourceVersion !== p.metadata.resourceVersion) onPod(p, old);
      },
      delete: (p) => onPod(p),
    });
  }

  private ownerOf(obj: Pod | ControllerRevision): StatefulSet | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== "StatefulSet") return undefined;
    const set = this.setInformer.get(`${obj.metadata.namespace}/${ref.name}`);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  // ---- reconcile ------------------------------------------------------------------

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const set = this.setInformer.get(key);
    if (!set) return;
    const selector = labelSelectorFromObject(set.spec?.selector);
    const revs = await this.claim(set, selector, this.revisionInformer, revisions, () => true);
    const claimedPods = await this.claim(set, selector, this.podInformer, pods, (p) => isMemberOf(set, p as Pod));
    const history = await this.revisions(set, revs);
    const status = await this.sync(set, history, claimedPods);
    await this.storeStatus(set, status);
    await this.truncateHistory(set, claimedPods, history);

    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (status.availableReplicas ?? 0) !== (status.readyReplicas ?? 0)) {
      const now = this.clock.now();
      let wait: number | undefined;
      for (const p of claimedPods) {
        const ms = msUntilAvailable(p, minReady, now);
        if (ms !== undefined) wait = wait === undefined ? ms : Math.min(wait, ms);
      }
      return { requeueAfterMs: wait ?? minReady * 1000 };
    }
  }

  /** ControllerRefManager.Claim: adopt matching orphans (that pass `filter`), release owned objects that no longer match. */
  private async claim<T extends Pod | ControllerRevision>(set: StatefulSet, selector: LabelSelector, informer: Informer<T>, res: typeof pods | typeof revisions, filter: (o: T) => boolean): Promise<T[]> {
    const uid = set.metadata.uid ?? "";
    const namespace = set.metadata.namespace ?? "";
    const deleting = !!set.metadata.deletionTimestamp;
    const out: T[] = [];
    for (const obj of informer.byIndex(statefulSetOwnerIndex, uid)) {
      if (obj.metadata.namespace !== namespace) continue;
      if (selector.matches(obj.metadata.labels) && filter(obj)) {
        out.push(obj);
        continue;
      }
      if (!deleting) await this.patchIgnoringGone(res, obj, releasePatch(obj, uid));
    }
    if (deleting) return out;
    for (const obj of informer.byIndex(orphanIndex, namespace)) {
      if (obj.metadata.deletionTimestamp || !selector.matches(obj.metadata.labels) || !filter(obj)) continue;
      const adopted = await this.patchIgnoringGone(res, obj, adoptPatch(obj, controllerRefTo(set, "StatefulSet", "apps/v1")));
      if (adopted) out.push(adopted as T);
    }
    return out;
  }

  private async patchIgnoringGone(res: typeof pods | typeof revisions, obj: KubeObject, patch: unknown): Promise<KubeObject | undefined> {
    try {
      return await this.client.patch(res as typeof pods, obj.metadata.name ?? "", patch, { namespace: obj.metadata.namespace, type: "strategic" });
    } catch (err) {
      if (isApiError(err) && (err.code === 404 || err.code === 409 || err.code === 422)) return undefined;
      throw err;
    }
  }

  // ---- revisions --------------------------------------------------------------------

  /**
   * getStatefulSetRevisions: the update revision is the set's template — the newest
   * revision if equal, an older equal one renumbered (a rollback), or a new one; the
   * current revision is the one status.currentRevision names, else the update revision.
   */
  private async revisions(set: StatefulSet, claimed: ControllerRevision[]): Promise<Revisions> {
    const all = sortRevisions([...claimed]);
    let collisionCount = set.status?.collisionCount ?? 0;
    const next = (all.at(-1)?.revision ?? 0) + 1;
    const candidate = newRevision(set, next, collisionCount);
    const equal = all.filter((r) => equalRevision(r, candidate));
    let update: ControllerRevision;
    const latest = all.at(-1);
    const lastEqual = equal.at(-1);
    if (lastEqual && latest && lastEqual.metadata.name === latest.metadata.name) {
      update = latest;
    } else if (lastEqual) {
      update = await this.client.update(revisions, { ...lastEqual, revision: next });
      all.splice(all.indexOf(lastEqual), 1, update);
    } else {
      // CreateControllerRevision: a name taken by different data is a collision.
      for (;;) {
        const hash = hashRevisionData(candidate.data, collisionCount);
        const cr: ControllerRevision = { ...candidate, metadata: { ...candidate.metadata, name: revisionName(set.metadata.name ?? "", hash), labels: { ...candidate.metadata.labels, [revisionLabel]: hash } } };
        try {
          update = await this.client.create(revisions, cr);
          break;
        } catch (err) {
          if (!isApiError(err) || err.code !== 409) throw err;
          const existing = await this.client.get(revisions, cr.metadata.name ?? "", { namespace: set.metadata.namespace });
          if (equalRevision(existing, cr)) {
            update = existing;
            break;
          }
          collisionCount++;
        }
      }
      all.push(update);
    }
    const current = all.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount, all };
  }

  /** truncateHistory: keep revisionHistoryLimit revisions besides the live ones (current, update, used by pods). */
  private async truncateHistory(set: StatefulSet, podList: Pod[], history: Revisions): Promise<void> {
    const live = new Set([history.current.metadata.name, history.update.metadata.name, ...podList.map((p) => p.metadata.labels?.[revisionLabel])]);
    const old = sortRevisions(history.all.filter((r) => !live.has(r.metadata.name)));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    for (const cr of old.slice(0, Math.max(0, old.length - limit))) {
      try {
        await this.client.delete(revisions, cr.metadata.name ?? "", { namespace: cr.metadata.namespace });
      } catch (err) {
        if (!isApiError(err) || err.code !== 404) throw err;
      }
    }
  }

  // ---- the sync -----------------------------------------------------------------------

  /** updateStatefulSet (stateful_set_control.go): status of what is, then at most the next steps. */
  private async sync(set: StatefulSet, history: Revisions, claimed: Pod[]): Promise<StatefulSetStatus> {
    const { current, update } = history;
    const nowMs = this.clock.now();
    const minReady = set.spec?.minReadySeconds ?? 0;
    const status = countStatus(claimed, { current: current.metadata.name ?? "", update: update.metadata.name ?? "", minReady, nowMs });
    status.observedGeneration = set.metadata.generation;
    status.currentRevision = current.metadata.name;
    status.updateRevision = update.metadata.name;
    status.collisionCount = history.collisionCount;
    // A set being deleted only reports status.
    if (set.metadata.deletionTimestamp) return status;

    const template = set.spec?.template ?? {};
    const currentTemplate = templateOf(current, template);
    const updateTemplate = templateOf(update, template);
    const replicaCount = set.spec?.replicas ?? 1;
    const start = startOrdinal(set);
    const strategy = set.spec?.updateStrategy;
    const partition = strategy?.type === "RollingUpdate" ? (strategy.rollingUpdate?.partition ?? 0) : 0;
    const monotonic = set.spec?.podManagementPolicy !== "Parallel";

    // newVersionedStatefulSetPod: below the partition from the current revision, else the update revision.
    const versioned = (ordinal: number): Pod => {
      const useCurrent = strategy?.type === "RollingUpdate" && ordinal < partition + start;
      return useCurrent ? newStatefulSetPod(set, currentTemplate, ordinal, current.metadata.name ?? "") : newStatefulSetPod(set, updateTemplate, ordinal, update.metadata.name ?? "");
    };

    const replicas: Pod[] = [];
    const condemned: Pod[] = [];
    const byOrdinal = new Map<number, Pod>();
    for (const pod of claimed) {
      const ord = ordinalOf(pod);
      if (ord >= start && ord < start + replicaCount) byOrdinal.set(ord, pod);
      else if (ord >= 0) condemned.push(pod);
    }
    for (let i = 0; i < replicaCount; i++) replicas.push(byOrdinal.get(start + i) ?? versioned(start + i));
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    const firstUnhealthy = [...replicas, ...condemned].find((p) => !isHealthy(p));

    const processReplica = async (i: number): Promise<boolean> => {
      const pod = replicas[i] as Pod;
      const phase = pod.status?.phase;
      if (phase === "Failed" || phase === "Succeeded") {
        // Restarted whatever the exit: a new pod comes once this one is gone from the store.
        if (!pod.metadata.deletionTimestamp) await this.deletePod(set, pod);
        return true;
      }
      if (!isPodCreated(pod)) {
        await this.createPod(set, pod);
        status.replicas++;
        const rev = pod.metadata.labels?.[revisionLabel];
        if (rev === current.metadata.name) status.currentReplicas = (status.currentReplicas ?? 0) + 1;
        if (rev === update.metadata.name) status.updatedReplicas = (status.updatedReplicas ?? 0) + 1;
        return monotonic;
      }
      if (phase === "Pending") await this.createMissingClaims(set, pod);
      if (monotonic && (isPodTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, nowMs))) return true;
      if (!identityMatches(set, pod) && !isPodTerminating(pod)) {
        await this.updatePodIdentity(set, pod);
      }
      return false;
    };

    if (monotonic) {
      for (let i = 0; i < replicas.length; i++) if (await processReplica(i)) return status;
    } else {
      const exits = await Promise.all(replicas.map((_, i) => processReplica(i)));
      if (exits.some(Boolean)) return status;
    }

    // Scale down: the highest ordinal first; in OrderedReady one at a time, after the rest are healthy.
    const leaving: Pod[] = [];
    for (const pod of condemned) {
      if (isPodTerminating(pod)) {
        if (monotonic) return status;
        continue;
      }
      if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, nowMs))) return status;
      if (monotonic) {
        await this.deletePod(set, pod);
        return status;
      }
      leaving.push(pod);
    }
    await Promise.all(leaving.map((p) => this.deletePod(set, p)));

    if (strategy?.type === "OnDelete") return status;

    // RollingUpdate: while fewer than maxUnavailable pods are unhealthy, delete the
    // highest-ordinal pods not at the update revision, down to the partition.
    const maxUnavailable = maxUnavailableOf(set, replicaCount);
    const unavailable = replicas.filter((p) => !isHealthy(p) || !isRunningAndAvailable(p, minReady, nowMs)).length;
    if (unavailable >= maxUnavailable) return status;
    let budget = maxUnavailable - unavailable;
    for (let target = replicas.length - 1; target >= partition && budget > 0; target--) {
      const pod = replicas[target] as Pod;
      if (pod.metadata.labels?.[revisionLabel] !== update.metadata.name && !isPodTerminating(pod)) {
        await this.deletePod(set, pod);
        budget--;
        if (pod.metadata.labels?.[revisionLabel] === current.metadata.name) status.currentReplicas = Math.max(0, (status.currentReplicas ?? 0) - 1);
      }
    }
    return status;
  }

  // ---- pod and claim writes (stateful_pod_control.go) -------------------------------

  private podEvent(set: StatefulSet, verb: "create" | "update" | "delete", pod: Pod, err?: unknown): void {
    const title = verb[0]?.toUpperCase() + verb.slice(1);
    if (err === undefined) this.events.event(set, "Normal", `Successful${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    else this.events.event(set, "Warning", `Failed${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${messageOf(err)}`);
  }

  private async createPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.createClaims(set, pod);
    } catch (err) {
      this.podEvent(set, "create", pod, err);
      throw err;
    }
    try {
      await this.client.create(pods, pod);
    } catch (err) {
      // Already there: our cache is behind; not an event.
      if (isApiError(err) && err.code === 409) return;
      this.podEvent(set, "create", pod, err);
      throw err;
    }
    this.podEvent(set, "create", pod);
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(pods, pod.metadata.name ?? "", { namespace: pod.metadata.namespace, preconditions: pod.metadata.uid ? { uid: pod.metadata.uid } : undefined });
    } catch (err) {
      if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
      this.podEvent(set, "delete", pod, err);
      throw err;
    }
    this.podEvent(set, "delete", pod);
  }

  private async updatePodIdentity(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.patch(pods, pod.metadata.name ?? "", { metadata: { labels: identityLabels(pod) } }, { namespace: pod.metadata.namespace, type: "merge" });
    } catch (err) {
      if (isApiError(err) && err.code === 404) return;
      this.podEvent(set, "update", pod, err);
      throw err;
    }
    this.podEvent(set, "update", pod);
  }

  /** Whether the server serves persistentvolumeclaims (a negative answer is kept for 30 s). */
  private async claimsAreServed(): Promise<boolean> {
    const now = this.clock.now();
    if (this.claimsServed && (this.claimsServed.value || now - this.claimsServed.at < claimDiscoveryTtlMs)) return this.claimsServed.value;
    const doc = (await this.client.raw("GET", "/api/v1")) as { resources?: { name?: string }[] };
    const value = (doc.resources ?? []).some((r) => r.name === "persistentvolumeclaims");
    this.claimsServed = { value, at: now };
    return value;
  }

  /** createPersistentVolumeClaims: each missing claim of the pod's ordinal, when claims exist on this server. */
  private async createClaims(set: StatefulSet, pod: Pod): Promise<void> {
    if ((set.spec?.volumeClaimTemplates ?? []).length === 0 || !(await this.claimsAreServed())) return;
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod))) {
      const name = (claim.metadata as { name: string }).name;
      try {
        await this.client.get(claims, name, { namespace: set.metadata.namespace });
        continue;
      } catch (err) {
        if (!isApiError(err) || err.code !== 404) {
          errors.push(`failed to retrieve PVC ${name}: ${messageOf(err)}`);
          this.events.event(set, "Warning", "FailedCreate", `create Claim ${name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${messageOf(err)}`);
          continue;
        }
      }
      try {
        await this.client.create(claims, claim as unknown as KubeObject);
        this.events.event(set, "Normal", "SuccessfulCreate", `create Claim ${name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isApiError(err) && err.code === 409) continue;
        errors.push(`failed to create PVC ${name}: ${messageOf(err)}`);
        this.events.event(set, "Warning", "FailedCreate", `create Claim ${name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${messageOf(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(errors.join("; "));
  }

  private async createMissingClaims(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createClaims(set, pod);
  }

  // ---- status -----------------------------------------------------------------------

  /** updateStatefulSetStatus: complete a finished rolling update, write only on change, retry a conflict once. */
  private async storeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    const strategy = set.spec?.updateStrategy?.type;
    if (strategy === "RollingUpdate" && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const old = set.status;
    const fields = ["observedGeneration", "replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas", "currentRevision", "updateRevision", "collisionCount"] as const;
    if (old && fields.every((f) => (old[f] ?? 0) === (status[f] ?? 0))) return;
    let target = set;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.updateStatus(statefulsets, { ...target, status: { ...(target.status ?? {}), ...status } });
        return;
      } catch (err) {
        if (!isApiError(err) || err.code !== 409 || attempt >= 1) throw err;
        target = await this.client.get(statefulsets, set.metadata.name ?? "", { namespace: set.metadata.namespace });
        if (target.metadata.uid !== set.metadata.uid) return;
      }
    }
  }
}

/** updateStatus: counts over the claimed pods. */
function countStatus(podList: Pod[], o: { current: string; update: string; minReady: number; nowMs: number }): StatefulSetStatus {
  const s: StatefulSetStatus = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of podList) {
    if (isPodCreated(pod)) s.replicas++;
    if (isRunningAndReady(pod)) {
      s.readyReplicas = (s.readyReplicas ?? 0) + 1;
      if (isRunningAndAvailable(pod, o.minReady, o.nowMs)) s.availableReplicas = (s.availableReplicas ?? 0) + 1;
    }
    if (isPodCreated(pod) && !isPodTerminating(pod)) {
      const rev = pod.metadata.labels?.[revisionLabel];
      if (rev === o.current) s.currentReplicas = (s.currentReplicas ?? 0) + 1;
      if (rev === o.update) s.updatedReplicas = (s.updatedReplicas ?? 0) + 1;
    }
  }
  return s;
}

/** rollingUpdate.maxUnavailable scaled to the replicas (rounded down, at least 1); default 1. */
function maxUnavailableOf(set: StatefulSet, replicas: number): number {
  const v = set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable;
  if (v === undefined) return 1;
  let n: number;
  if (typeof v === "number") n = v;
  else {
    const m = /^(\d+)%$/.exec(v);
    n = m ? Math.floor((Number(m[1]) * replicas) / 100) : Number.parseInt(v, 10) || 1;
  }
  return Math.max(1, n);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
