// The HPA's replica calculator (pkg/controller/podautoscaler/replica_calculator.go):
// pods are grouped into ready, unready (pending, or CPU samples from a pod still
// starting), missing (no metrics) and ignored (deleted, failed); the usage ratio over
// the ready pods decides, unless it is within tolerance; missing and unready pods are
// then assumed to use 0 (on a scale up) or 100% / the target (on a scale down), and a
// change of direction that this causes cancels the change.
import type { Pod } from "../../api/index.js";

/** One pod's usage: milli-units (millicores for CPU, milli-bytes for memory), as upstream's MilliValue. */
export interface PodMetric {
  value: number;
  /** When the sample window ended (ms since the epoch). */
  timestamp: number;
  /** The window's length (ms). */
  windowMs: number;
}

export type PodMetrics = Map<string, PodMetric>;

/** Below 1 - scaleDown or above 1 + scaleUp, the ratio changes the replica count (default 0.1 each way). */
export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

export const defaultTolerances: Tolerances = { scaleDown: 0.1, scaleUp: 0.1 };

const within = (t: Tolerances, ratio: number) => 1 - t.scaleDown <= ratio && ratio <= 1 + t.scaleUp;

export interface CalculatorOptions {
  now: number;
  tolerances?: Tolerances;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 minutes). */
  cpuInitializationPeriodMs?: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s). */
  delayOfInitialReadinessStatusMs?: number;
}

export class ReplicaCalculationError extends Error {}

