/**
 * batch/v1 jobs: SetDefaults_Job (pkg/apis/batch/v1/defaults.go), the generated selector
 * of pkg/registry/batch/job/strategy.go, ValidateJob* (pkg/apis/batch/validation) and
 * printJob.
 */
import { fieldError, labelSelectorFromObject } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, humanDuration, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { defaultPodTemplate, validatePodTemplate } from "../../_pod-template-defaults.js";
import { validateNameRule } from "../../_name-rule.js";
import { containerCells, containersColumn, imagesColumn, immutableSelector, jsonEqual, nonNegative, positive, selectorColumn, selectorString } from "../../_workload.js";
import { n } from "./_names.js";
import { batchV1Definitions } from "./definitions.js";
import type { Job, JobSpec } from "./job-types.js";

const asJob = (obj: KubeObject): Job => obj as Job;

export const controllerUidLabel = "batch.kubernetes.io/controller-uid";
export const legacyControllerUidLabel = "controller-uid";
export const jobNameLabel = "batch.kubernetes.io/job-name";
export const legacyJobNameLabel = "job-name";

const maxInt32 = 2147483647;

/** SetDefaults_Job, plus the pod template's defaults; also used for a CronJob's jobTemplate pod template. */
export function defaultJob(job: Job): void {
  const spec = (job.spec ??= { template: {} });
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? maxInt32 : 6;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) pattern.status ||= "True";
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  defaultPodTemplate(spec.template);
}

/**
 * generateSelector: unless spec.manualSelector, the job selects its pods by its uid and
 * labels its pod template with the uid and its name. Needs metadata.uid.
 */
export function generateJobSelector(job: Job): void {
  const spec = job.spec;
  const uid = job.metadata.uid;
  if (!spec || spec.manualSelector === true || !uid) return;
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const name = job.metadata.name ?? "";
  for (const key of [legacyJobNameLabel, jobNameLabel]) if (!(key in labels)) labels[key] = name;
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) if (!(key in labels)) labels[key] = uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  if (!(controllerUidLabel in matchLabels)) matchLabels[controllerUidLabel] = uid;
}

const completionModes = ["NonIndexed", "Indexed"];
const podReplacementPolicies = ["TerminatingOrFailed", "Failed"];

/** ValidateJobSpec without the selector (shared with a CronJob's jobTemplate). */
export function validateJobSpecBody(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(`${path}.parallelism`, spec.parallelism));
  errs.push(...nonNegative(`${path}.completions`, spec.completions));
  errs.push(...positive(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds));
  errs.push(...nonNegative(`${path}.backoffLimit`, spec.backoffLimit));
  errs.push(...nonNegative(`${path}.ttlSecondsAfterFinished`, spec.ttlSecondsAfterFinished));
  if (spec.completionMode !== undefined && !completionModes.includes(spec.completionMode)) {
    errs.push(fieldError.notSupported(`${path}.completionMode`, spec.completionMode, completionModes));
  }
  if (spec.completionMode === "Indexed") {
    if (spec.completions === undefined) errs.push(fieldError.required(`${path}.completions`, "when completion mode is Indexed"));
    if ((spec.parallelism ?? 0) > 100000) errs.push(fieldError.invalid(`${path}.parallelism`, spec.parallelism, "must be less than or equal to 100000 when completion mode is Indexed"));
  }
  if (spec.podReplacementPolicy !== undefined && !podReplacementPolicies.includes(spec.podReplacementPolicy)) {
    errs.push(fieldError.notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, podReplacementPolicies));
  }
  if (!spec.template) {
    errs.push(fieldError.required(`${path}.template`));
    return errs;
  }
  errs.push(...validatePodTemplate(spec.template, `${path}.template`));
  const restartPolicy = spec.template.spec?.restartPolicy;
  if (restartPolicy !== "OnFailure" && restartPolicy !== "Never") {
    errs.push(fieldError.notSupported(`${path}.template.spec.restartPolicy`, restartPolicy ?? "", ["OnFailure", "Never"]));
  } else if (spec.podFailurePolicy && restartPolicy !== "Never") {
    errs.push(fieldError.invalid(`${path}.template.spec.restartPolicy`, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

export function validateJob(job: Job, old: Job | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(job);
  const spec = job.spec;
  if (!spec) return [...errs, fieldError.required("spec.template")];
  if (ctx.subresource === "status") {
    const s = job.status ?? {};
    for (const f of ["active", "succeeded", "failed", "ready", "terminating"] as const) errs.push(...nonNegative(`status.${f}`, s[f]));
    return errs;
  }
  if (!spec.selector) {
    errs.push(fieldError.required("spec.selector"));
  } else {
    try {
      const selector = labelSelectorFromObject(spec.selector);
      if (!selector.empty && spec.template && !selector.matches(spec.template.metadata?.labels)) {
        errs.push(fieldError.invalid("spec.template.metadata.labels", spec.template.metadata?.labels ?? {}, "`selector` does not match template `labels`"));
      }
    } catch {
      errs.push(fieldError.invalid("spec.selector", spec.selector, "invalid label selector"));
    }
  }
  errs.push(...validateJobSpecBody(spec, "spec"));
  if (old?.spec) {
    errs.push(...immutableSelector(spec.selector, old.spec.selector, "spec.selector"));
    if (spec.completionMode !== old.spec.completionMode) errs.push(fieldError.invalid("spec.completionMode", spec.completionMode, "field is immutable"));
    // The pod template may change only while the job is suspended (to adjust scheduling directives).
    if (!old.spec.suspend && !jsonEqual(spec.template, old.spec.template)) {
      errs.push(fieldError.invalid("spec.template", spec.template, "field is immutable"));
    }
  }
  return errs;
}

const hasCondition = (job: Job, type: string): boolean => (job.status?.conditions ?? []).some((c) => c.type === type && c.status === "True");

/** The STATUS cell of `kubectl get jobs`. */
export function jobStatusText(job: Job): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "Suspended")) return "Suspended";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  if (hasCondition(job, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
  return "Running";
}

export const jobTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Status", type: "string", description: "Status of the job.", priority: 0 },
    { name: "Completions", type: "string", description: "The number of pods which reached phase Succeeded.", priority: 0 },
    { name: "Duration", type: "string", description: "Time required to complete the job.", priority: 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn("A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
  ],
  cells(obj, now) {
    const job = asJob(obj);
    const spec = job.spec;
    const succeeded = job.status?.succeeded ?? 0;
    let completions: string;
    if (spec?.completions !== undefined) completions = `${succeeded}/${spec.completions}`;
    else if ((spec?.parallelism ?? 0) > 1) completions = `${succeeded}/1 of ${spec?.parallelism}`;
    else completions = `${succeeded}/1`;
    let duration = "";
    const start = job.status?.startTime;
    if (start) {
      const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now.getTime();
      duration = humanDuration(end - Date.parse(start));
    }
    const [containers, images] = containerCells(spec?.template);
    return [job.metadata.name, jobStatusText(job), completions, duration, translateTimestampSince(job.metadata.creationTimestamp, now), containers, images, selectorString(spec?.selector)];
  },
};

export const jobsResource: ResourceType = {
  group: "batch",
  version: "v1",
  kind: "Job",
  plural: "jobs",
  singular: "job",
  namespaced: true,
  categories: ["all"],
  definition: n.Job,
  definitions: batchV1Definitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj) => defaultJob(asJob(obj)),
    prepareForCreate: (obj) => generateJobSelector(asJob(obj)),
    validate: (obj, old, ctx) => validateJob(asJob(obj), old && asJob(old), ctx),
    table: jobTable,
    tracksGeneration: true,
  },
};
