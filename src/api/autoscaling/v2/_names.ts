// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.autoscaling.v2.";

export const n = {
  HorizontalPodAutoscaler: p + "HorizontalPodAutoscaler",
  HorizontalPodAutoscalerList: p + "HorizontalPodAutoscalerList",
  HorizontalPodAutoscalerSpec: p + "HorizontalPodAutoscalerSpec",
  HorizontalPodAutoscalerStatus: p + "HorizontalPodAutoscalerStatus",
  HorizontalPodAutoscalerBehavior: p + "HorizontalPodAutoscalerBehavior",
  HorizontalPodAutoscalerCondition: p + "HorizontalPodAutoscalerCondition",
  HPAScalingRules: p + "HPAScalingRules",
  HPAScalingPolicy: p + "HPAScalingPolicy",
  CrossVersionObjectReference: p + "CrossVersionObjectReference",
  MetricSpec: p + "MetricSpec",
  MetricStatus: p + "MetricStatus",
  MetricTarget: p + "MetricTarget",
  MetricValueStatus: p + "MetricValueStatus",
  MetricIdentifier: p + "MetricIdentifier",
  ResourceMetricSource: p + "ResourceMetricSource",
  ResourceMetricStatus: p + "ResourceMetricStatus",
  ContainerResourceMetricSource: p + "ContainerResourceMetricSource",
  ContainerResourceMetricStatus: p + "ContainerResourceMetricStatus",
  PodsMetricSource: p + "PodsMetricSource",
  PodsMetricStatus: p + "PodsMetricStatus",
  ObjectMetricSource: p + "ObjectMetricSource",
  ObjectMetricStatus: p + "ObjectMetricStatus",
  ExternalMetricSource: p + "ExternalMetricSource",
  ExternalMetricStatus: p + "ExternalMetricStatus",
} as const;
