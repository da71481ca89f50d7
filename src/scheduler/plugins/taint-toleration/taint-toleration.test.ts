import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Taint, Toleration } from "../../../api/index.js";
import { filterSummary, makeNode, makePod, makeSnapshot, scoreEach } from "../../_testing.js";
import { taintToleration } from "./taint-toleration.js";

describe("TaintToleration", () => {
  const controlPlane: Taint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };
  const dedicated: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };
  const evicting: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
  const soft: Taint = { key: "spot", value: "true", effect: "PreferNoSchedule" };
  const snapshot = makeSnapshot([
    makeNode("plain"),
    makeNode("control", { taints: [controlPlane] }),
    makeNode("gpu", { taints: [dedicated] }),
    makeNode("gone", { taints: [evicting] }),
    makeNode("spot", { taints: [soft] }),
  ]);
  const cases: { name: string; tolerations?: Toleration[]; want: Record<string, string> }[] = [
    {
      name: "NoSchedule and NoExecute taints refuse a pod that tolerates nothing; PreferNoSchedule does not",
      want: {
        plain: "ok",
        control: "UnschedulableAndUnresolvable: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
        gpu: "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}",
        gone: "UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/unreachable: }",
        spot: "ok",
      },
    },
    {
      name: "Equal tolerations need the same value; Exists ignores it",
      tolerations: [
        { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" },
        { key: "node-role.kubernetes.io/control-plane", operator: "Exists" },
        { key: "node.kubernetes.io/unreachable", operator: "Equal", value: "x", effect: "NoExecute" },
      ],
      want: { plain: "ok", control: "ok", gpu: "ok", gone: "UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/unreachable: }", spot: "ok" },
    },
    { name: "an empty key with Exists tolerates every taint", tolerations: [{ operator: "Exists" }], want: { plain: "ok", control: "ok", gpu: "ok", gone: "ok", spot: "ok" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(taintToleration, makePod("p", { tolerations: c.tolerations }), snapshot), c.want);
    });
  }

  it("scores nodes with untolerated PreferNoSchedule taints lower", () => {
    const scores = scoreEach(taintToleration, makePod("p"), makeSnapshot([makeNode("plain"), makeNode("spot", { taints: [soft] })]));
    assert.deepEqual(scores, { plain: 100, spot: 0 });
    const tolerant = scoreEach(taintToleration, makePod("p", { tolerations: [{ key: "spot", operator: "Exists" }] }), makeSnapshot([makeNode("plain"), makeNode("spot", { taints: [soft] })]));
    assert.deepEqual(tolerant, { plain: 100, spot: 100 });
  });
});
