// The public face of the horizontal pod autoscaler controller.
export { HorizontalPodAutoscalerController, milliQuantity } from "./hpa-controller.js";
export type { HorizontalPodAutoscalerControllerOptions } from "./hpa-controller.js";
export { resourceReplicas, rawResourceReplicas, utilizationRatio, podRequests, milliOf, ReplicaCalculationError, defaultTolerances } from "./replica-calculator.js";
export type { PodMetric, PodMetrics, Tolerances, CalculatorOptions, ResourceReplicas } from "./replica-calculator.js";
export { normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, recordScaleEvent, newScalingHistory, scaleUpLimit, scaleDownLimit, defaultDownscaleStabilizationMs } from "./normalize.js";
export type { ScalingHistory, Normalized } from "./normalize.js";
