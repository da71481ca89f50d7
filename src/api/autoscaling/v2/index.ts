// The public face of autoscaling/v2: HorizontalPodAutoscaler (the storage version), and its conversion to and from v1.
import type { ResourceType } from "../../resource-type.js";
import { horizontalPodAutoscalersV2Resource } from "./hpa.js";

export { hpaV2Definitions as autoscalingV2Definitions } from "./hpa-schema.js";
export { horizontalPodAutoscalersV2Resource, defaultHorizontalPodAutoscalerV2, validateHorizontalPodAutoscalerV2, formatHpaTargets, defaultScaleUpRules, defaultScaleDownRules } from "./hpa.js";
export { hpaV1ToV2, hpaV2ToV1, metricSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation, behaviorAnnotation } from "./convert.js";
export type {
  HorizontalPodAutoscaler as HorizontalPodAutoscalerV2,
  HorizontalPodAutoscalerSpec as HorizontalPodAutoscalerSpecV2,
  HorizontalPodAutoscalerStatus as HorizontalPodAutoscalerStatusV2,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerBehavior,
  HPAScalingRules,
  HPAScalingPolicy,
  MetricSpec,
  MetricStatus,
  MetricTarget,
  MetricValueStatus,
  MetricSourceType,
} from "./hpa-types.js";

export const autoscalingV2Resources: ResourceType[] = [horizontalPodAutoscalersV2Resource];
