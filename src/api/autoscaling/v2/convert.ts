// autoscaling/v1 ⇄ v2 (pkg/apis/autoscaling/v1/conversion.go): v1 keeps only a CPU
// utilization target; everything else rides in upstream's annotations so a v1 client's
// read-modify-write loses nothing.
import type { HorizontalPodAutoscaler as HpaV1 } from "../v1/hpa-types.js";
import type { HorizontalPodAutoscaler as HpaV2, HorizontalPodAutoscalerCondition, MetricSpec, MetricStatus } from "./hpa-types.js";

export const metricSpecsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
export const metricStatusesAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
export const conditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
export const behaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";
const ours = [metricSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation, behaviorAnnotation];

const isCpuUtilization = (m: MetricSpec) => m.type === "Resource" && m.resource?.name === "cpu" && m.resource.target.type === "Utilization";

export function hpaV2ToV1(hpa: HpaV2): HpaV1 {
  const annotations: Record<string, string> = { ...hpa.metadata.annotations };
  const metrics = hpa.spec?.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length > 0) annotations[metricSpecsAnnotation] = JSON.stringify(others);
  if (hpa.spec?.behavior) annotations[behaviorAnnotation] = JSON.stringify(hpa.spec.behavior);
  const statuses = hpa.status?.currentMetrics ?? [];
  const cpuStatus = statuses.find((s) => s.type === "Resource" && s.resource?.name === "cpu");
  const otherStatuses = statuses.filter((s) => s !== cpuStatus);
  if (otherStatuses.length > 0) annotations[metricStatusesAnnotation] = JSON.stringify(otherStatuses);
  if (hpa.status?.conditions?.length) annotations[conditionsAnnotation] = JSON.stringify(hpa.status.conditions);
  const out: HpaV1 = {
    ...hpa,
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...hpa.metadata, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: hpa.spec && {
      scaleTargetRef: hpa.spec.scaleTargetRef,
      minReplicas: hpa.spec.minReplicas,
      maxReplicas: hpa.spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target.averageUtilization,
    },
    status: hpa.status && {
      observedGeneration: hpa.status.observedGeneration,
      lastScaleTime: hpa.status.lastScaleTime,
      currentReplicas: hpa.status.currentReplicas ?? 0,
      desiredReplicas: hpa.status.desiredReplicas,
      currentCPUUtilizationPercentage: cpuStatus?.resource?.current.averageUtilization,
    },
  };
  if (!out.metadata.annotations) delete out.metadata.annotations;
  return out;
}

function parse<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function hpaV1ToV2(hpa: HpaV1): HpaV2 {
  const annotations = { ...hpa.metadata.annotations };
  const others = parse<MetricSpec[]>(annotations[metricSpecsAnnotation]) ?? [];
  const behavior = parse<NonNullable<HpaV2["spec"]>["behavior"]>(annotations[behaviorAnnotation]);
  const otherStatuses = parse<MetricStatus[]>(annotations[metricStatusesAnnotation]) ?? [];
  const conditions = parse<HorizontalPodAutoscalerCondition[]>(annotations[conditionsAnnotation]);
  for (const k of ours) delete annotations[k];
  const metrics: MetricSpec[] = [];
  const target = hpa.spec?.targetCPUUtilizationPercentage;
  if (target !== undefined) metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } } });
  metrics.push(...others);
  const currentMetrics: MetricStatus[] = [];
  const cpuNow = hpa.status?.currentCPUUtilizationPercentage;
  if (cpuNow !== undefined) currentMetrics.push({ type: "Resource", resource: { name: "cpu", current: { averageUtilization: cpuNow } } });
  currentMetrics.push(...otherStatuses);
  const out: HpaV2 = {
    ...hpa,
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...hpa.metadata, annotations },
    spec: hpa.spec && {
      scaleTargetRef: hpa.spec.scaleTargetRef,
      minReplicas: hpa.spec.minReplicas,
      maxReplicas: hpa.spec.maxReplicas,
      ...(metrics.length ? { metrics } : {}),
      ...(behavior ? { behavior } : {}),
    },
    status: hpa.status && {
      observedGeneration: hpa.status.observedGeneration,
      lastScaleTime: hpa.status.lastScaleTime,
      currentReplicas: hpa.status.currentReplicas,
      desiredReplicas: hpa.status.desiredReplicas,
      ...(currentMetrics.length ? { currentMetrics } : {}),
      ...(conditions ? { conditions } : {}),
    },
  };
  if (Object.keys(annotations).length === 0) delete out.metadata.annotations;
  return out;
}
