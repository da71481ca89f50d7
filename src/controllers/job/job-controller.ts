import type { Job, JobCondition, JobStatus, Pod } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import {
  EventRecorder,
  Expectations,
  WorkQueue,
  ensureIndex,
  keyOf,
  realClock,
  resource,
  runWorkers,
  splitKey,
  type Client,
  type Clock,
  type Informer,
  type InformerFactory,
  type ReconcileResult,
} from "../../client/index.js";
import { nextBackoffRecord, remainingBackoffMs, type BackoffRecord } from "./_backoff.js";
import { failJobMessage, matchPodFailurePolicy } from "./_failure-policy.js";
import { firstPendingIndexes, formatIndexes, parseIndexes } from "./_indexes.js";
import { podForJob } from "./_pod-template.js";
import {
  compareForRemoval,
  completionIndexOf,
  hasTrackingFinalizer,
  isActive,
  isPodFailed,
  isReady,
  isTerminating,
  jobTrackingFinalizer,
  onlyReplaceFailedPods,
  pastBackoffLimitOnFailure,
} from "./_pods.js";
import { matchSuccessPolicy } from "./_success-policy.js";
import { conditionOf, ensureCondition, formatTime, isJobFinished, newCondition, sameJson } from "./_status.js";

const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);

/** Pods by the uid of their controlling owner (shared with other controllers under this name). */
const podsByControllerUid = "job-controller/controller-uid";
/** MaxPodCreateDeletePerSync. */
const maxPodCreateDeletePerSync = 500;

export interface JobControllerOptions {
  client: Client;
  /** Shared informers (jobs and pods); the caller starts them. */
  informers: InformerFactory;
  clock?: Clock;
  events?: EventRecorder;
  /** Jobs synced at once (upstream's --concurrent-job-syncs, default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
  /** Pod failure back-off: first delay and cap (default 10 s and 10 min, as upstream). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** What one sync pass knows about a job (upstream's syncJobCtx). */
interface SyncContext {
  key: string;
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  terminating: number;
  succeeded: number;
  succeededIndexes?: Set<number>;
  backoff: BackoffRecord;
  requeueAfterMs?: number;
  error?: unknown;
}

function controllerRefOf(pod: Pod): { name: string; uid: string } | undefined {
  const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!ref || ref.kind !== "Job" || ref.apiVersion !== "batch/v1") return undefined;
  return { name: ref.name, uid: ref.uid };
}

/**
 * The job controller (pkg/controller/job): runs a Job's pods to `completions` successes
 * with at most `parallelism` at once, in NonIndexed or Indexed mode, and tracks them with
 * the `batch.kubernetes.io/job-tracking` finalizer: a finished pod is first recorded in
 * status.uncountedTerminatedPods, then its finalizer is removed, then it moves to the
 * succeeded/failed counters — so a pod deleted early is never lost or counted twice.
 *
 * Failures: backoffLimit (with exponential back-off between pod creations),
 * activeDeadlineSeconds, podFailurePolicy (FailJob/Ignore/Count), restart counts for
 * restartPolicy OnFailure. As in 1.35 the controller first sets FailureTarget /
 * SuccessCriteriaMet, deletes the remaining pods, and sets Failed / Complete once no pod
 * is terminating. suspend deletes active pods (Suspended condition); successPolicy for
 * Indexed jobs. Pods are the job's when their controller ownerReference names it (no
 * adoption of orphans by selector).
 *
 *   const jc = new JobController({ client, informers });
 *   informers.start(signal);
 *   await jc.start(signal);
 */
