// spec.podFailurePolicy (pkg/controller/job/pod_failure_policy.go): the first rule that
// matches a Failed pod decides whether the failure fails the job, is ignored, or counts.
import type { Job, Pod } from "../../api/index.js";

export type FailurePolicyAction = "FailJob" | "FailIndex" | "Ignore" | "Count";

export interface FailurePolicyMatch {
  /** The rule's action, or undefined when no rule matched (the failure counts). */
  action?: FailurePolicyAction;
  /** Whether the failure counts towards backoffLimit. */
  countFailed: boolean;
  /** For FailJob: the message of the job's FailureTarget condition. */
  message?: string;
}

/** matchPodFailurePolicy: rules in order; only pods in phase Failed are matched. */
export function matchPodFailurePolicy(job: Job, pod: Pod): FailurePolicyMatch {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  if (pod.status?.phase !== "Failed") return { countFailed: true };
  const podName = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of rules.entries()) {
    const action = rule.action as FailurePolicyAction;
    let message: string | undefined;
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      const hit = statuses.find((s) => {
        const term = s.state?.terminated;
        if (!term || term.exitCode === 0) return false;
        if (req.containerName !== undefined && req.containerName !== s.name) return false;
        const inValues = req.values.includes(term.exitCode);
        return req.operator === "In" ? inValues : req.operator === "NotIn" ? !inValues : false;
      });
      if (!hit) continue;
      message = `Container ${hit.name} for pod ${podName} failed with exit code ${hit.state?.terminated?.exitCode} matching ${action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const hit = rule.onPodConditions.find((pattern) => (pod.status?.conditions ?? []).some((c) => c.type === pattern.type && c.status === (pattern.status || "True")));
      if (!hit) continue;
      message = `Pod ${podName} has condition ${hit.type} matching ${action} rule at index ${index}`;
    } else {
      continue;
    }
    switch (action) {
      case "FailJob":
        return { action, countFailed: true, message };
      case "Ignore":
        return { action, countFailed: false };
      default:
        return { action, countFailed: true };
    }
  }
  return { countFailed: true };
}

/** getFailJobMessage: the message of the first failed pod that matches a FailJob rule. */
export function failJobMessage(job: Job, pods: Pod[]): string | undefined {
  if (!job.spec?.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (p.status?.phase !== "Failed") continue;
    const m = matchPodFailurePolicy(job, p);
    if (m.action === "FailJob") return m.message;
  }
  return undefined;
}
