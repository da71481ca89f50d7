// TypeScript shapes of scheduling.k8s.io/v1 types (staging/src/k8s.io/api/scheduling/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";

/** PriorityClass defines mapping from a priority class name to the priority integer value. */
export interface PriorityClass extends KubeObject {
  apiVersion?: "scheduling.k8s.io/v1";
  kind?: "PriorityClass";
  metadata: ObjectMeta;
  value: number;
  globalDefault?: boolean;
  description?: string;
  /** Never or PreemptLowerPriority (the default). */
  preemptionPolicy?: string;
}
