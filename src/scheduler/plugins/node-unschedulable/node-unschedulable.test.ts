import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Toleration } from "../../../api/index.js";
import { filterSummary, makeNode, makePod, makeSnapshot } from "../../_testing.js";
import { nodeUnschedulable } from "./node-unschedulable.js";

describe("NodeUnschedulable", () => {
  const snapshot = makeSnapshot([makeNode("open"), makeNode("cordoned", { unschedulable: true })]);
  const refused = "UnschedulableAndUnresolvable: node(s) were unschedulable";
  const cases: { name: string; tolerations?: Toleration[]; want: Record<string, string> }[] = [
    { name: "a cordoned node refuses a pod without tolerations", want: { open: "ok", cordoned: refused } },
    {
      name: "a toleration of node.kubernetes.io/unschedulable:NoSchedule lets the pod in",
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
      want: { open: "ok", cordoned: "ok" },
    },
    { name: "a toleration of everything lets the pod in", tolerations: [{ operator: "Exists" }], want: { open: "ok", cordoned: "ok" } },
    {
      name: "a toleration for another effect does not",
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }],
      want: { open: "ok", cordoned: refused },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(nodeUnschedulable, makePod("p", { tolerations: c.tolerations }), snapshot), c.want);
    });
  }
});
