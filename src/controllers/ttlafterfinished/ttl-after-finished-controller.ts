import type { Job } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, keyOf, realClock, resource, runWorkers, splitKey, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";

const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);

export interface TtlAfterFinishedControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  /** Jobs handled at once (upstream's --concurrent-ttl-after-finished-syncs, default 5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/** When a finished job expires: its Complete/Failed condition's lastTransitionTime + ttl. */
export function expiresAtMs(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined) return undefined;
  const finished = (job.status?.conditions ?? []).find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  if (!finished) return undefined;
  const at = Date.parse(finished.lastTransitionTime ?? job.status?.completionTime ?? "");
  return Number.isNaN(at) ? undefined : at + ttl * 1000;
}

/**
 * The ttl-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
 * spec.ttlSecondsAfterFinished is deleted (foreground, at the resourceVersion checked)
 * that many seconds after its Complete or Failed condition.
 */
export class TtlAfterFinishedController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: TtlAfterFinishedControllerOptions;
  readonly jobs: Informer<Job>;
  private readonly queue: WorkQueue;

  constructor(options: TtlAfterFinishedControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "ttl_jobs_to_delete" });
    this.jobs = options.informers.informer(jobsRes);
    const enqueue = (j: Job): void => {
      if (!j.metadata.deletionTimestamp && expiresAtMs(j) !== undefined) this.queue.add(keyOf(j));
    };
    this.jobs.addHandler({ add: enqueue, update: (_, j) => enqueue(j) });
  }

  async start(signal: AbortSignal): Promise<void> {
    if (await this.jobs.waitForSync(signal)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.jobs.get(key);
    if (!cached || cached.metadata.deletionTimestamp) return;
    const at = expiresAtMs(cached);
    if (at === undefined) return;
    const now = this.clock.now();
    if (now < at) return { requeueAfterMs: at - now };
    // The cache may be stale (ttl changed, job re-run): check the live object before deleting.
    const { namespace, name } = splitKey(key);
    let fresh: Job;
    try {
      fresh = await this.client.get(jobsRes, name, { namespace, signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
    const freshAt = expiresAtMs(fresh);
    if (fresh.metadata.deletionTimestamp || freshAt === undefined) return;
    if (now < freshAt) return { requeueAfterMs: freshAt - now };
    try {
      await this.client.delete(jobsRes, name, { namespace, propagationPolicy: "Foreground", preconditions: { resourceVersion: fresh.metadata.resourceVersion }, signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
  }
}
