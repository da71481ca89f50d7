import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../../api/index.js";
import { Framework } from "../../framework/framework.js";
import { fitErrorMessage } from "../../framework/fit-error.js";
import { newPodInfo } from "../../framework/pod-info.js";
import { makeNode, makePod, makeSnapshot } from "../../_testing.js";
import { schedulePod } from "../../schedule-pod.js";
import { defaultProfile } from "../registry.js";
import { DefaultPreemption } from "./default-preemption.js";

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;

function preempt(nodes: ReturnType<typeof makeNode>[], pods: Pod[], preemptor: Pod) {
  const framework = new Framework(defaultProfile());
  const snapshot = makeSnapshot(nodes, pods);
  const pi = newPodInfo(preemptor);
  const r = schedulePod({ framework, snapshot, pod: pi, priorityOf });
  assert.equal(r.kind, "unschedulable");
  if (r.kind !== "unschedulable") throw new Error("unreachable");
  const outcome = new DefaultPreemption({ framework, priorityOf }).postFilter(r.ctx, pi, r.diagnosis.nodeToStatus);
  return {
    node: outcome.candidate?.nodeName,
    victims: outcome.candidate?.victims.map((v) => v.pod.metadata.name).sort(),
    message: fitErrorMessage({ ...r.diagnosis, postFilterMsg: outcome.message }),
  };
}

describe("DefaultPreemption", () => {
  const nodes = [makeNode("n1", { cpu: "2" }), makeNode("n2", { cpu: "2" })];
  const running = [
    makePod("low-old", { nodeName: "n1", cpu: "1", priority: 1, created: "2026-01-01T00:00:00Z" }),
    makePod("low-new", { nodeName: "n1", cpu: "1", priority: 1, created: "2026-01-01T01:00:00Z" }),
    makePod("mid", { nodeName: "n2", cpu: "2", priority: 5 }),
  ];

  it("picks the node whose victims have the lowest priority, and evicts as few as needed", () => {
    const r = preempt(nodes, running, makePod("vip", { cpu: "1", priority: 10 }));
    assert.equal(r.node, "n1");
    // Both low pods are removed, then the older one is reprieved: it still fits beside the preemptor.
    assert.deepEqual(r.victims, ["low-new"]);
    assert.equal(r.message, "0/2 nodes are available: 2 Insufficient cpu.");
  });

  it("takes the node with fewer victims when priorities tie", () => {
    const r = preempt(nodes, running, makePod("vip", { cpu: "2", priority: 10 }));
    assert.equal(r.node, "n1"); // n1: two victims of priority 1 beat n2's one victim of priority 5
    assert.deepEqual(r.victims, ["low-new", "low-old"]);
  });

  it("finds no victims when every pod has the same or a higher priority", () => {
    const r = preempt(nodes, running, makePod("peer", { cpu: "1", priority: 1 }));
    assert.equal(r.node, undefined);
    assert.equal(r.message, "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.");
  });

  it("says preemption is not helpful when nodes reject the pod for reasons eviction can't fix", () => {
    const r = preempt([makeNode("n1", { cpu: "2", taints: [{ key: "k", value: "v", effect: "NoSchedule" }] }), makeNode("n2", { cpu: "2" })], running, makePod("vip", { cpu: "4", priority: 10 }));
    assert.equal(r.node, undefined);
    assert.equal(r.message, "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
  });

  it("respects preemptionPolicy Never", () => {
    const pod = makePod("polite", { cpu: "1", priority: 10 });
    pod.spec!.preemptionPolicy = "Never";
    const r = preempt(nodes, running, pod);
    assert.equal(r.node, undefined);
    assert.equal(r.message, "0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.");
  });

  it("does not preempt again while a victim on the nominated node is terminating", () => {
    const pods = [makePod("leaving", { nodeName: "n1", cpu: "2", priority: 1, terminating: true }), running[2]];
    const pod = makePod("vip", { cpu: "1", priority: 10 });
    pod.status = { nominatedNodeName: "n1" };
    const r = preempt(nodes, pods, pod);
    assert.equal(r.node, undefined);
    assert.match(r.message, /preemption: not eligible due to a terminating pod on the nominated node\.$/);
  });
});

describe("DefaultPreemption when evicting is not enough", () => {
  it("reports the filter's reason for a node that still would not fit", () => {
    const nodes = [makeNode("n1", { cpu: "2" })];
    const pods = [makePod("high", { nodeName: "n1", cpu: "1500m", priority: 50 }), makePod("low", { nodeName: "n1", cpu: "500m", priority: 1 })];
    const r = preempt(nodes, pods, makePod("vip", { cpu: "1", priority: 10 }));
    assert.equal(r.node, undefined);
    assert.equal(r.message, "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.");
  });
});