export class JobController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: JobControllerOptions;
  readonly jobs: Informer<Job>;
  readonly pods: Informer<Pod>;
  private readonly queue: WorkQueue;
  /** Pods whose finalizer should go because their job is gone or finished. */
  private readonly orphanQueue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly events: EventRecorder;
  /** Per job: uids of pods whose finalizer removal was sent and not yet seen. */
  private readonly finalizerRemovals = new Map<string, Set<string>>();
  private readonly backoffs = new Map<string, BackoffRecord>();
  /** Per job: the resourceVersion of our last status write; an older cached job is stale. */
  private readonly written = new Map<string, number>();

  constructor(options: JobControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.events = options.events ?? new EventRecorder({ client: options.client, component: "job-controller", clock: this.clock });
    this.expectations = new Expectations({ clock: this.clock });
    this.queue = new WorkQueue({ clock: this.clock, name: "job" });
    this.orphanQueue = new WorkQueue({ clock: this.clock, name: "job_orphan_pod" });
    this.jobs = options.informers.informer(jobsRes);
    this.pods = options.informers.informer(podsRes);
    ensureIndex(this.pods, podsByControllerUid, (p) => {
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller);
      return ref ? [ref.uid] : [];
    });
    this.jobs.addHandler({
      add: (j) => this.queue.add(keyOf(j)),
      update: (_, j) => this.queue.add(keyOf(j)),
      delete: (j) => {
        this.queue.add(keyOf(j));
        for (const p of this.pods.byIndex(podsByControllerUid, j.metadata.uid ?? "")) if (hasTrackingFinalizer(p)) this.orphanQueue.add(keyOf(p));
      },
    });
    this.pods.addHandler({
      add: (p) => this.onPod(undefined, p),
      update: (old, p) => this.onPod(old, p),
      delete: (p) => this.onPodDeleted(p),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = (await this.jobs.waitForSync(signal)) && (await this.pods.waitForSync(signal));
    if (synced) {
      const onError = this.options.onError;
      await Promise.all([
        runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError }),
        runWorkers(this.orphanQueue, (key, s) => this.releaseOrphanPod(key, s), { workers: 1, signal, onError }),
      ]);
    }
    this.queue.shutDown();
    this.orphanQueue.shutDown();
  }

  /** The job key of a pod's controlling Job when that Job (same uid) is in the cache. */
  private ownerJobKey(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (!ref) return undefined;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    return this.jobs.get(key)?.metadata.uid === ref.uid ? key : undefined;
  }

  private onPod(old: Pod | undefined, pod: Pod): void {
    const key = this.ownerJobKey(pod);
    if (!key) {
      if (hasTrackingFinalizer(pod)) this.orphanQueue.add(keyOf(pod));
      return;
    }
    const uid = pod.metadata.uid ?? "";
    if (!old) this.expectations.creationObserved(key);
    if (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) this.expectations.deletionObserved(key, uid);
    if (!hasTrackingFinalizer(pod)) this.finalizerRemovals.get(key)?.delete(uid);
    const job = this.jobs.get(key);
    if (job && isJobFinished(job) && hasTrackingFinalizer(pod)) this.orphanQueue.add(keyOf(pod));
    this.queue.add(key);
  }

  private onPodDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    this.expectations.deletionObserved(key, pod.metadata.uid ?? "");
    this.finalizerRemovals.get(key)?.delete(pod.metadata.uid ?? "");
    this.queue.add(key);
  }

  /** syncOrphanPod: drop the tracking finalizer of a pod whose job is gone or finished. */
  async releaseOrphanPod(podKey: string, signal: AbortSignal): Promise<void> {
    const pod = this.pods.get(podKey);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      const { namespace } = splitKey(podKey);
      let job = this.jobs.get(`${namespace}/${ref.name}`);
      if (!job || job.metadata.uid !== ref.uid) {
        // The cache may lag a just-created job: ask the API server.
        try {
          job = await this.client.get(jobsRes, ref.name, { namespace, signal });
        } catch (err) {
          if (!isApiError(err, "NotFound")) throw err;
          job = undefined;
        }
      }
      if (job && job.metadata.uid === ref.uid && !isJobFinished(job)) return;
    } else if ((pod.metadata.ownerReferences ?? []).some((r) => r.controller)) {
      return; // controlled by something that is not a Job
    }
    await this.removeFinalizer(pod, signal);
  }

  private async removeFinalizer(pod: Pod, signal: AbortSignal): Promise<void> {
    try {
      await this.client.patch(podsRes, pod.metadata.name ?? "", { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [jobTrackingFinalizer] } }, { namespace: pod.metadata.namespace, type: "strategic", signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
  }

  private forget(key: string): void {
    this.expectations.delete(key);
    this.finalizerRemovals.delete(key);
    this.backoffs.delete(key);
    this.written.delete(key);
  }

  /** One sync of one job (upstream's syncJob). */
  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.jobs.get(key);
    if (!cached) {
      this.forget(key);
      return;
    }
    if (cached.spec?.managedBy && cached.spec.managedBy !== "kubernetes.io/job-controller") return;
    const cachedRv = Number(cached.metadata.resourceVersion ?? "0");
    if (cachedRv < (this.written.get(key) ?? 0)) return; // our own status write is on its way to the cache
    if (isJobFinished(cached)) {
      this.backoffs.delete(key);
      return;
    }
    const job: Job = { ...structuredClone(cached), apiVersion: "batch/v1", kind: "Job" };
    const spec = job.spec;
    if (!spec) return;
    const status: JobStatus = (job.status ??= {});
    const base = structuredClone(status);
    const now = this.clock.now();
    const indexed = spec.completionMode === "Indexed";
    const completions = spec.completions;
    const expectedRm = this.finalizerRemovals.get(key) ?? new Set<string>();
    const satisfied = this.expectations.satisfied(key) && expectedRm.size === 0;
    const pods = this.pods.byIndex(podsByControllerUid, job.metadata.uid ?? "");
    const uidOf = (p: Pod): string => p.metadata.uid ?? "";

    // Uncounted pods whose finalizer is gone (removed by an earlier pass) move to the counters.
    const withFinalizer = new Set(pods.filter(hasTrackingFinalizer).map(uidOf));
    moveUncounted(status, withFinalizer);
    const uncounted = { succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods?.failed ?? []) };

    const activePods = pods.filter(isActive);
    const candidates = pods.filter((p) => hasTrackingFinalizer(p) && !expectedRm.has(uidOf(p)) && !uncounted.succeeded.has(uidOf(p)) && !uncounted.failed.has(uidOf(p)));
    const newSucceeded = candidates.filter((p) => p.status?.phase === "Succeeded");
    const newFailed = candidates.filter((p) => isPodFailed(p, job));
    const countedNewFailed = newFailed.filter((p) => !spec.podFailurePolicy || matchPodFailurePolicy(job, p).countFailed).length;
    let active = activePods.length;
    let ready = activePods.filter(isReady).length;
    const failed = (status.failed ?? 0) + countedNewFailed + uncounted.failed.size;
    const ctx: SyncContext = {
      key,
      job,
      pods,
      activePods,
      terminating: pods.filter(isTerminating).length,
      succeeded: (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size,
      backoff: nextBackoffRecord(this.backoffs.get(key), newSucceeded, newFailed),
    };
    const requeue = (ms: number): void => {
      ctx.requeueAfterMs = Math.min(ctx.requeueAfterMs ?? Infinity, Math.max(ms, 1));
    };

    if (!status.startTime && !spec.suspend) status.startTime = formatTime(now);

    let finished: JobCondition | undefined;
    const failureTarget = conditionOf(job, "FailureTarget");
    if (failureTarget) {
      finished = newCondition("Failed", failureTarget.reason ?? "", failureTarget.message ?? "", now);
    } else {
      const message = failJobMessage(job, pods);
      if (message) finished = newCondition("FailureTarget", "PodFailurePolicy", message, now);
    }
    const criteriaMet = conditionOf(job, "SuccessCriteriaMet");
    if (!finished && criteriaMet) finished = newCondition("Complete", criteriaMet.reason ?? "", criteriaMet.message ?? "", now);
    if (!finished) {
      const startMs = status.startTime ? Date.parse(status.startTime) : undefined;
      const deadlineMs = spec.activeDeadlineSeconds !== undefined && startMs !== undefined && !spec.suspend ? startMs + spec.activeDeadlineSeconds * 1000 : undefined;
      if (failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, activePods)) {
        finished = newCondition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
      } else if (deadlineMs !== undefined && now >= deadlineMs) {
        finished = newCondition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline", now);
      } else if (deadlineMs !== undefined) {
        requeue(deadlineMs - now);
      }
    }
    let prevSucceededIndexes = new Set<number>();
    if (indexed && completions !== undefined) {
      prevSucceededIndexes = new Set(parseIndexes(status.completedIndexes, completions));
      const all = new Set(prevSucceededIndexes);
      for (const p of pods) {
        const ix = completionIndexOf(p);
        if (p.status?.phase === "Succeeded" && ix !== undefined && ix < completions && hasTrackingFinalizer(p)) all.add(ix);
      }
      ctx.succeededIndexes = all;
      ctx.succeeded = all.size;
      if (!finished && !criteriaMet && spec.successPolicy) {
        const message = matchSuccessPolicy(spec.successPolicy, completions, all);
        if (message) finished = newCondition("SuccessCriteriaMet", "SuccessPolicy", message, now);
      }
    }

    if (finished) {
      const { deleted, deletedReady } = await this.deleteActivePods(job, activePods, signal);
      if (deleted !== activePods.length) finished = undefined;
      active -= deleted;
      ready -= deletedReady;
      ctx.terminating += deleted;
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        active = await this.manageJob(ctx, signal);
        managed = true;
        ready = Math.min(ready, active);
      }
      const complete = completions === undefined ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
      if (complete) {
        finished = newCondition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now);
      } else if (managed) {
        if (spec.suspend) {
          if (ensureCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now)) {
            this.events.event(job, "Normal", "Suspended", "Job suspended");
          }
        } else if (ensureCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now)) {
          this.events.event(job, "Normal", "Resumed", "Job resumed");
          // activeDeadlineSeconds counts continuous activity: resuming restarts the clock.
          status.startTime = formatTime(now);
        }
      }
    }
    status.active = active;
    status.ready = ready;
    status.terminating = ctx.terminating;

    await this.trackStatusAndRemoveFinalizers(ctx, { finished, prevSucceededIndexes, base, withFinalizer, expectedRm, signal });
    if (ctx.error) throw ctx.error;
    if (ctx.requeueAfterMs !== undefined) return { requeueAfterMs: ctx.requeueAfterMs };
  }

  /** manageJob: create or delete pods so `parallelism` (or fewer) run; returns the new active count. */
  private async manageJob(ctx: SyncContext, signal: AbortSignal): Promise<number> {
    const { job, key, activePods } = ctx;
    const spec = job.spec!;
    let active = activePods.length;
    if (spec.suspend) {
      if (active === 0) return 0;
      const toDelete = [...activePods].sort(compareForRemoval).slice(0, maxPodCreateDeletePerSync);
      const removed = await this.deleteJobPods(ctx, toDelete, signal);
      ctx.terminating += removed;
      return active - removed;
    }
    const parallelism = spec.parallelism ?? 1;
    let wantActive: number;
    if (spec.completions === undefined) wantActive = ctx.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(spec.completions - ctx.succeeded, parallelism));

    const toDelete = this.activePodsForRemoval(ctx, Math.max(0, active - wantActive)).slice(0, maxPodCreateDeletePerSync);
    if (toDelete.length > 0) {
      const removed = await this.deleteJobPods(ctx, toDelete, signal);
      ctx.terminating += removed;
      return active - removed;
    }

    const occupied = onlyReplaceFailedPods(job) ? active + ctx.terminating : active;
    if (occupied >= wantActive) return active;
    const wait = remainingBackoffMs(ctx.backoff, this.clock.now(), { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs });
    if (wait > 0) {
      ctx.requeueAfterMs = Math.min(ctx.requeueAfterMs ?? Infinity, wait);
      return active;
    }
    let diff = Math.min(wantActive - occupied, maxPodCreateDeletePerSync);
    let indexes: (number | undefined)[] = Array.from({ length: diff }, () => undefined);
    if (spec.completionMode === "Indexed" && spec.completions !== undefined) {
      const exclude = new Set(ctx.succeededIndexes ?? []);
      const holders = onlyReplaceFailedPods(job) ? ctx.pods.filter((p) => isActive(p) || isTerminating(p)) : activePods;
      for (const p of holders) {
        const ix = completionIndexOf(p);
        if (ix !== undefined) exclude.add(ix);
      }
      indexes = firstPendingIndexes({ completions: spec.completions, count: diff, exclude });
      diff = indexes.length;
    }
    if (diff === 0) return active;

    this.expectations.expectCreations(key, diff);
    // Slow start, as upstream: batches of 1, 2, 4… stop at the first failing batch.
    let next = 0;
    for (let batch = 1; next < diff; batch *= 2) {
      const slice = indexes.slice(next, next + Math.min(batch, diff - next));
      next += slice.length;
      const results = await Promise.allSettled(slice.map((ix) => this.client.create(podsRes, podForJob(job, ix), { namespace: job.metadata.namespace, signal })));
      let failed = false;
      for (const r of results) {
        if (r.status === "fulfilled") {
          active++;
          this.events.event(job, "Normal", "SuccessfulCreate", `Created pod: ${r.value.metadata.name}`);
        } else {
          failed = true;
          this.expectations.creationObserved(key);
          ctx.error ??= r.reason;
          this.events.event(job, "Warning", "FailedCreate", `Error creating: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
        }
      }
      if (failed) {
        for (let i = next; i < diff; i++) this.expectations.creationObserved(key);
        break;
      }
    }
    return active;
  }

  /** activePodsForRemoval: for Indexed jobs, pods of unknown, out-of-range, done or duplicated indexes first; then the least useful. */
  private activePodsForRemoval(ctx: SyncContext, rmAtLeast: number): Pod[] {
    const { job, activePods } = ctx;
    const rm: Pod[] = [];
    let left = activePods;
    const completions = job.spec?.completions;
    if (job.spec?.completionMode === "Indexed" && completions !== undefined) {
      left = [];
      const byIndex = new Map<number, Pod[]>();
      for (const p of activePods) {
        const ix = completionIndexOf(p);
        if (ix === undefined || ix >= completions || ctx.succeededIndexes?.has(ix)) rm.push(p);
        else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
      }
      for (const group of byIndex.values()) {
        // Keep the most useful pod of an index; remove the rest.
        const sorted = [...group].sort(compareForRemoval);
        rm.push(...sorted.slice(0, -1));
        left.push(sorted[sorted.length - 1]!);
      }
    }
    if (rm.length < rmAtLeast) rm.push(...[...left].sort(compareForRemoval).slice(0, rmAtLeast - rm.length));
    return rm;
  }

  /** deleteJobPods: drop the finalizer first (these pods are not counted), then delete. */
  private async deleteJobPods(ctx: SyncContext, pods: Pod[], signal: AbortSignal): Promise<number> {
    const { key, job } = ctx;
    this.expectations.expectDeletions(key, pods.map((p) => p.metadata.uid ?? ""));
    const rm = this.removalsOf(key);
    const results = await Promise.allSettled(
      pods.map(async (p) => {
        try {
          if (hasTrackingFinalizer(p)) {
            rm.add(p.metadata.uid ?? "");
            await this.removeFinalizer(p, signal);
          }
          await this.client.delete(podsRes, p.metadata.name ?? "", { namespace: p.metadata.namespace, signal });
        } catch (err) {
          if (isApiError(err, "NotFound")) return;
          this.expectations.deletionObserved(key, p.metadata.uid ?? "");
          throw err;
        }
        this.events.event(job, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`);
      }),
    );
    let removed = 0;
    for (const r of results) {
      if (r.status === "fulfilled") removed++;
      else ctx.error ??= r.reason;
    }
    return removed;
  }

  /** deleteActivePods: delete keeping the finalizer, so these pods count as failed. */
  private async deleteActivePods(job: Job, pods: Pod[], signal: AbortSignal): Promise<{ deleted: number; deletedReady: number }> {
    let deleted = 0;
    let deletedReady = 0;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.client.delete(podsRes, p.metadata.name ?? "", { namespace: p.metadata.namespace, signal });
          this.events.event(job, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          if (!isApiError(err, "NotFound")) return;
        }
        deleted++;
        if (isReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady };
  }

  private removalsOf(key: string): Set<string> {
    let set = this.finalizerRemovals.get(key);
    if (!set) this.finalizerRemovals.set(key, (set = new Set()));
    return set;
  }

  private async writeStatus(ctx: SyncContext, signal: AbortSignal): Promise<void> {
    const updated = await this.client.updateStatus(jobsRes, ctx.job, { signal });
    ctx.job.metadata.resourceVersion = updated.metadata.resourceVersion;
    this.written.set(ctx.key, Number(updated.metadata.resourceVersion ?? "0"));
  }

  /**
   * trackJobStatusAndRemoveFinalizers: record newly finished pods as uncounted, remove
   * their finalizers, move them to the counters, and set the terminal condition once no
   * pod is left uncounted or terminating.
   */
  private async trackStatusAndRemoveFinalizers(
    ctx: SyncContext,
    pass: { finished?: JobCondition; prevSucceededIndexes: Set<number>; base: JobStatus; withFinalizer: Set<string>; expectedRm: Set<string>; signal: AbortSignal },
  ): Promise<void> {
    const { job, pods, key } = ctx;
    const { signal } = pass;
    let finished = pass.finished;
    const spec = job.spec!;
    const status = job.status!;
    const indexed = spec.completionMode === "Indexed";
    const completions = spec.completions ?? 0;
    const succeeded = [...(status.uncountedTerminatedPods?.succeeded ?? [])];
    const failed = [...(status.uncountedTerminatedPods?.failed ?? [])];
    const isSuccess = (c: JobCondition | undefined): boolean => c?.type === "SuccessCriteriaMet" || c?.type === "Complete";
    const toRemove: Pod[] = [];
    for (const p of pods) {
      const uid = p.metadata.uid ?? "";
      if (!hasTrackingFinalizer(p) || pass.expectedRm.has(uid)) continue;
      const considerFailed = isPodFailed(p, job);
      const canRemove = !!job.metadata.deletionTimestamp || !!finished || p.status?.phase === "Succeeded" || considerFailed;
      if (!canRemove) continue;
      toRemove.push(p);
      const ix = completionIndexOf(p);
      const validIndex = ix !== undefined && ix < completions;
      if (p.status?.phase === "Succeeded" && !failed.includes(uid)) {
        if (indexed) {
          if (validIndex && !pass.prevSucceededIndexes.has(ix) && !succeeded.includes(uid)) succeeded.push(uid);
        } else if (!succeeded.includes(uid)) {
          succeeded.push(uid);
        }
      } else if (considerFailed || (finished && !isSuccess(finished))) {
        if (!failed.includes(uid) && (!indexed || validIndex)) {
          if (!spec.podFailurePolicy || matchPodFailurePolicy(job, p).countFailed) failed.push(uid);
        }
      }
    }
    status.uncountedTerminatedPods = uncountedOf(succeeded, failed);
    if (indexed && ctx.succeededIndexes) status.completedIndexes = formatIndexes(ctx.succeededIndexes);
    if (finished?.type === "FailureTarget") {
      if (!conditionOf(job, "FailureTarget")) status.conditions = [...(status.conditions ?? []), finished];
      finished = newCondition("Failed", finished.reason ?? "", finished.message ?? "", this.clock.now());
    }
    if (finished?.type === "SuccessCriteriaMet") {
      if (!conditionOf(job, "SuccessCriteriaMet")) status.conditions = [...(status.conditions ?? []), finished];
      finished = newCondition("Complete", finished.reason ?? "", finished.message ?? "", this.clock.now());
    }

    // 1. Record the pods about to lose their finalizer (and any other status change).
    let lastWritten = pass.base;
    if (!sameJson(status, lastWritten)) {
      await this.writeStatus(ctx, signal);
      lastWritten = structuredClone(status);
    }
    // 2. Remove their finalizers.
    const rm = this.removalsOf(key);
    const results = await Promise.allSettled(
      toRemove.map(async (p) => {
        rm.add(p.metadata.uid ?? "");
        try {
          await this.removeFinalizer(p, signal);
        } catch (err) {
          rm.delete(p.metadata.uid ?? "");
          throw err;
        }
        pass.withFinalizer.delete(p.metadata.uid ?? "");
      }),
    );
    const rmError = results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as unknown;
    this.backoffs.set(key, ctx.backoff);
    // 3. Count them; 4. finish the job when nothing is uncounted or terminating.
    moveUncounted(status, pass.withFinalizer);
    let jobFinished = false;
    const left = (status.uncountedTerminatedPods?.succeeded?.length ?? 0) + (status.uncountedTerminatedPods?.failed?.length ?? 0);
    if (finished && left === 0 && ctx.terminating === 0 && rmError === undefined) {
      ensureCondition(status, finished.type, finished.status, finished.reason ?? "", finished.message ?? "", this.clock.now());
      if (finished.type === "Complete") status.completionTime = conditionOf(job, "Complete")?.lastTransitionTime;
      jobFinished = true;
    }
    if (!sameJson(status, lastWritten)) await this.writeStatus(ctx, signal);
    if (jobFinished && finished) {
      if (finished.type === "Complete") {
        if (spec.completions !== undefined && (status.succeeded ?? 0) > spec.completions) {
          this.events.event(job, "Warning", "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
        }
        this.events.event(job, "Normal", "Completed", "Job completed");
      } else {
        this.events.event(job, "Warning", finished.reason ?? "", finished.message ?? "");
      }
      this.backoffs.delete(key);
    }
    if (rmError !== undefined) ctx.error ??= rmError;
  }
}

function uncountedOf(succeeded: string[], failed: string[]): JobStatus["uncountedTerminatedPods"] {
  const out: NonNullable<JobStatus["uncountedTerminatedPods"]> = {};
  if (succeeded.length > 0) out.succeeded = succeeded;
  if (failed.length > 0) out.failed = failed;
  return out;
}

/** cleanUncountedPodsWithoutFinalizers: uncounted uids whose pods lost the finalizer become counts. */
function moveUncounted(status: JobStatus, withFinalizer: Set<string>): boolean {
  const u = status.uncountedTerminatedPods ?? {};
  const keepS = (u.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  const keepF = (u.failed ?? []).filter((uid) => withFinalizer.has(uid));
  const movedS = (u.succeeded ?? []).length - keepS.length;
  const movedF = (u.failed ?? []).length - keepF.length;
  status.succeeded = (status.succeeded ?? 0) + movedS;
  status.failed = (status.failed ?? 0) + movedF;
  status.uncountedTerminatedPods = uncountedOf(keepS, keepF);
  return movedS + movedF > 0;
}
