// metrics.k8s.io/v1beta1 (k8s.io/metrics pkg/apis/metrics/v1beta1/types.go): what
// metrics-server serves and `kubectl top` and the HorizontalPodAutoscaler read.
import type { KubeObject, ObjectMeta } from "../../object.js";

/** Resource name → quantity string ("cpu": "250m", "memory": "100Mi"). */
export type ResourceList = Record<string, string>;

export interface NodeMetrics extends KubeObject {
  apiVersion: "metrics.k8s.io/v1beta1";
  kind: "NodeMetrics";
  metadata: ObjectMeta;
  /** The end of the window the usage was measured over (RFC 3339). */
  timestamp: string;
  /** The window's length, as a Duration ("15.012s"). */
  window: string;
  usage: ResourceList;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceList;
}

export interface PodMetrics extends KubeObject {
  apiVersion: "metrics.k8s.io/v1beta1";
  kind: "PodMetrics";
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}

/**
 * Where the API server gets resource metrics: the latest window of every node and pod.
 * Promises: answers from memory (no I/O); a node or pod with no complete window yet is
 * absent; objects are fresh copies the caller may change.
 */
export interface ResourceMetricsSource {
  nodeMetrics(): NodeMetrics[];
  /** Every pod's metrics, or one namespace's. */
  podMetrics(namespace?: string): PodMetrics[];
}
