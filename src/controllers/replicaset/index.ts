// The public face of the ReplicaSet / ReplicationController controller.
export { ReplicaSetController, burstReplicas, podsByControllerUidIndex } from "./replica-set-controller.js";
export type { ReplicaSetControllerOptions } from "./replica-set-controller.js";
export { podsToDelete, podDeletionCostAnnotation } from "./pod-order.js";
export { calculateReplicaStatus, replicaFailureCondition } from "./replica-status.js";
export type { StatusInput } from "./replica-status.js";
export type { ReplicaOwner, ReplicaOwnerStatus } from "./_flavours.js";
