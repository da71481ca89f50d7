// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.batch.v1.";

export const n = {
  Job: p + "Job",
  JobList: p + "JobList",
  JobSpec: p + "JobSpec",
  JobStatus: p + "JobStatus",
  JobCondition: p + "JobCondition",
  PodFailurePolicy: p + "PodFailurePolicy",
  PodFailurePolicyRule: p + "PodFailurePolicyRule",
  PodFailurePolicyOnExitCodesRequirement: p + "PodFailurePolicyOnExitCodesRequirement",
  PodFailurePolicyOnPodConditionsPattern: p + "PodFailurePolicyOnPodConditionsPattern",
  SuccessPolicy: p + "SuccessPolicy",
  SuccessPolicyRule: p + "SuccessPolicyRule",
  UncountedTerminatedPods: p + "UncountedTerminatedPods",
  CronJob: p + "CronJob",
  CronJobList: p + "CronJobList",
  CronJobSpec: p + "CronJobSpec",
  CronJobStatus: p + "CronJobStatus",
  JobTemplateSpec: p + "JobTemplateSpec",
} as const;
