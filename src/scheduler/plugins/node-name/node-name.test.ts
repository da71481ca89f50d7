import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { filterSummary, makeNode, makePod, makeSnapshot } from "../../_testing.js";
import { nodeName } from "./node-name.js";

describe("NodeName", () => {
  const snapshot = makeSnapshot([makeNode("n1"), makeNode("n2")]);
  const cases = [
    { name: "a pod without spec.nodeName fits every node", nodeName: undefined, want: { n1: "ok", n2: "ok" } },
    {
      name: "a pod naming a node fits only that node",
      nodeName: "n1",
      want: { n1: "ok", n2: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(nodeName, makePod("p", { nodeName: c.nodeName }), snapshot), c.want);
    });
  }
});
