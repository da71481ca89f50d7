// metrics.k8s.io/v1beta1 nodes and pods: read-only resources (get, list) answered from
// the metrics pipeline in memory, never from the store; entries here give discovery and
// OpenAPI what upstream's aggregated metrics-server lists.
import type { ResourceType } from "../../resource-type.js";
import type { Definitions } from "../../schema.js";
import { arrayOf, mapOf, object, quantity, ref, string, time, topLevel, meta } from "../../schema.js";
import { listOf } from "../../meta/v1/index.js";

const p = "io.k8s.metrics.pkg.apis.metrics.v1beta1.";
const n = { NodeMetrics: p + "NodeMetrics", NodeMetricsList: p + "NodeMetricsList", PodMetrics: p + "PodMetrics", PodMetricsList: p + "PodMetricsList", ContainerMetrics: p + "ContainerMetrics" };
const gvk = (kind: string) => ({ group: "metrics.k8s.io", version: "v1beta1", kind });

export const metricsV1beta1Definitions: Definitions = {
  [n.NodeMetrics]: topLevel(
    { timestamp: time("The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp]."), window: ref(meta.Duration), usage: mapOf(quantity(), "The memory usage is the memory working set.") },
    "NodeMetrics sets resource usage metrics of a node.",
    gvk("NodeMetrics"),
  ),
  [n.NodeMetricsList]: listOf(n.NodeMetrics, "NodeMetricsList is a list of NodeMetrics.", gvk("NodeMetricsList")),
  [n.PodMetrics]: topLevel(
    { timestamp: time("The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp]."), window: ref(meta.Duration), containers: arrayOf(ref(n.ContainerMetrics), "Metrics for all containers are collected within the same time window.") },
    "PodMetrics sets resource usage metrics of a pod.",
    gvk("PodMetrics"),
  ),
  [n.PodMetricsList]: listOf(n.PodMetrics, "PodMetricsList is a list of PodMetrics.", gvk("PodMetricsList")),
  [n.ContainerMetrics]: object({ name: string("Container name corresponding to the one from pod.spec.containers."), usage: mapOf(quantity(), "The memory usage is the memory working set.") }, { description: "ContainerMetrics sets resource usage metrics of a container.", required: ["name", "usage"] }),
};

export const nodeMetricsResource: ResourceType = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  kind: "NodeMetrics",
  plural: "nodes",
  singular: "",
  namespaced: false,
  verbs: ["get", "list"],
  definition: n.NodeMetrics,
  definitions: metricsV1beta1Definitions,
};

export const podMetricsResource: ResourceType = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  kind: "PodMetrics",
  plural: "pods",
  singular: "",
  namespaced: true,
  verbs: ["get", "list"],
  definition: n.PodMetrics,
  definitions: metricsV1beta1Definitions,
};

export const metricsV1beta1Resources: ResourceType[] = [nodeMetricsResource, podMetricsResource];
