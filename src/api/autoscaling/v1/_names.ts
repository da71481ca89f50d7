// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.autoscaling.v1.";

export const n = {
  HorizontalPodAutoscaler: p + "HorizontalPodAutoscaler",
  HorizontalPodAutoscalerList: p + "HorizontalPodAutoscalerList",
  HorizontalPodAutoscalerSpec: p + "HorizontalPodAutoscalerSpec",
  HorizontalPodAutoscalerStatus: p + "HorizontalPodAutoscalerStatus",
  CrossVersionObjectReference: p + "CrossVersionObjectReference",
  Scale: p + "Scale",
  ScaleSpec: p + "ScaleSpec",
  ScaleStatus: p + "ScaleStatus",
} as const;
