// Pod facts the job controller reads (pkg/controller/job/job_controller.go, backoff_utils.go).
import type { Job, Pod } from "../../api/index.js";

/** Pods of a job carry this finalizer until the controller has counted them (tracking with finalizers). */
export const jobTrackingFinalizer = "batch.kubernetes.io/job-tracking";
/** The completion index of a pod of an Indexed job: annotation and label. */
export const completionIndexAnnotation = "batch.kubernetes.io/job-completion-index";
export const completionIndexEnvName = "JOB_COMPLETION_INDEX";

export const isTerminal = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/** controller.IsPodActive: not terminal and not being deleted. */
export const isActive = (p: Pod): boolean => !isTerminal(p) && !p.metadata.deletionTimestamp;

/** Being deleted and not yet terminal (status.terminating). */
export const isTerminating = (p: Pod): boolean => !!p.metadata.deletionTimestamp && !isTerminal(p);

export const isReady = (p: Pod): boolean => (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

export const hasTrackingFinalizer = (p: Pod): boolean => (p.metadata.finalizers ?? []).includes(jobTrackingFinalizer);

/** Replace only Failed pods (podReplacementPolicy Failed): terminating pods still hold their slot. */
export const onlyReplaceFailedPods = (job: Job): boolean => job.spec?.podReplacementPolicy === "Failed";

/**
 * isPodFailed: Failed, or — unless only failed pods are replaced or a podFailurePolicy is set — being deleted before
 * it succeeded, so orphaned pods that never reach Failed are still counted.
 */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === "Failed") return true;
  // With a podFailurePolicy, terminating pods are marked Failed by the kubelet or the
  // pod GC (PodDisruptionConditions), so only the phase counts.
  if (job.spec?.podFailurePolicy || onlyReplaceFailedPods(job)) return false;
  return !!p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded";
}

/** The completion index from the annotation, or undefined if absent or malformed. */
export function completionIndexOf(p: Pod): number | undefined {
  const v = p.metadata.annotations?.[completionIndexAnnotation];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * getFinishedTime: the last container's finishedAt, else when Ready turned False, else
 * the deletion timestamp, else creation (backoff_utils.go).
 */
export function finishedTimeMs(p: Pod): number {
  let latest: number | undefined;
  let allTerminated = (p.status?.containerStatuses ?? []).length > 0;
  for (const s of p.status?.containerStatuses ?? []) {
    const at = s.state?.terminated?.finishedAt;
    if (!at) {
      allTerminated = false;
      continue;
    }
    latest = Math.max(latest ?? 0, Date.parse(at));
  }
  if (allTerminated && latest !== undefined) return latest;
  const ready = (p.status?.conditions ?? []).find((c) => c.type === "Ready" && c.status === "False");
  if (ready?.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (p.metadata.deletionTimestamp) return Date.parse(p.metadata.deletionTimestamp);
  return Date.parse(p.metadata.creationTimestamp ?? "") || 0;
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * controller.ActivePods ordering, least useful first: unscheduled before scheduled,
 * Pending < Unknown < Running, not ready before ready, more restarts first, newer first.
 */
export function compareForRemoval(a: Pod, b: Pod): number {
  const assigned = (p: Pod): number => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const ra = phaseRank[a.status?.phase ?? "Pending"] ?? 0;
  const rb = phaseRank[b.status?.phase ?? "Pending"] ?? 0;
  if (ra !== rb) return ra - rb;
  const ready = (p: Pod): number => (isReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: Pod): number => (p.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: Pod): number => Date.parse(p.metadata.creationTimestamp ?? "") || 0;
  return created(b) - created(a);
}

/** The sum of container restarts of active pods (restartPolicy OnFailure counts these against backoffLimit). */
export function pastBackoffLimitOnFailure(job: Job, active: Pod[]): boolean {
  if (job.spec?.template.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const p of active) {
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
