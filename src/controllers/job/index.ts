// The public face of the job controller.
export { JobController } from "./job-controller.js";
export type { JobControllerOptions } from "./job-controller.js";
export { jobTrackingFinalizer, completionIndexAnnotation } from "./_pods.js";
export { isJobFinished, finishedConditionType } from "./_status.js";
export { defaultPodFailureBackoffMs, maxPodFailureBackoffMs, remainingBackoffMs, nextBackoffRecord } from "./_backoff.js";
export type { BackoffRecord } from "./_backoff.js";
export { parseIndexes, formatIndexes } from "./_indexes.js";
export { matchPodFailurePolicy } from "./_failure-policy.js";
