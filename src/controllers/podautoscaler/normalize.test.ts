import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { FakeClock } from "../../client/index.js";
import { defaultScaleDownRules, defaultScaleUpRules, type HPAScalingRules } from "../../api/index.js";
import { newScalingHistory, normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, recordScaleEvent } from "./normalize.js";

describe("normalizing the recommendation without behavior", () => {
  it("keeps the highest recommendation of the last 5 minutes on the way down", () => {
    const clock = new FakeClock();
    const h = newScalingHistory();
    const args = { min: 1, max: 10, downscaleStabilizationMs: 300_000 };
    assert.equal(normalizeDesiredReplicas(h, { ...args, current: 5, desired: 8, now: clock.now() }).desired, 8);
    clock.step(60_000);
    const n = normalizeDesiredReplicas(h, { ...args, current: 8, desired: 2, now: clock.now() });
    assert.equal(n.desired, 8);
    assert.deepEqual(n.ableToScale, { reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" });
    clock.step(300_000);
    const later = normalizeDesiredReplicas(h, { ...args, current: 8, desired: 2, now: clock.now() });
    assert.equal(later.desired, 2);
    assert.equal(later.ableToScale.reason, "ReadyForNewScale");
  });

  it("limits a scale up to max(2×current, 4) and to maxReplicas, with ScalingLimited", () => {
    const h = newScalingHistory();
    const n = normalizeDesiredReplicas(h, { current: 3, desired: 20, min: 1, max: 10, now: 0 });
    assert.equal(n.desired, 6);
    assert.deepEqual(n.scalingLimited, { status: true, reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" });
    const m = normalizeDesiredReplicas(newScalingHistory(), { current: 3, desired: 20, min: 1, max: 5, now: 0 });
    assert.equal(m.desired, 5);
    assert.equal(m.scalingLimited.reason, "TooManyReplicas");
    const low = normalizeDesiredReplicas(newScalingHistory(), { current: 3, desired: 1, min: 2, max: 5, now: 0 });
    assert.equal(low.desired, 2);
    assert.deepEqual(low.scalingLimited, { status: true, reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" });
    const ok = normalizeDesiredReplicas(newScalingHistory(), { current: 3, desired: 4, min: 1, max: 5, now: 0 });
    assert.deepEqual(ok.scalingLimited, { status: false, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" });
  });
});

describe("normalizing with behavior", () => {
  const up = defaultScaleUpRules();
  const down = (window: number, policies?: HPAScalingRules["policies"]): HPAScalingRules => ({ ...defaultScaleDownRules(), stabilizationWindowSeconds: window, ...(policies ? { policies } : {}) });

  it("uses the scale-down window from behavior (shortened to 10 s)", () => {
    const clock = new FakeClock();
    const h = newScalingHistory();
    const base = { min: 1, max: 4, scaleUp: up, scaleDown: down(10) };
    assert.equal(normalizeDesiredReplicasWithBehaviors(h, { ...base, current: 4, desired: 4, now: clock.now() }).desired, 4);
    clock.step(5000);
    const held = normalizeDesiredReplicasWithBehaviors(h, { ...base, current: 4, desired: 1, now: clock.now() });
    assert.equal(held.desired, 4);
    assert.equal(held.ableToScale.reason, "ScaleDownStabilized");
    clock.step(11_000);
    assert.equal(normalizeDesiredReplicasWithBehaviors(h, { ...base, current: 4, desired: 1, now: clock.now() }).desired, 1);
  });

  it("applies the largest scale-up policy by default: +4 pods or +100% per 15 s", () => {
    const h = newScalingHistory();
    const n = normalizeDesiredReplicasWithBehaviors(h, { current: 1, desired: 10, min: 1, max: 20, now: 0, scaleUp: up, scaleDown: down(0) });
    assert.equal(n.desired, 5);
    assert.equal(n.scalingLimited.reason, "ScaleUpLimit");
    const big = normalizeDesiredReplicasWithBehaviors(newScalingHistory(), { current: 10, desired: 50, min: 1, max: 100, now: 0, scaleUp: up, scaleDown: down(0) });
    assert.equal(big.desired, 20);
  });

  it("counts the changes made within a policy's period", () => {
    const clock = new FakeClock();
    const h = newScalingHistory();
    const scaleUp: HPAScalingRules = { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] };
    const rules = { scaleUp, scaleDown: down(0) };
    const first = normalizeDesiredReplicasWithBehaviors(h, { current: 2, desired: 10, min: 1, max: 10, now: clock.now(), ...rules });
    assert.equal(first.desired, 4);
    recordScaleEvent(h, rules, 2, 4, clock.now());
    clock.step(30_000);
    const second = normalizeDesiredReplicasWithBehaviors(h, { current: 4, desired: 10, min: 1, max: 10, now: clock.now(), ...rules });
    assert.equal(second.desired, 4, "the period's budget of 2 pods is spent");
    clock.step(31_000);
    assert.equal(normalizeDesiredReplicasWithBehaviors(h, { current: 4, desired: 10, min: 1, max: 10, now: clock.now(), ...rules }).desired, 6);
  });

  it("limits scale down by percent and honours Disabled", () => {
    const n = normalizeDesiredReplicasWithBehaviors(newScalingHistory(), { current: 10, desired: 1, min: 1, max: 10, now: 0, scaleUp: up, scaleDown: down(0, [{ type: "Percent", value: 50, periodSeconds: 60 }]) });
    assert.equal(n.desired, 5);
    assert.deepEqual(n.scalingLimited, { status: true, reason: "ScaleDownLimit", message: "the desired replica count is decreasing faster than the maximum scale rate" });
    const off = normalizeDesiredReplicasWithBehaviors(newScalingHistory(), { current: 10, desired: 1, min: 1, max: 10, now: 0, scaleUp: up, scaleDown: { ...down(0), selectPolicy: "Disabled" } });
    assert.equal(off.desired, 10);
  });

  it("a scale-up window holds the lowest recent recommendation", () => {
    const clock = new FakeClock();
    const h = newScalingHistory();
    const rules = { scaleUp: { ...up, stabilizationWindowSeconds: 60 }, scaleDown: down(0) };
    normalizeDesiredReplicasWithBehaviors(h, { current: 2, desired: 2, min: 1, max: 10, now: clock.now(), ...rules });
    clock.step(10_000);
    const n = normalizeDesiredReplicasWithBehaviors(h, { current: 2, desired: 6, min: 1, max: 10, now: clock.now(), ...rules });
    assert.equal(n.desired, 2);
    assert.equal(n.ableToScale.reason, "ScaleUpStabilized");
  });
});
