// Pod failure back-off per job (pkg/controller/job/backoff_utils.go): new pods wait
// 10s × 2^(failures since the last success − 1), capped, after the last failure.
import type { Pod } from "../../api/index.js";
import { finishedTimeMs } from "./_pods.js";

/** DefaultJobPodFailureBackOff. */
export const defaultPodFailureBackoffMs = 10_000;
/** MaxJobPodFailureBackOff of the 1.35 source (the docs still say six minutes). */
export const maxPodFailureBackoffMs = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureMs?: number;
}

/** newBackoffRecord: fold the newly finished pods into the previous record. */
export function nextBackoffRecord(prev: BackoffRecord | undefined, succeeded: Pod[], failed: Pod[]): BackoffRecord {
  const rec: BackoffRecord = { failuresAfterLastSuccess: prev?.failuresAfterLastSuccess ?? 0, lastFailureMs: prev?.lastFailureMs };
  const failedTimes = failed.map(finishedTimeMs).sort((a, b) => a - b);
  if (succeeded.length === 0) {
    if (failedTimes.length === 0) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureMs: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccess = Math.max(...succeeded.map(finishedTimeMs));
  const after = failedTimes.filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 } : { failuresAfterLastSuccess: after.length, lastFailureMs: after[after.length - 1] };
}

/** How long new pods must still wait (0: create now). */
export function remainingBackoffMs(rec: BackoffRecord | undefined, nowMs: number, options: { baseMs?: number; maxMs?: number } = {}): number {
  if (!rec || rec.failuresAfterLastSuccess === 0 || rec.lastFailureMs === undefined) return 0;
  const max = options.maxMs ?? maxPodFailureBackoffMs;
  let delay = options.baseMs ?? defaultPodFailureBackoffMs;
  for (let i = 1; i < rec.failuresAfterLastSuccess; i++) {
    delay *= 2;
    if (delay >= max) {
      delay = max;
      break;
    }
  }
  const elapsed = nowMs - rec.lastFailureMs;
  return delay < elapsed ? 0 : delay - elapsed;
}
