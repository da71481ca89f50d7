// The scheduler's Prometheus metrics, upstream's names (pkg/scheduler/metrics/metrics.go).
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { QueueStats } from "./queue/scheduling-queue.js";

/** Every scheduler metric of this process; `k8ts server` serves it on /metrics. */
export const schedulerRegistry = new Registry();

let queueStats: (() => QueueStats) | undefined;

/** The queue whose sizes scheduler_pending_pods reports (the latest scheduler started in this process). */
export function reportQueue(stats: () => QueueStats): void {
  queueStats = stats;
}

const exp = (start: number, factor: number, count: number) => Array.from({ length: count }, (_, i) => start * factor ** i);

export const schedulerMetrics = {
  attempts: new Counter({
    name: "scheduler_schedule_attempts_total",
    help: "[STABLE] Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
    labelNames: ["profile", "result"],
    registers: [schedulerRegistry],
  }),
  attemptDuration: new Histogram({
    name: "scheduler_scheduling_attempt_duration_seconds",
    help: "[STABLE] Scheduling attempt latency in seconds (scheduling algorithm + binding)",
    labelNames: ["profile", "result"],
    buckets: exp(0.001, 2, 15),
    registers: [schedulerRegistry],
  }),
  pending: new Gauge({
    name: "scheduler_pending_pods",
    help: "[STABLE] Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
    labelNames: ["queue"],
    registers: [schedulerRegistry],
    collect() {
      const s = queueStats?.() ?? { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 };
      this.set({ queue: "active" }, s.active);
      this.set({ queue: "backoff" }, s.backoff);
      this.set({ queue: "unschedulable" }, s.unschedulable);
      this.set({ queue: "gated" }, 0);
    },
  }),
};

/** Records one attempt's result and duration (ms since `startMs` on performance.now()). */
export function observeAttempt(result: "scheduled" | "unschedulable" | "error", startMs: number): void {
  const labels = { profile: "default-scheduler", result };
  schedulerMetrics.attempts.inc(labels);
  schedulerMetrics.attemptDuration.observe(labels, (performance.now() - startMs) / 1000);
}
