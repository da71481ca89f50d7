// TypeScript shapes of core/v1 replication-controller types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { PodTemplateSpec } from "./pod-types.js";

/** ReplicationController represents the configuration of a replication controller. */
export interface ReplicationController extends KubeObject {
  apiVersion?: "v1";
  kind?: "ReplicationController";
  metadata: ObjectMeta;
  spec?: ReplicationControllerSpec;
  status?: ReplicationControllerStatus;
}

/** ReplicationControllerSpec is the specification of a replication controller. */
export interface ReplicationControllerSpec {
  minReadySeconds?: number;
  replicas?: number;
  selector?: Record<string, string>;
  template?: PodTemplateSpec;
}

/** ReplicationControllerStatus represents the current status of a replication controller. */
export interface ReplicationControllerStatus {
  availableReplicas?: number;
  conditions?: ReplicationControllerCondition[];
  fullyLabeledReplicas?: number;
  observedGeneration?: number;
  readyReplicas?: number;
  replicas: number;
}

/** ReplicationControllerCondition describes the state of a replication controller at a certain point. */
export interface ReplicationControllerCondition {
  lastTransitionTime?: string;
  message?: string;
  reason?: string;
  status: string;
  type: string;
}
