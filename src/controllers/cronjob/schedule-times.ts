// Which scheduled time a CronJob should run now (pkg/controller/cronjob/utils.go).
import type { CronJob } from "../../api/index.js";
import type { CronSchedule } from "./cron-schedule.js";

export type MissedSchedules = "none" | "few" | "many";

export interface MostRecent {
  /** The time from which schedules are counted: last schedule, creation, or now − startingDeadlineSeconds. */
  earliestMs: number;
  /** The latest schedule time at or before now, after earliest; undefined if none. */
  mostRecentMs?: number;
  missed: MissedSchedules;
}

/**
 * mostRecentScheduleTime. More than 100 missed schedules is "many": the controller
 * still starts the most recent one and warns (TooManyMissedTimes). Throws for a schedule
 * whose two next times are less than a second apart or never come (e.g. "0 0 31 2 *").
 */
export function mostRecentScheduleTime(cj: CronJob, nowMs: number, schedule: CronSchedule, includeStartingDeadline: boolean): MostRecent {
  let earliestMs = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? "");
  if (Number.isNaN(earliestMs)) earliestMs = nowMs;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined) {
    const schedulingDeadline = nowMs - deadline * 1000;
    if (schedulingDeadline > earliestMs) earliestMs = schedulingDeadline;
  }
  const t1 = schedule.next(earliestMs);
  if (t1 === undefined || nowMs < t1) return { earliestMs, missed: "none" };
  const t2 = schedule.next(t1);
  if (t2 === undefined || nowMs < t2) return { earliestMs, mostRecentMs: t1, missed: "none" };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error("time difference between two schedules is less than 1 second");
  const elapsed = Math.floor((nowMs - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Jump close to now by the interval, then let the schedule find the exact times
  // (one interval early, for irregular schedules like "30 6-16/4 * * 1-5").
  let mostRecentMs: number | undefined;
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  for (let t = schedule.next(potentialEarliest); t !== undefined && t <= nowMs; t = schedule.next(t)) mostRecentMs = t;
  const missed: MissedSchedules = missedCount > 100 ? "many" : missedCount > 0 ? "few" : "none";
  return { earliestMs, mostRecentMs, missed };
}

/** nextScheduleTimeDuration: how long until the controller should look again (next schedule + 100 ms). */
export function nextScheduleDelayMs(cj: CronJob, nowMs: number, schedule: CronSchedule): number | undefined {
  let from: number;
  try {
    const r = mostRecentScheduleTime(cj, nowMs, schedule, false);
    from = r.mostRecentMs ?? (r.missed === "none" ? r.earliestMs : nowMs);
  } catch {
    from = nowMs;
  }
  const next = schedule.next(from);
  return next === undefined ? undefined : next + 100 - nowMs;
}
