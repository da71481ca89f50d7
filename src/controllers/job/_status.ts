// Job conditions and small status helpers (pkg/controller/job/job_controller.go).
import type { Job, JobCondition, JobStatus } from "../../api/index.js";

/** metav1.Time: RFC 3339 in whole seconds. */
export const formatTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function newCondition(type: string, reason: string, message: string, nowMs: number, status = "True"): JobCondition {
  const at = formatTime(nowMs);
  return { type, status, reason, message, lastProbeTime: at, lastTransitionTime: at };
}

/** The condition of this type with status True. */
export function conditionOf(job: Job, type: string): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => c.type === type && c.status === "True");
}

/** IsJobFinished: Complete or Failed is True. */
export const isJobFinished = (job: Job): boolean => !!conditionOf(job, "Complete") || !!conditionOf(job, "Failed");

/** The finished condition's type, if any. */
export function finishedConditionType(job: Job): "Complete" | "Failed" | undefined {
  if (conditionOf(job, "Complete")) return "Complete";
  if (conditionOf(job, "Failed")) return "Failed";
  return undefined;
}

/**
 * ensureJobConditionStatus: update the condition of this type if it differs; add it
 * unless the wanted status is False. True when something changed.
 */
export function ensureCondition(status: JobStatus, type: string, value: string, reason: string, message: string, nowMs: number): boolean {
  const list = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === value && c.reason === reason && c.message === message) return false;
    list[i] = newCondition(type, reason, message, nowMs, value);
    return true;
  }
  if (value === "False") return false;
  list.push(newCondition(type, reason, message, nowMs, value));
  return true;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

/** Deep equality of JSON values, ignoring key order and undefined fields. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
