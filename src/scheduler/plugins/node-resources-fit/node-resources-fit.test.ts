import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { filterSummary, makeNode, makePod, makeSnapshot, scoreEach } from "../../_testing.js";
import { nodeResourcesFit } from "./node-resources-fit.js";

describe("NodeResourcesFit", () => {
  const snapshot = makeSnapshot(
    [makeNode("small", { cpu: "1", memory: "2Gi", pods: "2" }), makeNode("big", { cpu: "8", memory: "16Gi", extra: { "example.com/gpu": "2" } })],
    [makePod("used", { nodeName: "small", cpu: "500m", memory: "1Gi" })],
  );
  const cases = [
    { name: "fits where enough is left", pod: { cpu: "400m" }, want: { small: "ok", big: "ok" } },
    { name: "Insufficient cpu when too little is left (preemption may help)", pod: { cpu: "600m" }, want: { small: "Unschedulable: Insufficient cpu", big: "ok" } },
    { name: "unresolvable when the node never had that much", pod: { cpu: "2" }, want: { small: "UnschedulableAndUnresolvable: Insufficient cpu", big: "ok" } },
    { name: "every missing resource is a reason", pod: { cpu: "600m", memory: "1536Mi" }, want: { small: "Unschedulable: Insufficient cpu; Insufficient memory", big: "ok" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(nodeResourcesFit, makePod("p", c.pod), snapshot), c.want);
    });
  }

  it("counts extended resources", () => {
    const pod = makePod("p", { containers: [{ name: "c", image: "x", resources: { requests: { "example.com/gpu": "1" } } }] });
    assert.deepEqual(filterSummary(nodeResourcesFit, pod, snapshot), { small: "UnschedulableAndUnresolvable: Insufficient example.com/gpu", big: "ok" });
  });

  it("says Too many pods when the pod count is reached, even for a pod without requests", () => {
    const full = makeSnapshot([makeNode("small", { pods: "2" })], [makePod("a", { nodeName: "small" }), makePod("b", { nodeName: "small" })]);
    assert.deepEqual(filterSummary(nodeResourcesFit, makePod("p"), full), { small: "Unschedulable: Too many pods" });
  });

  it("counts init containers as upstream: a big init container needs room too", () => {
    const pod = makePod("p", { cpu: "100m", initContainers: [{ name: "i", image: "x", resources: { requests: { cpu: "700m" } } }] });
    assert.deepEqual(filterSummary(nodeResourcesFit, pod, snapshot), { small: "Unschedulable: Insufficient cpu", big: "ok" });
  });

  it("scores LeastAllocated: the mean free share of cpu and memory after placing the pod", () => {
    const s = makeSnapshot([makeNode("empty", { cpu: "4", memory: "8Gi" }), makeNode("half", { cpu: "4", memory: "8Gi" })], [makePod("x", { nodeName: "half", cpu: "2", memory: "2Gi" })]);
    // empty: cpu (4-1)/4 = 75, memory (8-2)/8 = 75 → 75; half: cpu (4-3)/4 = 25, memory (8-4)/8 = 50 → 37
    assert.deepEqual(scoreEach(nodeResourcesFit, makePod("p", { cpu: "1", memory: "2Gi" }), s), { empty: 75, half: 37 });
  });
});
