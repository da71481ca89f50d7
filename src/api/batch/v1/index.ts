// The public face of batch/v1: resources, definitions, object types and strategy functions.
import type { ResourceType } from "../../resource-type.js";
import { cronJobsResource } from "./cronjob.js";
import { jobsResource } from "./job.js";

export { batchV1Definitions } from "./definitions.js";
export { jobsResource, defaultJob, validateJob, generateJobSelector, jobStatusText, controllerUidLabel, jobNameLabel, legacyControllerUidLabel, legacyJobNameLabel } from "./job.js";
export { cronJobsResource, defaultCronJob, validateCronJob, cronScheduleErrors } from "./cronjob.js";
export type { Job, JobSpec, JobStatus, JobCondition, PodFailurePolicy, PodFailurePolicyRule, SuccessPolicy, UncountedTerminatedPods } from "./job-types.js";
export type { CronJob, CronJobSpec, CronJobStatus, JobTemplateSpec } from "./cronjob-types.js";

/** Every batch/v1 resource, in discovery order. */
export const batchV1Resources: ResourceType[] = [cronJobsResource, jobsResource];
