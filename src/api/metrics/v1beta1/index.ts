// The public face of metrics.k8s.io/v1beta1: NodeMetrics and PodMetrics, and the source interface the API server reads them from.
export { metricsV1beta1Resources, metricsV1beta1Definitions, nodeMetricsResource, podMetricsResource } from "./metrics.js";
export type { NodeMetrics, PodMetrics, ContainerMetrics, ResourceList, ResourceMetricsSource } from "./metrics-types.js";
