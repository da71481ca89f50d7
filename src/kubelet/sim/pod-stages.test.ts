import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "../../api/index.js";
import { computePodStatus } from "../pods/status.js";
import { podStage, type SimBehaviour } from "./pod-stages.js";

const behaviour: SimBehaviour = { startupDelayMs: 500, runDurationMs: 1000, exitCode: 0 };
const t0 = Date.parse("2026-01-01T00:00:00Z");

function pod(spec: Partial<NonNullable<Pod["spec"]>>, annotations?: Record<string, string>): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns", uid: "u1", annotations }, spec: { containers: [{ name: "c", image: "busybox" }], ...spec } };
}

/** The status the kubelet's own code computes from the simulated runtime at t0 + ms. */
function statusAt(p: Pod, ms: number) {
  const stage = podStage(p, { boundAtMs: t0, nowMs: t0 + ms, behaviour, podIP: "10.128.0.2" });
  return { stage, status: computePodStatus({ pod: p, runtime: stage.runtime, view: stage.view, hostIP: "100.64.0.1", now: new Date(t0 + ms).toISOString() }) };
}

describe("sim pod stages", () => {
  it("starts nothing before the startup delay, and says when it will", () => {
    const { stage } = statusAt(pod({}), 499);
    assert.equal(stage.runtime.containers.length, 0);
    assert.equal(stage.nextChangeAtMs, t0 + 500);
  });

  it("runs a container without a command forever: Running and Ready with the pod IP", () => {
    const { stage, status } = statusAt(pod({}), 500);
    assert.equal(status.phase, "Running");
    assert.equal(status.podIP, "10.128.0.2");
    assert.equal(status.conditions?.find((c) => c.type === "Ready")?.status, "True");
    assert.equal(stage.nextChangeAtMs, undefined);
  });

  it("counts a readiness probe as passing", () => {
    const p = pod({ containers: [{ name: "c", image: "x", readinessProbe: { exec: { command: ["true"] } } }] });
    assert.equal(statusAt(p, 600).status.containerStatuses?.[0].ready, true);
  });

  it("lets a command finish under restartPolicy Never: Succeeded with exit 0, Failed with the configured code", () => {
    const p = pod({ restartPolicy: "Never", containers: [{ name: "c", image: "x", command: ["true"] }] });
    const running = statusAt(p, 1000);
    assert.equal(running.status.phase, "Running");
    assert.equal(running.stage.nextChangeAtMs, t0 + 1500);
    assert.equal(statusAt(p, 1500).status.phase, "Succeeded");
    const failing = pod({ restartPolicy: "Never", containers: [{ name: "c", image: "x", command: ["false"] }] }, { "sim.k8ts.io/exit-code": "2" });
    const failed = statusAt(failing, 2000).status;
    assert.equal(failed.phase, "Failed");
    assert.equal(failed.containerStatuses?.[0].state?.terminated?.exitCode, 2);
  });

  it("keeps a command running under restartPolicy Always unless the pod asks it to exit, then crash-loops with back-off", () => {
    const always = pod({ containers: [{ name: "c", image: "x", command: ["sleep", "1000"] }] });
    assert.equal(statusAt(always, 60_000).status.containerStatuses?.[0].restartCount, 0);
    const crashing = pod({ containers: [{ name: "c", image: "x", command: ["false"] }] }, { "sim.k8ts.io/exit-code": "1" });
    const first = statusAt(crashing, 2000);
    assert.equal(first.status.containerStatuses?.[0].state?.waiting?.reason, "CrashLoopBackOff");
    assert.match(first.status.containerStatuses?.[0].state?.waiting?.message ?? "", /^back-off 10s restarting failed container=c pod=p_ns\(u1\)$/);
    assert.equal(first.stage.nextChangeAtMs, t0 + 1500 + 10_000);
    // 1.5 s run → 10 s back-off → second run (restartCount 1) → 20 s back-off.
    const second = statusAt(crashing, 12_000);
    assert.equal(second.status.containerStatuses?.[0].restartCount, 1);
    assert.ok(second.status.containerStatuses?.[0].state?.running);
    assert.equal(second.status.containerStatuses?.[0].lastState?.terminated?.exitCode, 1);
  });

  it("runs init containers one after another before the app containers", () => {
    const p = pod({ initContainers: [{ name: "i1", image: "x" }, { name: "i2", image: "x" }] });
    assert.equal(statusAt(p, 1000).status.phase, "Pending");
    assert.equal(statusAt(p, 1000).status.initContainerStatuses?.[0].state?.running !== undefined, true);
    const mid = statusAt(p, 2000).status;
    assert.equal(mid.initContainerStatuses?.[0].state?.terminated?.exitCode, 0);
    assert.ok(mid.initContainerStatuses?.[1].state?.running);
    assert.equal(statusAt(p, 2500).status.phase, "Running");
  });

  it("fails the pod when an init container fails under restartPolicy Never", () => {
    const p = pod({ restartPolicy: "Never", initContainers: [{ name: "i", image: "x" }] }, { "sim.k8ts.io/exit-code": "1" });
    assert.equal(statusAt(p, 5000).status.phase, "Failed");
  });

  it("takes the startup delay from the pod's annotation", () => {
    const p = pod({}, { "sim.k8ts.io/startup-delay": "2s" });
    assert.equal(statusAt(p, 1999).stage.runtime.containers.length, 0);
    assert.equal(statusAt(p, 2000).status.phase, "Running");
  });
});
