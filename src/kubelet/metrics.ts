// The agent's Prometheus metrics, upstream's names (pkg/kubelet/metrics/metrics.go):
// kubelet_running_pods, kubelet_running_containers, kubelet_pod_start_duration_seconds.
import { Gauge, Histogram, Registry } from "prom-client";

/** Every kubelet metric of this process; the agent serves it on the kubelet port's /metrics. */
export const kubeletRegistry = new Registry();

export const kubeletMetrics = {
  runningPods: new Gauge({ name: "kubelet_running_pods", help: "[ALPHA] Number of pods that have a running pod sandbox", registers: [kubeletRegistry] }),
  runningContainers: new Gauge({ name: "kubelet_running_containers", help: "[ALPHA] Number of containers currently running", labelNames: ["container_state"], registers: [kubeletRegistry] }),
  podStartDuration: new Histogram({
    name: "kubelet_pod_start_duration_seconds",
    help: "[ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run",
    buckets: [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600],
    registers: [kubeletRegistry],
  }),
};
