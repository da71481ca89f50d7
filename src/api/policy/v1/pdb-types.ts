// TypeScript shapes of io.k8s.api.policy.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { LabelSelector, Condition } from "../../meta/v1/index.js";
import type { IntOrString } from "../../_core-types.js";

/** PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods */
export interface PodDisruptionBudget extends KubeObject {
  metadata: ObjectMeta;
  spec?: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

/** PodDisruptionBudgetSpec is a description of a PodDisruptionBudget. */
export interface PodDisruptionBudgetSpec {
  maxUnavailable?: IntOrString;
  minAvailable?: IntOrString;
  selector?: LabelSelector;
  unhealthyPodEvictionPolicy?: string;
}

/** PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget. */
export interface PodDisruptionBudgetStatus {
  conditions?: Condition[];
  currentHealthy: number;
  desiredHealthy: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  expectedPods: number;
  observedGeneration?: number;
}
