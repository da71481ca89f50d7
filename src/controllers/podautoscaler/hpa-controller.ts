// The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go):
// every sync period (15 s) each HPA reads its target's scale subresource, computes a
// replica count per metric from metrics.k8s.io (the highest wins), normalises it
// (stabilisation, min/max, rate limits), writes the scale when it differs, and records
// status (current metrics, conditions AbleToScale/ScalingActive/ScalingLimited) and events.
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerV2, MetricSpec, MetricStatus, Pod, PodMetrics as PodMetricsObject, Scale } from "../../api/index.js";
import { isApiError, LabelSelector, parseLabelSelector } from "../../machinery/index.js";
import { EventRecorder, ExponentialRateLimiter, WorkQueue, keyOf, realClock, resource, runWorkers, splitKey, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";
import { newScalingHistory, normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, recordScaleEvent, type Normalized, type ScalingHistory } from "./normalize.js";
import { defaultTolerances, milliOf, rawResourceReplicas, resourceReplicas, type PodMetrics, type Tolerances } from "./replica-calculator.js";

const hpas = resource<HorizontalPodAutoscalerV2>("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const podMetricsRes = resource<PodMetricsObject>("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true);

/** Scale targets by kind (group from the reference's apiVersion). */
const scaleTargets: Record<string, { group: string; version: string; plural: string }> = {
  "apps/Deployment": { group: "apps", version: "v1", plural: "deployments" },
  "apps/ReplicaSet": { group: "apps", version: "v1", plural: "replicasets" },
  "apps/StatefulSet": { group: "apps", version: "v1", plural: "statefulsets" },
  "/ReplicationController": { group: "", version: "v1", plural: "replicationcontrollers" },
};

export interface HorizontalPodAutoscalerControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  events?: EventRecorder;
  /** --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5 minutes). */
  downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance?: number;
  /** --concurrent-horizontal-pod-autoscaler-syncs (5). */
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

class MetricError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface MetricResult {
  replicas: number;
  name: string;
  status: MetricStatus;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A milli-unit value as the canonical quantity string (resource.NewMilliQuantity(v, DecimalSI).String()). */
export function milliQuantity(milli: number): string {
  let v = BigInt(Math.round(milli));
  if (v === 0n) return "0";
  let exp = -3;
  while (v % 1000n === 0n && exp < 18) {
    v /= 1000n;
    exp += 3;
  }
  const suffix: Record<number, string> = { [-3]: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };
  return `${v}${suffix[exp]}`;
}

export class HorizontalPodAutoscalerController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly hpas: Informer<HorizontalPodAutoscalerV2>;
  private readonly pods: Informer<Pod>;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;
  private readonly history = new Map<string, ScalingHistory>();

  constructor(private readonly options: HorizontalPodAutoscalerControllerOptions) {
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    // As upstream's NewDefaultHPARateLimiter: every add, retry included, waits one sync
    // period, and a key already waiting keeps its turn. An HPA is thus looked at once a
    // period whatever happens to it — its own status writes and failing metrics do not
    // make it sync (and record Warning events) in a tight loop that would use up the
    // event recorder's budget for that HPA before it has anything to say.
    const period = this.syncPeriod();
    this.queue = new WorkQueue({ clock: this.clock, name: "horizontalpodautoscaler", rateLimiter: new ExponentialRateLimiter({ baseMs: period, maxMs: period }) });
    this.events = options.events ?? new EventRecorder({ client: this.client, component: "horizontal-pod-autoscaler", clock: this.clock });
    this.hpas = options.informers.informer(hpas);
    this.pods = options.informers.informer(pods);
    this.hpas.addHandler({
      add: (h) => this.queue.addRateLimited(keyOf(h)),
      update: (_, h) => this.queue.addRateLimited(keyOf(h)),
      delete: (h) => {
        this.history.delete(keyOf(h));
        this.queue.add(keyOf(h));
      },
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    if ((await this.hpas.waitForSync(signal)) && (await this.pods.waitForSync(signal))) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 5, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  private syncPeriod(): number {
    return this.options.syncPeriodMs ?? 15_000;
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.hpas.get(key);
    if (!cached || cached.metadata.deletionTimestamp) {
      this.history.delete(key);
      return;
    }
    const hpa: HorizontalPodAutoscalerV2 = structuredClone(cached);
    await this.reconcileAutoscaler(key, hpa, signal);
    return { requeueAfterMs: this.syncPeriod() };
  }

  private setCondition(hpa: HorizontalPodAutoscalerV2, type: HorizontalPodAutoscalerCondition["type"], status: boolean, reason: string, message: string): void {
    const st = (hpa.status ??= { desiredReplicas: 0 });
    const conds = (st.conditions ??= []);
    const value = status ? "True" : "False";
    const existing = conds.find((c) => c.type === type);
    const now = rfc3339(this.clock.now());
    if (existing) {
      if (existing.status !== value) existing.lastTransitionTime = now;
      existing.status = value;
      existing.reason = reason;
      existing.message = message;
    } else conds.push({ type, status: value, lastTransitionTime: now, reason, message });
  }

  private async reconcileAutoscaler(key: string, hpa: HorizontalPodAutoscalerV2, signal: AbortSignal): Promise<void> {
    const namespace = splitKey(key).namespace ?? "";
    const before = JSON.stringify(hpa.status ?? {});
    const spec = hpa.spec!;
    const ref = spec.scaleTargetRef;
    const group = (ref.apiVersion ?? "").includes("/") ? ref.apiVersion!.split("/")[0]! : "";
    const target = scaleTargets[`${group}/${ref.kind}`];
    const reference = `${ref.kind}/${ref.name}`;
    let scale: Scale;
    try {
      if (!target) throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
      scale = await this.client.getSubresource<Scale>(resource(target.group, target.version, target.plural, ref.kind, true), ref.name, { namespace, subresource: "scale", signal });
    } catch (err) {
      const message = `the HPA controller was unable to get the target's current scale: ${errText(err)}`;
      this.events.event(hpa, "Warning", "FailedGetScale", errText(err));
      this.setCondition(hpa, "AbleToScale", false, "FailedGetScale", message);
      await this.writeStatus(hpa, before, signal);
      throw new Error(`failed to query scale subresource for ${reference}: ${errText(err)}`);
    }
    this.setCondition(hpa, "AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale");
    const current = scale.spec?.replicas ?? 0;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas;
    let desired = 0;
    let rescaleReason = "";
    let metricStatuses: MetricStatus[] = hpa.status?.currentMetrics ?? [];
    const now = this.clock.now();

    if (current === 0 && min !== 0) {
      desired = 0;
      this.setCondition(hpa, "ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (current > max) {
      rescaleReason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (current < min) {
      rescaleReason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      let computed: { replicas: number; name: string; statuses: MetricStatus[] };
      try {
        computed = await this.computeReplicasForMetrics(hpa, scale, current, namespace, signal);
      } catch (err) {
        if (err instanceof MetricError) {
          this.events.event(hpa, "Warning", "FailedComputeMetricsReplicas", err.message);
          await this.writeStatus(hpa, before, signal, { current, desired: hpa.status?.desiredReplicas ?? current, metrics: metricStatuses });
          throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${err.message}`);
        }
        throw err;
      }
      metricStatuses = computed.statuses;
      const h = this.historyOf(key);
      let normalized: Normalized;
      if (spec.behavior) {
        normalized = normalizeDesiredReplicasWithBehaviors(h, {
          current,
          desired: computed.replicas,
          min,
          max,
          now,
          scaleUp: spec.behavior.scaleUp ?? {},
          scaleDown: spec.behavior.scaleDown ?? {},
          downscaleStabilizationMs: this.options.downscaleStabilizationMs,
        });
      } else {
        normalized = normalizeDesiredReplicas(h, { current, desired: computed.replicas, min, max, now, downscaleStabilizationMs: this.options.downscaleStabilizationMs });
      }
      this.setCondition(hpa, "AbleToScale", true, normalized.ableToScale.reason, normalized.ableToScale.message);
      this.setCondition(hpa, "ScalingLimited", normalized.scalingLimited.status, normalized.scalingLimited.reason, normalized.scalingLimited.message);
      desired = normalized.desired;
      rescaleReason = `${computed.name} above target`;
      if (desired < current) rescaleReason = "All metrics below target";
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (desired !== current) {
      try {
        await this.client.updateSubresource(resource(target.group, target.version, target.plural, ref.kind, true), ref.name, { ...scale, spec: { ...scale.spec, replicas: desired } }, { namespace, subresource: "scale", signal });
      } catch (err) {
        this.events.event(hpa, "Warning", "FailedRescale", `New size: ${desired}; reason: ${rescaleReason}; error: ${errText(err)}`);
        this.setCondition(hpa, "AbleToScale", false, "FailedUpdateScale", `the HPA controller was unable to update the target scale: ${errText(err)}`);
        await this.writeStatus(hpa, before, signal, { current, desired: current, metrics: metricStatuses });
        throw new Error(`failed to rescale ${reference}: ${errText(err)}`);
      }
      this.setCondition(hpa, "AbleToScale", true, "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
      this.events.event(hpa, "Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${rescaleReason}`);
      if (spec.behavior) recordScaleEvent(this.historyOf(key), { scaleUp: spec.behavior.scaleUp ?? {}, scaleDown: spec.behavior.scaleDown ?? {} }, current, desired, now);
      lastScaleTime = rfc3339(now);
    }
    await this.writeStatus(hpa, before, signal, { current, desired, metrics: metricStatuses, lastScaleTime });
  }

  private historyOf(key: string): ScalingHistory {
    let h = this.history.get(key);
    if (!h) this.history.set(key, (h = newScalingHistory()));
    return h;
  }

  private async writeStatus(hpa: HorizontalPodAutoscalerV2, before: string, signal: AbortSignal, figures?: { current: number; desired: number; metrics: MetricStatus[]; lastScaleTime?: string }): Promise<void> {
    const st = (hpa.status ??= { desiredReplicas: 0 });
    if (figures) {
      st.currentReplicas = figures.current;
      st.desiredReplicas = figures.desired;
      st.currentMetrics = figures.metrics.length ? figures.metrics : undefined;
      if (figures.lastScaleTime) st.lastScaleTime = figures.lastScaleTime;
    }
    st.observedGeneration = hpa.metadata.generation;
    if (JSON.stringify(st) === before) return;
    try {
      await this.client.updateStatus(hpas, { ...hpa, apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" }, { signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
  }

  private tolerances(hpa: HorizontalPodAutoscalerV2): Tolerances {
    const base = this.options.tolerance ?? defaultTolerances.scaleUp;
    const b = hpa.spec?.behavior;
    return {
      scaleUp: b?.scaleUp?.tolerance !== undefined ? milliOf(b.scaleUp.tolerance) / 1000 : base,
      scaleDown: b?.scaleDown?.tolerance !== undefined ? milliOf(b.scaleDown.tolerance) / 1000 : base,
    };
  }

  /** The highest replica count over the metrics; an invalid metric blocks a scale down, as upstream. */
  private async computeReplicasForMetrics(hpa: HorizontalPodAutoscalerV2, scale: Scale, current: number, namespace: string, signal: AbortSignal): Promise<{ replicas: number; name: string; statuses: MetricStatus[] }> {
    const selectorText = scale.status?.selector;
    if (!selectorText) {
      const msg = "selector is required";
      this.events.event(hpa, "Warning", "SelectorRequired", msg);
      this.setCondition(hpa, "ScalingActive", false, "InvalidSelector", "the HPA target's scale is missing a selector");
      throw new MetricError("InvalidSelector", msg);
    }
    let selector: LabelSelector;
    try {
      selector = parseLabelSelector(selectorText);
    } catch (err) {
      this.events.event(hpa, "Warning", "InvalidSelector", errText(err));
      this.setCondition(hpa, "ScalingActive", false, "InvalidSelector", `the HPA target's scale has an invalid selector: ${errText(err)}`);
      throw new MetricError("InvalidSelector", errText(err));
    }
    const metrics = hpa.spec?.metrics ?? [];
    const statuses: MetricStatus[] = new Array(metrics.length);
    let best: { replicas: number; name: string } | undefined;
    let invalid = 0;
    let firstError: MetricError | undefined;
    for (let i = 0; i < metrics.length; i++) {
      try {
        const r = await this.computeForMetric(hpa, metrics[i]!, current, namespace, selector, selectorText, signal);
        statuses[i] = r.status;
        if (!best || r.replicas > best.replicas) best = { replicas: r.replicas, name: r.name };
      } catch (err) {
        if (!(err instanceof MetricError)) throw err;
        invalid++;
        firstError ??= err;
        statuses[i] = { type: metrics[i]!.type };
      }
    }
    const valid = statuses.filter((s) => s && (s.resource || s.containerResource || s.pods || s.object || s.external));
    if (invalid > 0 && (!best || invalid >= metrics.length || best.replicas < current)) {
      this.setCondition(hpa, "ScalingActive", false, firstError!.reason, `the HPA was unable to compute the replica count: ${firstError!.message}`);
      throw new MetricError(firstError!.reason, `invalid metrics (${invalid} invalid out of ${metrics.length}), first error is: ${firstError!.message}`);
    }
    this.setCondition(hpa, "ScalingActive", true, "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${best!.name}`);
    return { replicas: best!.replicas, name: best!.name, statuses: valid };
  }

  private async podMetrics(namespace: string, selectorText: string, resourceName: string, container: string | undefined, signal: AbortSignal): Promise<PodMetrics> {
    let list;
    try {
      list = await this.client.list(podMetricsRes, { namespace, labelSelector: selectorText, signal });
    } catch (err) {
      throw new MetricError("FailedGetResourceMetric", `unable to get metrics for resource ${resourceName}: unable to fetch metrics from resource metrics API: ${errText(err)}`);
    }
    if (list.items.length === 0) throw new MetricError("FailedGetResourceMetric", `unable to get metrics for resource ${resourceName}: no metrics returned from resource metrics API`);
    const out: PodMetrics = new Map();
    for (const m of list.items) {
      let sum = 0;
      let found = false;
      for (const c of m.containers ?? []) {
        if (container && c.name !== container) continue;
        const q = c.usage?.[resourceName];
        if (q === undefined) continue;
        sum += milliOf(q);
        found = true;
      }
      if (!found) continue;
      out.set(m.metadata.name ?? "", { value: sum, timestamp: Date.parse(m.timestamp), windowMs: parseWindow(m.window) });
    }
    return out;
  }

  private async computeForMetric(hpa: HorizontalPodAutoscalerV2, spec: MetricSpec, current: number, namespace: string, selector: LabelSelector, selectorText: string, signal: AbortSignal): Promise<MetricResult> {
    if (spec.type !== "Resource" && spec.type !== "ContainerResource") {
      const reason = spec.type === "Pods" ? "FailedGetPodsMetric" : spec.type === "Object" ? "FailedGetObjectMetric" : "FailedGetExternalMetric";
      const msg = `unable to get metric ${spec.pods?.metric.name ?? spec.object?.metric.name ?? spec.external?.metric.name ?? ""}: no custom metrics API (custom.metrics.k8s.io) registered`;
      this.events.event(hpa, "Warning", reason, msg);
      throw new MetricError(reason, msg);
    }
    const src = spec.type === "Resource" ? spec.resource! : spec.containerResource!;
    const container = spec.type === "ContainerResource" ? spec.containerResource!.container : undefined;
    const reason = spec.type === "Resource" ? "FailedGetResourceMetric" : "FailedGetContainerResourceMetric";
    const podList = this.pods.list().filter((p) => p.metadata.namespace === namespace && selector.matches(p.metadata.labels ?? {}));
    const opts = { now: this.clock.now(), tolerances: this.tolerances(hpa) };
    try {
      const metrics = await this.podMetrics(namespace, selectorText, src.name, container, signal);
      if (src.target.type === "AverageValue") {
        const targetMilli = milliOf(src.target.averageValue ?? "0");
        const r = rawResourceReplicas({ currentReplicas: current, targetAverageMilli: targetMilli, resource: src.name, pods: podList, metrics }, opts);
        const current_ = { averageValue: milliQuantity(r.rawAverage) };
        return {
          replicas: r.replicas,
          name: `${src.name} resource`,
          status: spec.type === "Resource" ? { type: "Resource", resource: { name: src.name, current: current_ } } : { type: "ContainerResource", containerResource: { name: src.name, container: container!, current: current_ } },
        };
      }
      if (src.target.averageUtilization === undefined) throw new MetricError(reason, `invalid resource metric source: neither a utilization target nor a value target was set`);
      const r = resourceReplicas({ currentReplicas: current, targetUtilization: src.target.averageUtilization, resource: src.name, pods: podList, metrics, container }, opts);
      const current_ = { averageUtilization: r.utilization, averageValue: milliQuantity(r.rawAverage) };
      return {
        replicas: r.replicas,
        name: `${src.name} resource utilization (percentage of request)`,
        status: spec.type === "Resource" ? { type: "Resource", resource: { name: src.name, current: current_ } } : { type: "ContainerResource", containerResource: { name: src.name, container: container!, current: current_ } },
      };
    } catch (err) {
      const what = src.target.type === "AverageValue" ? `failed to get ${src.name} usage` : `failed to get ${src.name} utilization`;
      const message = err instanceof MetricError ? `${what}: ${err.message}` : `${what}: ${errText(err)}`;
      this.events.event(hpa, "Warning", reason, message);
      this.setCondition(hpa, "ScalingActive", false, reason, `the HPA was unable to compute the replica count: ${message}`);
      throw new MetricError(reason, `failed to get ${src.name} resource metric value: ${message}`);
    }
  }
}

/** "15s", "15.012s", "1m0.5s", "500ms" → ms. */
function parseWindow(w: string | undefined): number {
  if (!w) return 0;
  let ms = 0;
  for (const m of w.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    const v = Number(m[1]);
    ms += m[2] === "h" ? v * 3_600_000 : m[2] === "m" ? v * 60_000 : m[2] === "s" ? v * 1000 : m[2] === "ms" ? v : 0;
  }
  return ms;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
