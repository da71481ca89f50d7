// The public face of autoscaling/v1: HorizontalPodAutoscaler, and the Scale kind of every scale subresource.
import type { ResourceType } from "../../resource-type.js";
import { horizontalPodAutoscalersResource } from "./hpa.js";

export { hpaDefinitions as autoscalingV1Definitions } from "./hpa-schema.js";
export { scaleDefinitions } from "./scale-schema.js";
export { n as autoscalingV1Names } from "./_names.js";
export { horizontalPodAutoscalersResource, defaultHorizontalPodAutoscaler, validateHorizontalPodAutoscaler } from "./hpa.js";
export type { HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus, CrossVersionObjectReference } from "./hpa-types.js";
export type { Scale, ScaleSpec, ScaleStatus } from "./scale-types.js";

export const autoscalingV1Resources: ResourceType[] = [horizontalPodAutoscalersResource];
