import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { makeNode, makePod, makeSnapshot, scoreEach } from "../../_testing.js";
import { balancedAllocation } from "./balanced-allocation.js";

describe("NodeResourcesBalancedAllocation", () => {
  it("prefers the node where cpu and memory would be used evenly", () => {
    const s = makeSnapshot([makeNode("even", { cpu: "4", memory: "8Gi" }), makeNode("cpu-heavy", { cpu: "4", memory: "8Gi" })], [makePod("x", { nodeName: "cpu-heavy", cpu: "2" })]);
    // even: 1/4 and 2/8 → std 0 → 100; cpu-heavy: 3/4 and 2/8 → std 0.25 → 75
    assert.deepEqual(scoreEach(balancedAllocation, makePod("p", { cpu: "1", memory: "2Gi" }), s), { "cpu-heavy": 75, even: 100 });
  });

  it("is skipped for a pod without requests", () => {
    const s = makeSnapshot([makeNode("a")], [makePod("x", { nodeName: "a", cpu: "2" })]);
    assert.deepEqual(scoreEach(balancedAllocation, makePod("p"), s), { a: 0 });
  });
});
