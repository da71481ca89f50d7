// The status of a ReplicaSet / ReplicationController from its pods (calculateStatus in
// pkg/controller/replicaset/replica_set_utils.go).
import type { Pod } from "../../api/index.js";
import { labelSelectorFromSet } from "../../machinery/index.js";
import type { ReplicaOwner, ReplicaOwnerStatus } from "./_flavours.js";
import { isPodAvailable, isPodReady } from "./_pods.js";

export const replicaFailureCondition = "ReplicaFailure";

export interface StatusInput {
  owner: ReplicaOwner;
  /** Active pods the owner has claimed. */
  active: Pod[];
  /** Owned pods being deleted; undefined when the kind has no terminatingReplicas. */
  terminating?: Pod[];
  /** The error of this pass's creates/deletes, if any. */
  manageError?: unknown;
  nowMs: number;
  /** Timestamp for a new ReplicaFailure condition. */
  now: string;
}

/**
 * Counts replicas, fully labeled (all template labels), ready and available (ready for
 * minReadySeconds) pods, and sets or clears the ReplicaFailure condition: reason
 * FailedCreate when pods were missing, FailedDelete when there were too many.
 */
export function calculateReplicaStatus(input: StatusInput): ReplicaOwnerStatus {
  const { owner, active, nowMs } = input;
  const prev = (owner.status ?? { replicas: 0 }) as ReplicaOwnerStatus;
  const templateLabels = labelSelectorFromSet(owner.spec?.template?.metadata?.labels);
  const minReady = owner.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of active) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  let conditions = prev.conditions ? [...prev.conditions] : undefined;
  const failure = conditions?.find((c) => c.type === replicaFailureCondition);
  if (input.manageError !== undefined && !failure) {
    const diff = active.length - (owner.spec?.replicas ?? 1);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    const message = input.manageError instanceof Error ? input.manageError.message : String(input.manageError);
    conditions = [...(conditions ?? []), { type: replicaFailureCondition, status: "True", lastTransitionTime: input.now, reason, message }];
  } else if (input.manageError === undefined && failure) {
    conditions = conditions?.filter((c) => c.type !== replicaFailureCondition);
  }
  const status: ReplicaOwnerStatus = { ...prev, replicas: active.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available };
  if (input.terminating) status.terminatingReplicas = input.terminating.length;
  if (conditions && conditions.length) status.conditions = conditions;
  else delete status.conditions;
  return status;
}

/** Whether `next` differs from the stored status in anything updateReplicaSetStatus compares. */
export function statusChanged(owner: ReplicaOwner, next: ReplicaOwnerStatus): boolean {
  const cur = (owner.status ?? { replicas: 0 }) as ReplicaOwnerStatus;
  return (
    (cur.replicas ?? 0) !== next.replicas ||
    (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (cur.terminatingReplicas ?? undefined) !== (next.terminatingReplicas ?? undefined) ||
    (owner.metadata.generation ?? 0) !== (cur.observedGeneration ?? 0) ||
    JSON.stringify(cur.conditions ?? []) !== JSON.stringify(next.conditions ?? [])
  );
}
