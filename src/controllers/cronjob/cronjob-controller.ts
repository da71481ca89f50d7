import type { CronJob, Job, ObjectReference } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import {
  EventRecorder,
  WorkQueue,
  ensureIndex,
  keyOf,
  realClock,
  resource,
  runWorkers,
  type Client,
  type Clock,
  type Informer,
  type InformerFactory,
  type ReconcileResult,
} from "../../client/index.js";
import { parseCronSchedule, type CronSchedule } from "./cron-schedule.js";
import { mostRecentScheduleTime, nextScheduleDelayMs } from "./schedule-times.js";
import { isValidTimeZone, localTimeZone, offsetAt, wallAt } from "./_zone.js";

const cronJobsRes = resource<CronJob>("batch", "v1", "cronjobs", "CronJob", true);
const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);

/** The annotation on each Job: its scheduled time, RFC 3339 in the CronJob's time zone. */
export const scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const jobsByControllerUid = "cronjob-controller/controller-uid";

export interface CronJobControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  events?: EventRecorder;
  /** CronJobs synced at once (upstream's --concurrent-cron-job-syncs, default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/** The Job's name for a scheduled time: `<cronjob>-<minutes since the epoch>` (getJobName). */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, "0");

/** Go's time.RFC3339 of an instant in a zone: "2026-01-01T09:00:00+09:00", "…Z" at offset 0. */
export function formatRfc3339In(ms: number, zone: string): string {
  const w = wallAt(ms, zone);
  const off = Math.round(offsetAt(ms, zone) / 60_000);
  const zoneText = off === 0 ? "Z" : `${off < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${zoneText}`;
}

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function formatRfc1123Z(ms: number): string {
  const d = new Date(ms);
  return `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
const formatTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function finishedType(job: Job): "Complete" | "Failed" | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.type;
  return undefined;
}

function controllerUid(job: Job): string | undefined {
  const ref = (job.metadata.ownerReferences ?? []).find((r) => r.controller);
  return ref && ref.kind === "CronJob" && ref.apiVersion === "batch/v1" ? ref.uid : undefined;
}

/**
 * The CronJob controller (pkg/controller/cronjob, ControllerV2): at each scheduled time
 * creates a Job `<cronjob>-<minutes>` from spec.jobTemplate, honouring suspend,
 * startingDeadlineSeconds (MissSchedule), concurrencyPolicy Allow / Forbid
 * (JobAlreadyActive) / Replace, and the history limits; keeps status.active,
 * lastScheduleTime and lastSuccessfulTime. It looks again just after the next scheduled
 * time (on the clock), so a FakeClock drives it in tests.
 *
 *   const cc = new CronJobController({ client, informers });
 *   informers.start(signal);
 *   await cc.start(signal);
 */
export class CronJobController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: CronJobControllerOptions;
  readonly cronJobs: Informer<CronJob>;
  readonly jobs: Informer<Job>;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;
  private readonly written = new Map<string, number>();

  constructor(options: CronJobControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.events = options.events ?? new EventRecorder({ client: options.client, component: "cronjob-controller", clock: this.clock });
    this.queue = new WorkQueue({ clock: this.clock, name: "cronjob" });
    this.cronJobs = options.informers.informer(cronJobsRes);
    this.jobs = options.informers.informer(jobsRes);
    ensureIndex(this.jobs, jobsByControllerUid, (j) => {
      const uid = controllerUid(j);
      return uid ? [uid] : [];
    });
    this.cronJobs.addHandler({
      add: (cj) => this.queue.add(keyOf(cj)),
      update: (_, cj) => this.queue.add(keyOf(cj)),
      delete: (cj) => this.written.delete(keyOf(cj)),
    });
    const onJob = (j: Job): void => {
      const ref = (j.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === "CronJob");
      if (ref) this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    this.jobs.addHandler({ add: onJob, update: (_, j) => onJob(j), delete: onJob });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = (await this.cronJobs.waitForSync(signal)) && (await this.jobs.waitForSync(signal));
    if (synced) await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    this.queue.shutDown();
  }

  /** One sync of one CronJob (sync + syncCronJob + cleanupFinishedJobs). */
  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.cronJobs.get(key);
    if (!cached) return;
    if (Number(cached.metadata.resourceVersion ?? "0") < (this.written.get(key) ?? 0)) return; // our status write is on its way
    const cj: CronJob = { ...structuredClone(cached), apiVersion: "batch/v1", kind: "CronJob" };
    const base = JSON.stringify(cj.status ?? {});
    const status = (cj.status ??= {});
    const jobs = this.jobs.byIndex(jobsByControllerUid, cj.metadata.uid ?? "");
    const now = this.clock.now();
    const inActive = (uid?: string): boolean => (status.active ?? []).some((r) => r.uid === uid);
    const dropActive = (uid?: string): void => {
      status.active = (status.active ?? []).filter((r) => r.uid !== uid);
    };

    for (const j of jobs) {
      const finished = finishedType(j);
      if (!inActive(j.metadata.uid) && !finished) {
        // Maybe our cache of the CronJob is behind its status: ask again before complaining.
        const fresh = await this.client.get(cronJobsRes, cj.metadata.name ?? "", { namespace: cj.metadata.namespace, signal }).catch(() => undefined);
        if (!(fresh?.status?.active ?? []).some((r) => r.uid === j.metadata.uid)) {
          this.events.event(cj, "Warning", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
        }
      } else if (inActive(j.metadata.uid) && finished) {
        dropActive(j.metadata.uid);
        this.events.event(cj, "Normal", "SawCompletedJob", `Saw completed job: ${j.metadata.name}, condition: ${finished}`);
      }
      const completed = j.status?.completionTime;
      if (finished === "Complete" && completed && (!status.lastSuccessfulTime || Date.parse(completed) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = completed;
      }
    }
    // Active references to jobs that no longer exist (the API server decides, not the cache).
    const children = new Set(jobs.map((j) => j.metadata.uid));
    for (const ref of [...(status.active ?? [])]) {
      if (children.has(ref.uid)) continue;
      try {
        await this.client.get(jobsRes, ref.name ?? "", { namespace: ref.namespace ?? cj.metadata.namespace, signal });
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
        this.events.event(cj, "Normal", "MissingJob", `Active job went missing: ${ref.name}`);
        dropActive(ref.uid);
      }
    }

    let requeueAfterMs: number | undefined;
    if (!cj.metadata.deletionTimestamp) {
      requeueAfterMs = await this.schedule(cj, now, signal);
      await this.cleanupFinishedJobs(cj, jobs, signal);
    }
    if (JSON.stringify(status) !== base) {
      const updated = await this.client.updateStatus(cronJobsRes, cj, { signal });
      this.written.set(key, Number(updated.metadata.resourceVersion ?? "0"));
    }
    if (requeueAfterMs !== undefined) return { requeueAfterMs: Math.max(requeueAfterMs, 1) };
  }

  /** The scheduling half of syncCronJob; returns when to look again. */
  private async schedule(cj: CronJob, now: number, signal: AbortSignal): Promise<number | undefined> {
    const spec = cj.spec!;
    const status = cj.status!;
    if (spec.timeZone !== undefined && !isValidTimeZone(spec.timeZone)) {
      this.events.event(cj, "Warning", "UnknownTimeZone", `invalid timeZone: ${JSON.stringify(spec.timeZone)}: unknown time zone ${spec.timeZone}`);
      return undefined;
    }
    if (spec.suspend) return undefined;
    let sched: CronSchedule;
    try {
      sched = parseCronSchedule(spec.schedule, { timeZone: spec.timeZone ?? localTimeZone() });
    } catch (err) {
      this.events.event(cj, "Warning", "UnparseableSchedule", `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(err as Error).message}`);
      return undefined;
    }
    let scheduled: number | undefined;
    try {
      const r = mostRecentScheduleTime(cj, now, sched, true);
      scheduled = r.mostRecentMs;
      if (scheduled !== undefined && r.missed === "many") {
        this.events.event(cj, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
      }
    } catch (err) {
      this.events.event(cj, "Warning", "InvalidSchedule", `invalid schedule: ${spec.schedule} : ${(err as Error).message}`);
      return undefined;
    }
    const next = (): number | undefined => nextScheduleDelayMs(cj, now, sched);
    if (scheduled === undefined) return next();
    if (spec.startingDeadlineSeconds !== undefined && scheduled + spec.startingDeadlineSeconds * 1000 < now) {
      this.events.event(cj, "Warning", "MissSchedule", `Missed scheduled time to start a job: ${formatRfc1123Z(scheduled)}`);
      return next();
    }
    const name = jobNameFor(cj.metadata.name ?? "", scheduled);
    if ((status.active ?? []).some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) return next();
    if (spec.concurrencyPolicy === "Forbid" && (status.active ?? []).length > 0) {
      this.events.event(cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
      return next();
    }
    if (spec.concurrencyPolicy === "Replace") {
      for (const ref of [...(status.active ?? [])]) {
        await this.deleteJob(cj, { name: ref.name ?? "", uid: ref.uid }, signal);
      }
    }

    let created: Job;
    try {
      created = await this.client.create(jobsRes, this.jobFor(cj, name, scheduled), { namespace: cj.metadata.namespace, signal });
      this.events.event(cj, "Normal", "SuccessfulCreate", `Created job ${created.metadata.name}`);
    } catch (err) {
      if (!isApiError(err, "AlreadyExists")) {
        this.events.event(cj, "Warning", "FailedCreate", `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      // Created by an earlier pass whose status write was lost, or by someone else.
      created = await this.client.get(jobsRes, name, { namespace: cj.metadata.namespace, signal });
      if (controllerUid(created) !== cj.metadata.uid || (status.active ?? []).some((r) => r.uid === created.metadata.uid)) return undefined;
    }
    const ref: ObjectReference = { kind: "Job", namespace: created.metadata.namespace, name: created.metadata.name, uid: created.metadata.uid, apiVersion: "batch/v1", resourceVersion: created.metadata.resourceVersion };
    status.active = [...(status.active ?? []), ref];
    status.lastScheduleTime = formatTime(scheduled);
    return next();
  }

  /** getJobFromTemplate2. */
  private jobFor(cj: CronJob, name: string, scheduledMs: number): Job {
    const template = cj.spec?.jobTemplate ?? {};
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: formatRfc3339In(scheduledMs, cj.spec?.timeZone ?? "UTC") },
        ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: cj.metadata.name ?? "", uid: cj.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
      },
      spec: structuredClone(template.spec ?? { template: {} }),
    };
  }

  /** deleteJob: background deletion, dropped from status.active, SuccessfulDelete. */
  private async deleteJob(cj: CronJob, job: { name: string; uid?: string }, signal: AbortSignal): Promise<void> {
    let gone = false;
    try {
      await this.client.delete(jobsRes, job.name, { namespace: cj.metadata.namespace, propagationPolicy: "Background", preconditions: job.uid ? { uid: job.uid } : undefined, signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) {
        this.events.event(cj, "Warning", "FailedDelete", `Deleted job: ${(err as Error).message}`);
        throw err;
      }
      gone = true; // an earlier pass deleted it; the cache had not caught up
    }
    if (cj.status) cj.status.active = (cj.status.active ?? []).filter((r) => r.uid !== job.uid);
    if (!gone) this.events.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${job.name}`);
  }

  /** cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished jobs. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[], signal: AbortSignal): Promise<void> {
    const spec = cj.spec!;
    const live = jobs.filter((j) => !j.metadata.deletionTimestamp);
    const byStart = (a: Job, b: Job): number => {
      const sa = a.status?.startTime;
      const sb = b.status?.startTime;
      if (!sa && sb) return 1;
      if (sa && !sb) return -1;
      if (sa === sb || (sa && sb && Date.parse(sa) === Date.parse(sb))) return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
      return Date.parse(sa!) - Date.parse(sb!);
    };
    for (const [type, limit] of [
      ["Complete", spec.successfulJobsHistoryLimit],
      ["Failed", spec.failedJobsHistoryLimit],
    ] as const) {
      if (limit === undefined) continue;
      const finished = live.filter((j) => finishedType(j) === type).sort(byStart);
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        await this.deleteJob(cj, { name: j.metadata.name ?? "", uid: j.metadata.uid }, signal);
      }
    }
  }
}
