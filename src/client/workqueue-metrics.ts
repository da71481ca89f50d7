// client-go's workqueue metrics (util/workqueue/metrics.go, registered by
// component-base/metrics/prometheus/workqueue): per named queue, upstream's names.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The registry every named WorkQueue of this process reports to; `k8ts server` serves it on /metrics. */
export const workqueueRegistry = new Registry();

const exp = (start: number, factor: number, count: number) => Array.from({ length: count }, (_, i) => start * factor ** i);

export const workqueueMetrics = {
  depth: new Gauge({ name: "workqueue_depth", help: "[ALPHA] Current depth of workqueue", labelNames: ["name"], registers: [workqueueRegistry] }),
  adds: new Counter({ name: "workqueue_adds_total", help: "[ALPHA] Total number of adds handled by workqueue", labelNames: ["name"], registers: [workqueueRegistry] }),
  queueDuration: new Histogram({
    name: "workqueue_queue_duration_seconds",
    help: "[ALPHA] How long in seconds an item stays in workqueue before being requested.",
    labelNames: ["name"],
    buckets: exp(1e-8, 10, 10),
    registers: [workqueueRegistry],
  }),
  workDuration: new Histogram({
    name: "workqueue_work_duration_seconds",
    help: "[ALPHA] How long in seconds processing an item from workqueue takes.",
    labelNames: ["name"],
    buckets: exp(1e-8, 10, 10),
    registers: [workqueueRegistry],
  }),
  retries: new Counter({ name: "workqueue_retries_total", help: "[ALPHA] Total number of retries handled by workqueue", labelNames: ["name"], registers: [workqueueRegistry] }),
};
