// Schemas of io.k8s.api.batch.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, boolean, ref, object, arrayOf, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const jobDefinitions: Definitions = {
  [n.Job]: topLevel(
    {
      spec: ref(n.JobSpec, "Specification of the desired behavior of a job."),
      status: ref(n.JobStatus, "Current status of a job."),
    },
    "Job represents the configuration of a single job.",
    {"group":"batch","version":"v1","kind":"Job"},
  ),
  [n.JobList]: listOf(n.Job, "JobList is a collection of jobs.", {"group":"batch","version":"v1","kind":"JobList"}),
  [n.JobSpec]: object(
    {
      activeDeadlineSeconds: int64("Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it; value must be positive integer."),
      backoffLimit: int32("Specifies the number of retries before marking this job failed. Defaults to 6, unless backoffLimitPerIndex (only Indexed Job) is specified."),
      backoffLimitPerIndex: int32("Specifies the limit for the number of retries within an index before marking this index as failed."),
      completionMode: string("completionMode specifies how Pod completions are tracked."),
      completions: int32("Specifies the desired number of successfully finished pods the job should be run with."),
      managedBy: string("ManagedBy field indicates the controller that manages a Job."),
      manualSelector: boolean("manualSelector controls generation of pod labels and pod selectors."),
      maxFailedIndexes: int32("Specifies the maximal number of failed indexes before marking the Job as failed, when backoffLimitPerIndex is set."),
      parallelism: int32("Specifies the maximum desired number of pods the job should run at any given time."),
      podFailurePolicy: ref(n.PodFailurePolicy, "Specifies the policy of handling failed pods."),
      podReplacementPolicy: string("podReplacementPolicy specifies when to create replacement Pods."),
      selector: ref(meta.LabelSelector, "A label query over pods that should match the pod count. Normally, the system sets this field for you."),
      successPolicy: ref(n.SuccessPolicy, "successPolicy specifies the policy when the Job can be declared as succeeded."),
      suspend: boolean("suspend specifies whether the Job controller should create Pods or not. Defaults to false."),
      template: ref(core.PodTemplateSpec, "Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are \"Never\" or \"OnFailure\"."),
      ttlSecondsAfterFinished: int32("ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed)."),
    },
    { description: "JobSpec describes how the job execution will look like.", required: ["template"] },
  ),
  [n.JobStatus]: object(
    {
      active: int32("The number of pending and running pods which are not terminating (without a deletionTimestamp)."),
      completedIndexes: string("completedIndexes holds the completed indexes when .spec.completionMode = \"Indexed\" in a text format."),
      completionTime: time("Represents time when the job was completed."),
      conditions: arrayOf(ref(n.JobCondition), "The latest available observations of an object's current state.", {"x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"type","x-kubernetes-list-type":"atomic"}),
      failed: int32("The number of pods which reached phase Failed."),
      failedIndexes: string("FailedIndexes holds the failed indexes when spec.backoffLimitPerIndex is set."),
      ready: int32("The number of active pods which have a Ready condition and are not terminating (without a deletionTimestamp)."),
      startTime: time("Represents time when the job controller started processing a job."),
      succeeded: int32("The number of pods which reached phase Succeeded."),
      terminating: int32("The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp)."),
      uncountedTerminatedPods: ref(n.UncountedTerminatedPods, "uncountedTerminatedPods holds the UIDs of Pods that have terminated but the job controller hasn't yet accounted for in the status counters."),
    },
    { description: "JobStatus represents the current state of a Job." },
  ),
  [n.JobCondition]: object(
    {
      lastProbeTime: time("Last time the condition was checked."),
      lastTransitionTime: time("Last time the condition transit from one status to another."),
      message: string("Human readable message indicating details about last transition."),
      reason: string("(brief) reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of job condition, Complete or Failed."),
    },
    { description: "JobCondition describes current state of a job.", required: ["status","type"] },
  ),
  [n.PodFailurePolicy]: object(
    {
      rules: arrayOf(ref(n.PodFailurePolicyRule), "A list of pod failure policy rules. The rules are evaluated in order.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "PodFailurePolicy describes how failed pods influence the backoffLimit.", required: ["rules"] },
  ),
  [n.PodFailurePolicyRule]: object(
    {
      action: string("Specifies the action taken on a pod failure when the requirements are satisfied."),
      onExitCodes: ref(n.PodFailurePolicyOnExitCodesRequirement, "Represents the requirement on the container exit codes."),
      onPodConditions: arrayOf(ref(n.PodFailurePolicyOnPodConditionsPattern), "Represents the requirement on the pod conditions.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "PodFailurePolicyRule describes how a pod failure is handled when the requirements are met.", required: ["action"] },
  ),
  [n.PodFailurePolicyOnExitCodesRequirement]: object(
    {
      containerName: string("Restricts the check for exit codes to the container with the specified name."),
      operator: string("Represents the relationship between the container exit code(s) and the specified values."),
      values: arrayOf(int32(), "Specifies the set of values. Each returned container exit code (might be multiple in case of multiple containers) is checked against this set of values with respect to the operator.", {"x-kubernetes-list-type":"set"}),
    },
    { description: "PodFailurePolicyOnExitCodesRequirement describes the requirement for handling a failed pod based on its container exit codes.", required: ["operator","values"] },
  ),
  [n.PodFailurePolicyOnPodConditionsPattern]: object(
    {
      status: string("Specifies the required Pod condition status. Defaults to True."),
      type: string("Specifies the required Pod condition type."),
    },
    { description: "PodFailurePolicyOnPodConditionsPattern describes a pattern for matching an actual pod condition type.", required: ["status","type"] },
  ),
  [n.SuccessPolicy]: object(
    {
      rules: arrayOf(ref(n.SuccessPolicyRule), "rules represents the list of alternative rules for the declaring the Jobs as successful before `.status.succeeded >= .spec.completions`.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "SuccessPolicy describes when a Job can be declared as succeeded based on the success of some indexes.", required: ["rules"] },
  ),
  [n.SuccessPolicyRule]: object(
    {
      succeededCount: int32("succeededCount specifies the minimal required size of the actual set of the succeeded indexes for the Job."),
      succeededIndexes: string("succeededIndexes specifies the set of indexes which need to be contained in the actual set of the succeeded indexes for the Job."),
    },
    { description: "SuccessPolicyRule describes rule for declaring a Job as succeeded." },
  ),
  [n.UncountedTerminatedPods]: object(
    {
      failed: arrayOf(string(), "failed holds UIDs of failed Pods.", {"x-kubernetes-list-type":"set"}),
      succeeded: arrayOf(string(), "succeeded holds UIDs of succeeded Pods.", {"x-kubernetes-list-type":"set"}),
    },
    { description: "UncountedTerminatedPods holds UIDs of Pods that have terminated but haven't been accounted in Job status counters." },
  ),
};
