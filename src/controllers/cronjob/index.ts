// The public face of the CronJob controller.
export { CronJobController, jobNameFor, formatRfc3339In, scheduledTimestampAnnotation } from "./cronjob-controller.js";
export type { CronJobControllerOptions } from "./cronjob-controller.js";
export { parseCronSchedule } from "./cron-schedule.js";
export type { CronSchedule } from "./cron-schedule.js";
export { mostRecentScheduleTime, nextScheduleDelayMs } from "./schedule-times.js";
export type { MostRecent, MissedSchedules } from "./schedule-times.js";
