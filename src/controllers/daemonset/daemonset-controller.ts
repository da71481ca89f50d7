import type { ControllerRevision, DaemonSet, Node, Pod } from "../../api/index.js";
import { isApiError, labelSelectorFromObject, type LabelSelector } from "../../machinery/index.js";
import {
  EventRecorder,
  Expectations,
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
import { adoptPatch, controllerRefOf, controllerRefTo, isPodReady, isPodTerminal, msUntilAvailable, releasePatch } from "./_pods.js";
import { canonicalJson, computeHash, controllerRevisionHashLabel, newRevision, revisionMatches, templateGenerationLabel } from "./history.js";
import { daemonPodTolerations, nodeShouldRunDaemonPod, targetNodeName, withNodeNameAffinity } from "./node-eligibility.js";
import { computeStatus, manage, rollingUpdate, type Plan, type Snapshot } from "./plan.js";

const daemonsets = resource<DaemonSet>("apps", "v1", "daemonsets", "DaemonSet", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const revisions = resource<ControllerRevision>("apps", "v1", "controllerrevisions", "ControllerRevision", true);

/** Pods and revisions by the uid of their controlling owner. */
export const daemonSetOwnerIndex = "daemonset/controller-uid";
/** Pods and revisions with no controller, by namespace (adoption candidates). */
const orphanIndex = "daemonset/orphans";

/** At most this many creates or deletes per pass (upstream's BurstReplicas). */
const burstReplicas = 250;
const failedBackoffInitialMs = 1000;
const failedBackoffMaxMs = 15 * 60_000;

export interface DaemonSetControllerOptions {
  client: Client;
  /** Shared informers (the controller manager's); without them the controller makes and starts its own. */
  informers?: InformerFactory;
  clock?: Clock;
  events?: EventRecorder;
  /** DaemonSets synced at once (upstream's --concurrent-daemonset-syncs, default 2). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The DaemonSet controller (pkg/controller/daemon): one pod per eligible node, made with a
 * required node affinity on the node's `metadata.name` so the scheduler binds it there;
 * pods follow nodes as they join, leave, change labels or taints. RollingUpdate
 * (maxUnavailable / maxSurge) and OnDelete; ControllerRevisions `<ds>-<hash>` with the
 * hash on pods as `controller-revision-hash`; status as upstream.
 *
 *   const dsc = new DaemonSetController({ client, informers });
 *   await dsc.start(signal); // until signal aborts
 */
export class DaemonSetController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: DaemonSetControllerOptions;
  private readonly informers: InformerFactory;
  private readonly ownsInformers: boolean;
  private readonly events: EventRecorder;
  private readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly failedBackoff = new Map<string, { delayMs: number; at: number }>();
  readonly dsInformer: Informer<DaemonSet>;
  readonly podInformer: Informer<Pod>;
  readonly nodeInformer: Informer<Node>;
  readonly revisionInformer: Informer<ControllerRevision>;

  constructor(options: DaemonSetControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.ownsInformers = !options.informers;
    this.informers = options.informers ?? new InformerFactory({ client: this.client, clock: this.clock });
    this.events = options.events ?? new EventRecorder({ client: this.client, component: "daemonset-controller", clock: this.clock });
    this.queue = new WorkQueue({ clock: this.clock, name: "daemonset" });
    this.expectations = new Expectations({ clock: this.clock });
    this.dsInformer = this.informers.informer(daemonsets);
    this.podInformer = this.informers.informer(pods);
    this.nodeInformer = this.informers.informer(nodes);
    this.revisionInformer = this.informers.informer(revisions);
    for (const inf of [this.podInformer, this.revisionInformer] as Informer<Pod | ControllerRevision>[]) {
      ensureIndex(inf, daemonSetOwnerIndex, (o) => {
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
    const all: { waitForSync(signal: AbortSignal): Promise<boolean> }[] = [this.dsInformer, this.podInformer, this.nodeInformer, this.revisionInformer];
    for (const inf of all) if (!(await inf.waitForSync(signal))) return;
    await runWorkers(this.queue, (key) => this.reconcile(key), { workers: this.options.workers ?? 2, signal, onError: this.options.onError });
  }

  // ---- event handlers: only enqueue keys -------------------------------------------

  private addHandlers(): void {
    this.dsInformer.addHandler({
      add: (ds) => this.queue.add(keyOf(ds)),
      update: (_, ds) => this.queue.add(keyOf(ds)),
      delete: (ds) => this.queue.add(keyOf(ds)),
    });
    this.podInformer.addHandler({
      add: (pod) => {
        if (pod.metadata.deletionTimestamp) return this.podGone(pod);
        const owner = this.ownerOf(pod);
        if (owner) {
          this.expectations.creationObserved(createKey(keyOf(owner)));
          this.queue.add(keyOf(owner));
        } else if (!controllerRefOf(pod)) {
          for (const ds of this.daemonSetsSelecting(pod)) this.queue.add(keyOf(ds));
        }
      },
      update: (old, pod) => {
        if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
        if (pod.metadata.deletionTimestamp) return this.podGone(pod);
        const oldOwner = this.ownerOf(old);
        const owner = this.ownerOf(pod);
        if (oldOwner && oldOwner.metadata.uid !== owner?.metadata.uid) this.queue.add(keyOf(oldOwner));
        if (owner) {
          this.queue.add(keyOf(owner));
          const minReady = owner.spec?.minReadySeconds ?? 0;
          if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(keyOf(owner), minReady * 1000 + 1000);
        } else if (!controllerRefOf(pod)) {
          for (const ds of this.daemonSetsSelecting(pod)) this.queue.add(keyOf(ds));
        }
      },
      delete: (pod) => this.podGone(pod),
    });
    this.nodeInformer.addHandler({
      add: (node) => {
        for (const ds of this.dsInformer.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.queue.add(keyOf(ds));
      },
      update: (old, node) => {
        // Heartbeats change only status: look again only when scheduling inputs changed.
        if (canonicalJson([old.metadata.labels, old.spec]) === canonicalJson([node.metadata.labels, node.spec])) return;
        for (const ds of this.dsInformer.list()) {
          const a = nodeShouldRunDaemonPod(old, ds);
          const b = nodeShouldRunDaemonPod(node, ds);
          if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) this.queue.add(keyOf(ds));
        }
      },
      delete: (node) => {
        for (const ds of this.dsInformer.list()) {
          const e = nodeShouldRunDaemonPod(node, ds);
          if (e.shouldRun || e.shouldContinueRunning) this.queue.add(keyOf(ds));
        }
      },
    });
    const onRevision = (cr: ControllerRevision): void => {
      const ref = controllerRefOf(cr);
      if (ref?.kind === "DaemonSet") this.queue.add(`${cr.metadata.namespace}/${ref.name}`);
    };
    this.revisionInformer.addHandler({ add: onRevision, update: (_, cr) => onRevision(cr), delete: onRevision });
  }

  private podGone(pod: Pod): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(deleteKey(keyOf(owner)), keyOf(pod));
    this.queue.add(keyOf(owner));
  }

  /** The cached DaemonSet controlling `obj`, if its controllerRef names one that exists with that uid. */
  private ownerOf(obj: Pod | ControllerRevision): DaemonSet | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== "DaemonSet") return undefined;
    const ds = this.dsInformer.get(`${obj.metadata.namespace}/${ref.name}`);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  private daemonSetsSelecting(pod: Pod): DaemonSet[] {
    return this.dsInformer.byIndex("namespace", pod.metadata.namespace ?? "").filter((ds) => {
      const sel = labelSelectorFromObject(ds.spec?.selector);
      return !sel.empty && sel.matches(pod.metadata.labels);
    });
  }

  // ---- reconcile ------------------------------------------------------------------

  private expectationsSatisfied(key: string): boolean {
    return this.expectations.satisfied(createKey(key)) && this.expectations.satisfied(deleteKey(key));
  }

  /** syncDaemonSet: history, then manage + rolling update, then history cleanup and status. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.dsInformer.get(key);
    if (!cached) {
      this.expectations.delete(createKey(key));
      this.expectations.delete(deleteKey(key));
      for (const k of this.failedBackoff.keys()) if (k.startsWith(`${key}/`)) this.failedBackoff.delete(k);
      return;
    }
    const ds = cached;
    const selector = labelSelectorFromObject(ds.spec?.selector);
    if (selector.empty) {
      this.events.event(ds, "Warning", "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
      return;
    }
    // A DaemonSet being deleted is left to the garbage collector.
    if (ds.metadata.deletionTimestamp) return;

    const nodeList = this.nodeInformer.list();
    const { current, old } = await this.constructHistory(ds, selector);
    const hash = current.metadata.labels?.[controllerRevisionHashLabel] ?? current.metadata.name ?? "";
    const nowMs = this.clock.now();
    const nodeToPods = await this.nodeToDaemonPods(ds, selector);
    let requeueMs: number | undefined;

    if (this.expectationsSatisfied(key)) {
      const snap: Snapshot = { ds, nodes: nodeList, nodeToPods, hash, nowMs };
      const plan = manage(snap, (node) => this.inFailedBackoff(key, node, nowMs));
      for (const node of this.nodesInBackoff(key, nowMs)) requeueMs = minDefined(requeueMs, node);
      for (const { pod, node } of plan.failed) {
        this.nextFailedBackoff(key, node, nowMs);
        this.events.event(ds, "Warning", "FailedDaemonPod", `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node}, will try to kill it`);
      }
      const changed = await this.syncNodes(ds, plan, hash);
      if (!changed && this.expectationsSatisfied(key) && ds.spec?.updateStrategy?.type === "RollingUpdate") {
        const eligible = new Map(nodeList.map((n) => [n.metadata.name ?? "", nodeShouldRunDaemonPod(n, ds).shouldRun]));
        await this.syncNodes(ds, rollingUpdate(snap, (n) => eligible.get(n) === true), hash);
      }
      await this.cleanupHistory(ds, old, nodeToPods);
    }
    const status = computeStatus({ ds, nodes: nodeList, nodeToPods, hash, nowMs });
    await this.storeStatus(ds, status);

    // Look again when a ready pod turns available (minReadySeconds).
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable) {
      for (const podsOnNode of nodeToPods.values()) for (const p of podsOnNode) requeueMs = minDefined(requeueMs, msUntilAvailable(p, minReady, nowMs));
      requeueMs ??= minReady * 1000;
    }
    return requeueMs === undefined ? undefined : { requeueAfterMs: requeueMs };
  }

  // ---- pods -----------------------------------------------------------------------

  /**
   * The DaemonSet's pods by target node, after adopting matching orphans and releasing
   * owned pods that no longer match (ClaimPods). Terminal pods being deleted are left out.
   */
  private async nodeToDaemonPods(ds: DaemonSet, selector: LabelSelector): Promise<Map<string, Pod[]>> {
    const claimed = await this.claim(ds, selector, this.podInformer, pods);
    const out = new Map<string, Pod[]>();
    for (const pod of claimed) {
      if (isPodTerminal(pod) && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      const list = out.get(node);
      if (list) list.push(pod);
      else out.set(node, [pod]);
    }
    return out;
  }

  /** ControllerRefManager.Claim for pods or revisions: adopt orphans that match, release owned ones that don't. */
  private async claim<T extends Pod | ControllerRevision>(ds: DaemonSet, selector: LabelSelector, informer: Informer<T>, res: typeof pods | typeof revisions): Promise<T[]> {
    const uid = ds.metadata.uid ?? "";
    const namespace = ds.metadata.namespace ?? "";
    const out: T[] = [];
    for (const obj of informer.byIndex(daemonSetOwnerIndex, uid)) {
      if (obj.metadata.namespace !== namespace) continue;
      if (selector.matches(obj.metadata.labels)) {
        out.push(obj);
        continue;
      }
      if (ds.metadata.deletionTimestamp) continue;
      await this.patchIgnoringGone(res, obj, releasePatch(obj, uid));
    }
    if (ds.metadata.deletionTimestamp) return out;
    for (const obj of informer.byIndex(orphanIndex, namespace)) {
      if (obj.metadata.deletionTimestamp || !selector.matches(obj.metadata.labels)) continue;
      const adopted = await this.patchIgnoringGone(res, obj, adoptPatch(obj, controllerRefTo(ds, "DaemonSet", "apps/v1")));
      if (adopted) out.push(adopted as T);
    }
    return out;
  }

  private async patchIgnoringGone(res: typeof pods | typeof revisions, obj: Pod | ControllerRevision, patch: unknown): Promise<Pod | ControllerRevision | undefined> {
    try {
      return await this.client.patch(res as typeof pods, obj.metadata.name ?? "", patch, { namespace: obj.metadata.namespace, type: "strategic" });
    } catch (err) {
      // Gone, or no longer the object we saw (uid mismatch): nothing to claim.
      if (isApiError(err) && (err.code === 404 || err.code === 409 || err.code === 422)) return undefined;
      throw err;
    }
  }

  /** The pod made for `nodeName` (CreatePodTemplate + ReplaceDaemonSetPodNodeNameNodeAffinity). */
  private newPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
    const template = ds.spec?.template ?? {};
    const spec = structuredClone(template.spec ?? { containers: [] });
    spec.tolerations = daemonPodTolerations(spec);
    spec.affinity = withNodeNameAffinity(spec.affinity, nodeName);
    const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
    if (ds.metadata.generation !== undefined) labels[templateGenerationLabel] = String(ds.metadata.generation);
    if (hash) labels[controllerRevisionHashLabel] = hash;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels,
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
        ownerReferences: [controllerRefTo(ds, "DaemonSet", "apps/v1")],
      },
      spec,
    };
  }

  /**
   * syncNodes: deletes and creates with expectations; creates in slow-start batches (1, 2,
   * 4, …) that stop at the first failing batch. Resolves true if it wrote anything; throws
   * if a write failed (the key is retried).
   */
  private async syncNodes(ds: DaemonSet, plan: Plan, hash: string): Promise<boolean> {
    const key = keyOf(ds);
    const toCreate = plan.create.slice(0, burstReplicas);
    const seen = new Set<string>();
    const toDelete = plan.delete.filter((p) => !seen.has(keyOf(p)) && seen.add(keyOf(p))).slice(0, burstReplicas);
    if (toCreate.length === 0 && toDelete.length === 0) return false;
    const errors: unknown[] = [];
    if (toCreate.length > 0) this.expectations.expectCreations(createKey(key), toCreate.length);
    if (toDelete.length > 0) this.expectations.expectDeletions(deleteKey(key), toDelete.map((p) => keyOf(p)));

    let pos = 0;
    for (let batch = 1; pos < toCreate.length; batch *= 2) {
      const nodesNow = toCreate.slice(pos, pos + batch);
      pos += nodesNow.length;
      const results = await Promise.allSettled(nodesNow.map((node) => this.client.create(pods, this.newPod(ds, node, hash))));
      let failed = false;
      for (const r of results) {
        if (r.status === "fulfilled") {
          this.events.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${r.value.metadata.name}`);
        } else {
          failed = true;
          this.expectations.creationObserved(createKey(key));
          errors.push(r.reason);
          this.events.event(ds, "Warning", "FailedCreate", `Error creating: ${messageOf(r.reason)}`);
        }
      }
      if (failed) {
        // The rest are not tried in this pass: lower the expectations for them.
        for (let i = pos; i < toCreate.length; i++) this.expectations.creationObserved(createKey(key));
        break;
      }
    }

    await Promise.all(
      toDelete.map(async (pod) => {
        try {
          await this.client.delete(pods, pod.metadata.name ?? "", { namespace: pod.metadata.namespace, preconditions: pod.metadata.uid ? { uid: pod.metadata.uid } : undefined });
          this.events.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(deleteKey(key), keyOf(pod));
          if (isApiError(err) && (err.code === 404 || err.code === 409)) return;
          errors.push(err);
          this.events.event(ds, "Warning", "FailedDelete", `Error deleting: ${messageOf(err)}`);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
    return true;
  }

  // ---- failed-pod back-off (flowcontrol.Backoff per ds/node) -------------------------

  private inFailedBackoff(key: string, node: string, nowMs: number): boolean {
    const e = this.failedBackoff.get(`${key}/${node}`);
    return !!e && nowMs - e.at < e.delayMs;
  }

  private nextFailedBackoff(key: string, node: string, nowMs: number): void {
    const k = `${key}/${node}`;
    const e = this.failedBackoff.get(k);
    if (!e || nowMs - e.at > 2 * failedBackoffMaxMs) this.failedBackoff.set(k, { delayMs: failedBackoffInitialMs, at: nowMs });
    else this.failedBackoff.set(k, { delayMs: Math.min(e.delayMs * 2, failedBackoffMaxMs), at: nowMs });
  }

  /** Time left on each back-off of this DaemonSet still running. */
  private nodesInBackoff(key: string, nowMs: number): number[] {
    const out: number[] = [];
    for (const [k, e] of this.failedBackoff) if (k.startsWith(`${key}/`) && nowMs - e.at < e.delayMs) out.push(e.delayMs - (nowMs - e.at));
    return out;
  }

  // ---- history ----------------------------------------------------------------------

  /** constructHistory: the revision matching the template (created or renumbered as needed) and the others. */
  private async constructHistory(ds: DaemonSet, selector: LabelSelector): Promise<{ current: ControllerRevision; old: ControllerRevision[] }> {
    const all = await this.claim(ds, selector, this.revisionInformer, revisions);
    const matching: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (const cr of all) (revisionMatches(ds, cr) ? matching : old).push(cr);
    const next = Math.max(0, ...old.map((cr) => cr.revision ?? 0)) + 1;
    if (matching.length === 0) return { current: await this.snapshot(ds, next), old };
    // Several matching (a hash collision in the past): keep the newest.
    matching.sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
    let current = matching[0] as ControllerRevision;
    old.push(...matching.slice(1));
    if ((current.revision ?? 0) < next) {
      current = await this.client.update(revisions, { ...current, revision: next });
    }
    return { current, old };
  }

  /** snapshot: create `<ds>-<hash>`; a different revision under that name is a collision (collisionCount++). */
  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const collisionCount = ds.status?.collisionCount ?? 0;
    const hash = computeHash(ds.spec?.template, collisionCount);
    const cr = newRevision(ds, revision, hash);
    try {
      return await this.client.create(revisions, cr);
    } catch (err) {
      if (!isApiError(err) || err.code !== 409) throw err;
      const existing = await this.client.get(revisions, cr.metadata.name ?? "", { namespace: ds.metadata.namespace });
      if (revisionMatches(ds, existing)) return existing;
      const fresh = await this.client.get(daemonsets, ds.metadata.name ?? "", { namespace: ds.metadata.namespace });
      const status = { ...(fresh.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }) };
      status.collisionCount = (fresh.status?.collisionCount ?? 0) + 1;
      await this.client.updateStatus(daemonsets, { ...fresh, status });
      throw new Error(`found a hash collision for DaemonSet "${ds.metadata.name}" - bumping collisionCount to ${status.collisionCount} to resolve it`);
    }
  }

  /** cleanupHistory: delete the oldest old revisions beyond revisionHistoryLimit that no live pod uses. */
  private async cleanupHistory(ds: DaemonSet, old: ControllerRevision[], nodeToPods: Map<string, Pod[]>): Promise<void> {
    const limit = ds.spec?.revisionHistoryLimit ?? 10;
    let toKill = old.length - limit;
    if (toKill <= 0) return;
    const live = new Set<string>();
    for (const list of nodeToPods.values()) for (const p of list) if (p.metadata.labels?.[controllerRevisionHashLabel]) live.add(p.metadata.labels[controllerRevisionHashLabel]);
    for (const cr of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
      if (toKill <= 0) break;
      if (live.has(cr.metadata.labels?.[controllerRevisionHashLabel] ?? "")) continue;
      try {
        await this.client.delete(revisions, cr.metadata.name ?? "", { namespace: cr.metadata.namespace });
      } catch (err) {
        if (!isApiError(err) || err.code !== 404) throw err;
      }
      toKill--;
    }
  }

  // ---- status -----------------------------------------------------------------------

  /** storeDaemonSetStatus: write only on change; on conflict read the DaemonSet again and retry. */
  private async storeStatus(ds: DaemonSet, computed: ReturnType<typeof computeStatus>): Promise<void> {
    const want = { ...computed, observedGeneration: ds.metadata.generation };
    const same = (s: DaemonSet["status"]): boolean =>
      !!s &&
      s.desiredNumberScheduled === want.desiredNumberScheduled &&
      s.currentNumberScheduled === want.currentNumberScheduled &&
      s.numberMisscheduled === want.numberMisscheduled &&
      s.numberReady === want.numberReady &&
      (s.updatedNumberScheduled ?? 0) === want.updatedNumberScheduled &&
      (s.numberAvailable ?? 0) === want.numberAvailable &&
      (s.numberUnavailable ?? 0) === want.numberUnavailable &&
      (s.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0);
    if (same(ds.status)) return;
    let target = ds;
    for (let attempt = 0; ; attempt++) {
      const status = { ...(target.status ?? {}), ...want };
      try {
        await this.client.updateStatus(daemonsets, { ...target, status });
        return;
      } catch (err) {
        if (!isApiError(err) || err.code !== 409 || attempt >= 1) throw err;
        target = await this.client.get(daemonsets, ds.metadata.name ?? "", { namespace: ds.metadata.namespace });
        if (target.metadata.uid !== ds.metadata.uid) return;
      }
    }
  }
}

const createKey = (key: string): string => `${key} creates`;
const deleteKey = (key: string): string => `${key} deletes`;

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