interface Groups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function groupPods(pods: Pod[], metrics: PodMetrics, resource: string, o: CalculatorOptions): Groups {
  const g: Groups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  const initPeriod = o.cpuInitializationPeriodMs ?? 5 * 60_000;
  const readinessDelay = o.delayOfInitialReadinessStatusMs ?? 30_000;
  for (const pod of pods) {
    const name = pod.metadata.name ?? "";
    if (pod.metadata.deletionTimestamp || pod.status?.phase === "Failed") {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === "Pending") {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const cond = pod.status?.conditions?.find((c) => c.type === "Ready");
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let unready: boolean;
      if (!cond || start === undefined) unready = true;
      else {
        const transition = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : 0;
        if (start + initPeriod > o.now) {
          // Still possibly initialising: ignore the sample if unready, or if no whole window passed since readiness changed.
          unready = cond.status === "False" || metric.timestamp < transition + metric.windowMs;
        } else {
          // Ignore the sample if the pod is unready and has never been ready.
          unready = cond.status === "False" && start + readinessDelay > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

function without(metrics: PodMetrics, names: Set<string>): PodMetrics {
  const out = new Map(metrics);
  for (const n of names) out.delete(n);
  return out;
}

/** Sum of the containers' requests of `resource` per pod, in milli-units; a container without one is an error. */
export function podRequests(pods: Pod[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let total = 0;
    let found = false;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined) throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      total += milliOf(String(q));
      found = true;
    }
    if (container && !found) throw new ReplicaCalculationError(`container ${container} not present in pod ${pod.metadata.name}`);
    out.set(pod.metadata.name ?? "", total);
  }
  return out;
}

const suffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6 };

/** A quantity string in milli-units, rounded up as Quantity.MilliValue. */
export function milliOf(q: string): number {
  const m = /^([+-]?\d*\.?\d+)(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/.exec(q.trim());
  if (!m) throw new ReplicaCalculationError(`invalid quantity ${JSON.stringify(q)}`);
  const mult = suffixes[m[3] ?? ""];
  if (mult === undefined) throw new ReplicaCalculationError(`invalid quantity ${JSON.stringify(q)}`);
  return Math.ceil(Number(m[1]) * 10 ** Number(m[2] ?? 0) * mult * 1000 - 1e-9);
}

/** Usage over requests, as a ratio to the target utilization (GetResourceUtilizationRatio). */
export function utilizationRatio(metrics: PodMetrics, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let used = 0;
  let requested = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    used += m.value;
    requested += r;
    entries++;
  }
  if (requested === 0) throw new ReplicaCalculationError("no metrics returned matched known pods");
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(used / entries) };
}

export interface ResourceReplicas {
  replicas: number;
  /** Average utilization in percent of request. */
  utilization: number;
  /** Average usage per pod, milli-units. */
  rawAverage: number;
}

/** Replicas for a Utilization target on a resource (GetResourceReplicas). */
export function resourceReplicas(args: { currentReplicas: number; targetUtilization: number; resource: string; pods: Pod[]; metrics: PodMetrics; container?: string }, o: CalculatorOptions): ResourceReplicas {
  const tol = o.tolerances ?? defaultTolerances;
  if (args.pods.length === 0) throw new ReplicaCalculationError("no pods returned by selector while calculating replica count");
  const g = groupPods(args.pods, args.metrics, args.resource, o);
  let metrics = without(without(args.metrics, g.ignored), g.unready);
  if (metrics.size === 0) throw new ReplicaCalculationError("did not receive metrics for targeted pods (pods might be unready)");
  const requests = podRequests(args.pods, args.resource, args.container);
  const { ratio, utilization, rawAverage } = utilizationRatio(metrics, requests, args.targetUtilization);
  const keep = { replicas: args.currentReplicas, utilization, rawAverage };
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (within(tol, ratio)) return keep;
    return { replicas: Math.ceil(ratio * g.readyPodCount), utilization, rawAverage };
  }
  metrics = new Map(metrics);
  if (g.missing.size > 0) {
    if (ratio < 1) {
      // On a scale down, a pod without metrics counts as using its whole request (or the target, if higher).
      const fallback = Math.max(100, args.targetUtilization);
      for (const name of g.missing) metrics.set(name, { value: ((requests.get(name) ?? 0) * fallback) / 100, timestamp: 0, windowMs: 0 });
    } else if (ratio > 1) {
      for (const name of g.missing) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  const next = utilizationRatio(metrics, requests, args.targetUtilization).ratio;
  if (within(tol, next) || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > args.currentReplicas) || (next > 1 && replicas < args.currentReplicas)) return keep;
  return { replicas, utilization, rawAverage };
}

/** Replicas for an AverageValue target on a resource (GetRawResourceReplicas / calcPlainMetricReplicas). */
export function rawResourceReplicas(args: { currentReplicas: number; targetAverageMilli: number; resource: string; pods: Pod[]; metrics: PodMetrics }, o: CalculatorOptions): { replicas: number; rawAverage: number } {
  const tol = o.tolerances ?? defaultTolerances;
  if (args.pods.length === 0) throw new ReplicaCalculationError("no pods returned by selector while calculating replica count");
  const g = groupPods(args.pods, args.metrics, args.resource, o);
  let metrics = without(without(args.metrics, g.ignored), g.unready);
  if (metrics.size === 0) throw new ReplicaCalculationError("did not receive metrics for targeted pods (pods might be unready)");
  const ratioOf = (m: PodMetrics) => {
    let total = 0;
    for (const v of m.values()) total += v.value;
    const average = total / m.size;
    return { ratio: average / args.targetAverageMilli, average: Math.trunc(average) };
  };
  const { ratio, average } = ratioOf(metrics);
  const keep = { replicas: args.currentReplicas, rawAverage: average };
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (within(tol, ratio)) return keep;
    return { replicas: Math.ceil(ratio * g.readyPodCount), rawAverage: average };
  }
  metrics = new Map(metrics);
  if (g.missing.size > 0) {
    if (ratio < 1) for (const name of g.missing) metrics.set(name, { value: args.targetAverageMilli, timestamp: 0, windowMs: 0 });
    else if (ratio > 1) for (const name of g.missing) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  const next = ratioOf(metrics).ratio;
  if (within(tol, next) || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > args.currentReplicas) || (next > 1 && replicas < args.currentReplicas)) return keep;
  return { replicas, rawAverage: average };
}
