// From the metrics' recommendation to the replicas the HPA asks for
// (pkg/controller/podautoscaler/horizontal.go normalizeDesiredReplicas[WithBehaviors]):
// stabilisation windows over past recommendations, then min/max and the scale-rate
// limits (without `behavior`: at most max(2×current, 4) up; with it: its policies over
// the scale events of each policy's period). Returns the conditions it implies.
import type { HPAScalingRules } from "../../api/index.js";

interface Timestamped {
  value: number;
  at: number;
}

/** What the controller remembers of one HPA between passes (upstream keeps it in memory too). */
export interface ScalingHistory {
  recommendations: Timestamped[];
  scaleUpEvents: Timestamped[];
  scaleDownEvents: Timestamped[];
}

export const newScalingHistory = (): ScalingHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

export interface Normalized {
  desired: number;
  /** AbleToScale=True with this reason/message (ScaleUpStabilized, ScaleDownStabilized, ReadyForNewScale). */
  ableToScale: { reason: string; message: string };
  /** ScalingLimited: true when the limits changed the recommendation. */
  scalingLimited: { status: boolean; reason: string; message: string };
}

/** --horizontal-pod-autoscaler-downscale-stabilization (5 minutes). */
export const defaultDownscaleStabilizationMs = 5 * 60_000;

function record(list: Timestamped[], value: number, now: number, isOld: (r: Timestamped) => boolean): void {
  const i = list.findIndex(isOld);
  if (i >= 0) list[i] = { value, at: now };
  else list.push({ value, at: now });
}

/** Without `behavior`: the highest recommendation of the downscale window, then min/max and the 2×/4 scale-up limit. */
export function normalizeDesiredReplicas(h: ScalingHistory, args: { current: number; desired: number; min: number; max: number; now: number; downscaleStabilizationMs?: number }): Normalized {
  const cutoff = args.now - (args.downscaleStabilizationMs ?? defaultDownscaleStabilizationMs);
  let stabilized = args.desired;
  for (const r of h.recommendations) if (r.at >= cutoff && r.value > stabilized) stabilized = r.value;
  record(h.recommendations, args.desired, args.now, (r) => r.at < cutoff);
  const ableToScale =
    stabilized !== args.desired
      ? { reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" }
      : { reason: "ReadyForNewScale", message: "recommended size matches current size" };
  const scaleUpLimit = Math.max(2 * args.current, 4);
  let maxAllowed: number;
  let limit: { reason: string; message: string };
  if (args.min > scaleUpLimit) {
    maxAllowed = args.min;
    limit = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
  } else if (args.max > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    limit = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
  } else {
    maxAllowed = args.max;
    limit = { reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
  }
  let desired = stabilized;
  let why = { reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
  if (stabilized < args.min) {
    desired = args.min;
    why = { reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
  } else if (stabilized > maxAllowed) {
    desired = maxAllowed;
    why = limit;
  }
  return { desired, ableToScale, scalingLimited: { status: desired !== stabilized, ...why } };
}

function changeInPeriod(events: Timestamped[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.at > cutoff) sum += e.value;
  return sum;
}

export function scaleUpLimit(current: number, h: ScalingHistory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === "Disabled") return current;
  const pick = rules.selectPolicy === "Min" ? Math.min : Math.max;
  let result = rules.selectPolicy === "Min" ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(h.scaleUpEvents, p.periodSeconds, now) + changeInPeriod(h.scaleDownEvents, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

export function scaleDownLimit(current: number, h: ScalingHistory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === "Disabled") return current;
  // Inverted: the Min policy allows the smallest change, i.e. the highest floor.
  const pick = rules.selectPolicy === "Min" ? Math.max : Math.min;
  let result = rules.selectPolicy === "Min" ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(h.scaleUpEvents, p.periodSeconds, now) + changeInPeriod(h.scaleDownEvents, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** With `behavior` (already defaulted; scaleDown's window defaults to the controller's). */
export function normalizeDesiredReplicasWithBehaviors(
  h: ScalingHistory,
  args: { current: number; desired: number; min: number; max: number; now: number; scaleUp: HPAScalingRules; scaleDown: HPAScalingRules; downscaleStabilizationMs?: number },
): Normalized {
  const upWindow = (args.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
  const downWindow = args.scaleDown.stabilizationWindowSeconds !== undefined ? args.scaleDown.stabilizationWindowSeconds * 1000 : (args.downscaleStabilizationMs ?? defaultDownscaleStabilizationMs);
  const upCutoff = args.now - upWindow;
  const downCutoff = args.now - downWindow;
  let up = args.desired;
  let down = args.desired;
  for (const r of h.recommendations) {
    if (r.at > upCutoff) up = Math.min(r.value, up);
    if (r.at > downCutoff) down = Math.max(r.value, down);
  }
  let stabilized = args.current;
  if (stabilized < up) stabilized = up;
  if (stabilized > down) stabilized = down;
  record(h.recommendations, args.desired, args.now, (r) => r.at < upCutoff && r.at < downCutoff);
  const ableToScale =
    stabilized !== args.desired
      ? args.desired >= args.current
        ? { reason: "ScaleUpStabilized", message: "recent recommendations were lower than current one, applying the lowest recent recommendation" }
        : { reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" }
      : { reason: "ReadyForNewScale", message: "recommended size matches current size" };

  let desired = stabilized;
  let why = { reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
  if (stabilized > args.current) {
    const limit = Math.max(scaleUpLimit(args.current, h, args.scaleUp, args.now), args.current);
    let maxAllowed = args.max;
    let possible = { reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
    if (maxAllowed > limit) {
      maxAllowed = limit;
      possible = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
    }
    if (stabilized > maxAllowed) {
      desired = maxAllowed;
      why = possible;
    }
  } else if (stabilized < args.current) {
    const limit = Math.min(scaleDownLimit(args.current, h, args.scaleDown, args.now), args.current);
    let minAllowed = args.min;
    let possible = { reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
    if (minAllowed < limit) {
      minAllowed = limit;
      possible = { reason: "ScaleDownLimit", message: "the desired replica count is decreasing faster than the maximum scale rate" };
    }
    if (stabilized < minAllowed) {
      desired = minAllowed;
      why = possible;
    }
  }
  return { desired, ableToScale, scalingLimited: { status: desired !== stabilized, ...why } };
}

/** After a rescale with `behavior`: remember the change for the policies' periods (storeScaleEvent). */
export function recordScaleEvent(h: ScalingHistory, rules: { scaleUp: HPAScalingRules; scaleDown: HPAScalingRules }, previous: number, next: number, now: number): void {
  const longest = (r: HPAScalingRules) => Math.max(0, ...(r.policies ?? []).map((p) => p.periodSeconds)) * 1000;
  if (next > previous) record(h.scaleUpEvents, next - previous, now, (e) => e.at < now - longest(rules.scaleUp));
  else if (next < previous) record(h.scaleDownEvents, previous - next, now, (e) => e.at < now - longest(rules.scaleDown));
}
