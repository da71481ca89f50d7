/**
 * batch/v1 cronjobs: SetDefaults_CronJob, ValidateCronJob* (schedule, time zone, name
 * length), printCronJob.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { defaultPodTemplate } from "../../_pod-template-defaults.js";
import { validateNameRule } from "../../_name-rule.js";
import { containerCells, containersColumn, imagesColumn, formatLabelSelector, nonNegative, selectorColumn } from "../../_workload.js";
import { n } from "./_names.js";
import { batchV1Definitions } from "./definitions.js";
import type { CronJob } from "./cronjob-types.js";
import { validateJobSpecBody } from "./job.js";

const asCronJob = (obj: KubeObject): CronJob => obj as CronJob;

export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= { schedule: "", jobTemplate: {} });
  spec.concurrencyPolicy ||= "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  // The generated defaulter reaches the pod template; Job defaults apply when the Job is created.
  defaultPodTemplate(spec.jobTemplate?.spec?.template);
}

const concurrencyPolicies = ["Allow", "Forbid", "Replace"];
// DNS1035LabelMaxLength - 11: the controller appends a time-based suffix to job names.
const maxCronJobNameLength = 52;

export function validateCronJob(cj: CronJob, _old: CronJob | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(cj);
  const name = cj.metadata.name ?? "";
  if (ctx.operation === "create" && name.length > maxCronJobNameLength) errs.push(fieldError.invalid("metadata.name", name, `must be no more than ${maxCronJobNameLength} characters`));
  const spec = cj.spec;
  if (!spec) return [...errs, fieldError.required("spec.schedule")];
  if (ctx.subresource === "status") return errs;
  if (!spec.schedule) errs.push(fieldError.required("spec.schedule"));
  else {
    for (const msg of cronScheduleErrors(spec.schedule)) errs.push(fieldError.invalid("spec.schedule", spec.schedule, msg));
    if (spec.schedule.includes("TZ")) errs.push(fieldError.invalid("spec.schedule", spec.schedule, spec.timeZone !== undefined ? "cannot use both timeZone field and TZ or CRON_TZ in schedule" : "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  }
  if (spec.timeZone !== undefined && !isKnownTimeZone(spec.timeZone)) errs.push(fieldError.invalid("spec.timeZone", spec.timeZone, `unknown time zone ${spec.timeZone}`));
  errs.push(...nonNegative("spec.startingDeadlineSeconds", spec.startingDeadlineSeconds));
  if (spec.concurrencyPolicy !== undefined && !concurrencyPolicies.includes(spec.concurrencyPolicy)) {
    errs.push(fieldError.notSupported("spec.concurrencyPolicy", spec.concurrencyPolicy, concurrencyPolicies));
  }
  errs.push(...nonNegative("spec.successfulJobsHistoryLimit", spec.successfulJobsHistoryLimit));
  errs.push(...nonNegative("spec.failedJobsHistoryLimit", spec.failedJobsHistoryLimit));
  if (!spec.jobTemplate?.spec) errs.push(fieldError.required("spec.jobTemplate.spec"));
  else errs.push(...validateJobSpecBody(spec.jobTemplate.spec, "spec.jobTemplate.spec"));
  return errs;
}

const descriptors = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const fieldRanges: [string, number, number][] = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["day of week", 0, 6],
];
const names: Record<number, Record<string, number>> = {
  3: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  4: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 },
};

/** cron.ParseStandard's checks (robfig/cron v3): descriptors, or five fields of values, ranges, steps and names. */
export function cronScheduleErrors(schedule: string): string[] {
  let spec = schedule.trim();
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) spec = spec.slice(spec.indexOf(" ") + 1).trim();
  if (spec.startsWith("@")) {
    if (descriptors.has(spec)) return [];
    if (spec.startsWith("@every ")) return /^@every (\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(spec) ? [] : [`failed to parse duration ${spec}`];
    return [`unrecognized descriptor: ${spec}`];
  }
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) return [`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`];
  for (let i = 0; i < 5; i++) {
    const [, min, max] = fieldRanges[i]!;
    for (const part of fields[i]!.split(",")) {
      const err = cronPartError(part, min, max, names[i] ?? {});
      if (err) return [err];
    }
  }
  return [];
}

function cronPartError(part: string, min: number, max: number, named: Record<string, number>): string | undefined {
  const [range = "", step, extra] = part.split("/");
  if (extra !== undefined) return `too many slashes: ${part}`;
  const value = (s: string): number | string => {
    const byName = named[s.toLowerCase()];
    if (byName !== undefined) return byName;
    if (!/^\d+$/.test(s)) return `failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
    return Number(s);
  };
  let start = min;
  let end = max;
  if (range !== "*" && range !== "?") {
    const bounds = range.split("-");
    if (bounds.length > 2) return `too many hyphens: ${range}`;
    const lo = value(bounds[0]!);
    if (typeof lo === "string") return lo;
    start = lo;
    end = lo;
    if (bounds.length === 2) {
      const hi = value(bounds[1]!);
      if (typeof hi === "string") return hi;
      end = hi;
    }
  }
  if (step !== undefined) {
    const s = value(step);
    if (typeof s === "string") return s;
    if (s === 0) return `step of range should be a positive number: ${part}`;
  }
  if (start < min) return `beginning of range (${start}) below minimum (${min}): ${part}`;
  if (end > max) return `end of range (${end}) above maximum (${max}): ${part}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${part}`;
  return undefined;
}

function isKnownTimeZone(zone: string): boolean {
  if (zone === "" || zone.toLowerCase() === "local") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const cronJobTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Schedule", type: "string", description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", priority: 0 },
    { name: "Timezone", type: "string", description: "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.", priority: 0 },
    { name: "Suspend", type: "boolean", description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.", priority: 0 },
    { name: "Active", type: "integer", description: "A list of pointers to currently running jobs.", priority: 0 },
    { name: "Last Schedule", type: "string", description: "Information when was the last time the job was successfully scheduled.", priority: 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn("A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
  ],
  cells(obj, now) {
    const cj = asCronJob(obj);
    const spec = cj.spec;
    const last = cj.status?.lastScheduleTime;
    const [containers, images] = containerCells(spec?.jobTemplate?.spec?.template);
    return [
      cj.metadata.name,
      spec?.schedule ?? "",
      spec?.timeZone ?? "<none>",
      spec?.suspend ?? false,
      cj.status?.active?.length ?? 0,
      last ? translateTimestampSince(last, now) : "<none>",
      translateTimestampSince(cj.metadata.creationTimestamp, now),
      containers,
      images,
      formatLabelSelector(spec?.jobTemplate?.spec?.selector),
    ];
  },
};

export const cronJobsResource: ResourceType = {
  group: "batch",
  version: "v1",
  kind: "CronJob",
  plural: "cronjobs",
  singular: "cronjob",
  namespaced: true,
  shortNames: ["cj"],
  categories: ["all"],
  definition: n.CronJob,
  definitions: batchV1Definitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj) => defaultCronJob(asCronJob(obj)),
    validate: (obj, old, ctx) => validateCronJob(asCronJob(obj), old && asCronJob(old), ctx),
    table: cronJobTable,
    tracksGeneration: true,
  },
};
