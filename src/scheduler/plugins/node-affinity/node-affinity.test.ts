import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Affinity } from "../../../api/index.js";
import { filterSummary, makeNode, makePod, makeSnapshot, scoreEach } from "../../_testing.js";
import { nodeAffinity } from "./node-affinity.js";

describe("NodeAffinity", () => {
  const miss = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
  const snapshot = makeSnapshot([
    makeNode("a", { labels: { zone: "z1", disk: "ssd", cores: "8" } }),
    makeNode("b", { labels: { zone: "z2", disk: "hdd", cores: "2" } }),
    makeNode("c", { labels: { zone: "z3" } }),
  ]);
  const required = (...terms: NonNullable<NonNullable<Affinity["nodeAffinity"]>["requiredDuringSchedulingIgnoredDuringExecution"]>["nodeSelectorTerms"]): Affinity => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  });
  const cases: { name: string; nodeSelector?: Record<string, string>; affinity?: Affinity; want: Record<string, string> }[] = [
    { name: "nodeSelector needs every label", nodeSelector: { zone: "z1", disk: "ssd" }, want: { a: "ok", b: miss, c: miss } },
    { name: "In", affinity: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["z1", "z2"] }] }), want: { a: "ok", b: "ok", c: miss } },
    { name: "NotIn matches nodes without the label", affinity: required({ matchExpressions: [{ key: "disk", operator: "NotIn", values: ["ssd"] }] }), want: { a: miss, b: "ok", c: "ok" } },
    { name: "Exists and DoesNotExist", affinity: required({ matchExpressions: [{ key: "disk", operator: "DoesNotExist" }] }), want: { a: miss, b: miss, c: "ok" } },
    { name: "Gt compares integers", affinity: required({ matchExpressions: [{ key: "cores", operator: "Gt", values: ["4"] }] }), want: { a: "ok", b: miss, c: miss } },
    { name: "matchFields on metadata.name", affinity: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["c"] }] }), want: { a: miss, b: miss, c: "ok" } },
    {
      name: "terms are ORed, expressions in a term ANDed",
      affinity: required(
        { matchExpressions: [{ key: "zone", operator: "In", values: ["z1"] }, { key: "disk", operator: "In", values: ["hdd"] }] },
        { matchExpressions: [{ key: "zone", operator: "In", values: ["z3"] }] },
      ),
      want: { a: miss, b: miss, c: "ok" },
    },
    { name: "an empty term matches nothing", affinity: required({}), want: { a: miss, b: miss, c: miss } },
    {
      name: "nodeSelector and affinity must both match",
      nodeSelector: { disk: "ssd" },
      affinity: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["z2"] }] }),
      want: { a: miss, b: miss, c: miss },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(nodeAffinity, makePod("p", { nodeSelector: c.nodeSelector, affinity: c.affinity }), snapshot), c.want);
    });
  }

  it("scores the weights of matching preferred terms, scaled to 100", () => {
    const affinity: Affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 80, preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] } },
          { weight: 20, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["z2", "z1"] }] } },
        ],
      },
    };
    assert.deepEqual(scoreEach(nodeAffinity, makePod("p", { affinity }), snapshot), { a: 100, b: 20, c: 0 });
  });
});
