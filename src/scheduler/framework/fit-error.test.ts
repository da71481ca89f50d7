import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fitErrorMessage } from "./fit-error.js";
import { unresolvable, unschedulable, type Status } from "./status.js";

describe("fitErrorMessage (FitError.Error)", () => {
  const statuses = (...s: Status[]) => new Map(s.map((x, i) => [`n${i}`, x]));
  it("counts each reason of each node and sorts the strings", () => {
    const msg = fitErrorMessage({
      numAllNodes: 3,
      nodeToStatus: statuses(
        unschedulable("Insufficient cpu"),
        unresolvable("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"),
        unresolvable("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"),
      ),
      postFilterMsg: "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    });
    assert.equal(msg, "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  });

  it("lists every reason a node gave", () => {
    const msg = fitErrorMessage({ numAllNodes: 2, nodeToStatus: statuses(unschedulable("Insufficient cpu", "Insufficient memory"), unschedulable("Insufficient memory")) });
    assert.equal(msg, "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.");
  });

  it("uses the PreFilter message alone when PreFilter rejected the pod", () => {
    const msg = fitErrorMessage({ numAllNodes: 2, nodeToStatus: statuses(unresolvable("x"), unresolvable("x")), preFilterMsg: "pod has unbound immediate PersistentVolumeClaims" });
    assert.equal(msg, "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
  });

  it("sorts as strings, as Go's sort.Strings (\"10 …\" before \"2 …\")", () => {
    const many = Array.from({ length: 10 }, () => unschedulable("Too many pods"));
    const msg = fitErrorMessage({ numAllNodes: 12, nodeToStatus: statuses(...many, unschedulable("Insufficient cpu"), unschedulable("Insufficient cpu")) });
    assert.equal(msg, "0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu.");
  });
});
