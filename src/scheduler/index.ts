// The public face of the scheduler: the Scheduler loop, its framework and plugins.
import type { Client, Clock } from "../client/index.js";
import { Scheduler } from "./scheduler.js";

export { Scheduler, defaultSchedulerName } from "./scheduler.js";
export type { SchedulerOptions } from "./scheduler.js";
export { Framework, SchedulerError } from "./framework/framework.js";
export type { ProfilePlugin } from "./framework/framework.js";
export type { Plugin, CycleContext, NodeScore, ClusterEvent, PriorityOf } from "./framework/plugin.js";
export { maxNodeScore } from "./framework/plugin.js";
export type { Status, StatusCode } from "./framework/status.js";
export { fitErrorMessage } from "./framework/fit-error.js";
export type { Diagnosis } from "./framework/fit-error.js";
export { NodeInfo } from "./framework/node-info.js";
export { newPodInfo } from "./framework/pod-info.js";
export type { PodInfo } from "./framework/pod-info.js";
export { podRequests } from "./framework/resources.js";
export { snapshotOf } from "./framework/snapshot.js";
export type { Snapshot } from "./framework/snapshot.js";
export { defaultProfile } from "./plugins/registry.js";
export { DefaultPreemption } from "./plugins/default-preemption/default-preemption.js";
export { SchedulingQueue } from "./queue/scheduling-queue.js";
export type { QueuedPodInfo, SchedulingQueueOptions, QueueStats } from "./queue/scheduling-queue.js";
export { SchedulerCache } from "./cache/cache.js";
export { schedulePod, numFeasibleNodesToFind } from "./schedule-pod.js";
export { PriorityResolver, systemPriorityClasses } from "./priority.js";

export interface StartSchedulerOptions {
  client: Client;
  /** Stops the scheduler. */
  signal: AbortSignal;
  clock?: Clock;
  /** Told about failed API calls and list/watch errors; the work is retried. */
  onError?: (key: string, err: unknown) => void;
}

/**
 * Runs the default scheduler on one Client until `signal` aborts (kube-scheduler's role
 * in `k8ts server`). Resolves once it has stopped.
 *
 *   const stopped = startScheduler({ client, signal });
 */
export async function startScheduler(options: StartSchedulerOptions): Promise<void> {
  const scheduler = new Scheduler({ client: options.client, clock: options.clock, onError: options.onError });
  await scheduler.start(options.signal);
}
export { schedulerRegistry } from "./metrics.js";
