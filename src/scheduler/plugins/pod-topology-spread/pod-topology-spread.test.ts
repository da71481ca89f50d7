import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TopologySpreadConstraint } from "../../../api/index.js";
import { filterSummary, makeNode, makePod, makeSnapshot, scoreEach } from "../../_testing.js";
import { podTopologySpread } from "./pod-topology-spread.js";

const web = { app: "web" };
const spread = (topologyKey: string, maxSkew: number, o: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  topologyKey,
  maxSkew,
  whenUnsatisfiable: "DoNotSchedule",
  labelSelector: { matchLabels: web },
  ...o,
});

describe("PodTopologySpread", () => {
  const snapshot = makeSnapshot(
    [makeNode("a1", { labels: { zone: "a" } }), makeNode("a2", { labels: { zone: "a" } }), makeNode("b1", { labels: { zone: "b" } }), makeNode("x")],
    [
      makePod("w1", { nodeName: "a1", labels: web }),
      makePod("w2", { nodeName: "a1", labels: web }),
      makePod("w3", { nodeName: "b1", labels: web }),
      makePod("other", { nodeName: "b1", labels: { app: "db" } }),
      makePod("leaving", { nodeName: "a2", labels: web, terminating: true }),
    ],
  );
  const skewed = "Unschedulable: node(s) didn't match pod topology spread constraints";
  const noLabel = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";
  const cases: { name: string; constraints: TopologySpreadConstraint[]; want: Record<string, string> }[] = [
    { name: "zone skew: a has 2, b has 1; only b stays within maxSkew 1", constraints: [spread("zone", 1)], want: { a1: skewed, a2: skewed, b1: "ok", x: noLabel } },
    { name: "maxSkew 2 allows zone a too", constraints: [spread("zone", 2)], want: { a1: "ok", a2: "ok", b1: "ok", x: noLabel } },
    { name: "by hostname, terminating pods don't count", constraints: [spread("kubernetes.io/hostname", 1)], want: { a1: skewed, a2: "ok", b1: skewed, x: "ok" } },
    { name: "minDomains above the domain count makes the global minimum 0", constraints: [spread("zone", 1, { minDomains: 3 })], want: { a1: skewed, a2: skewed, b1: skewed, x: noLabel } },
    { name: "ScheduleAnyway constraints don't filter", constraints: [spread("zone", 1, { whenUnsatisfiable: "ScheduleAnyway" })], want: { a1: "ok", a2: "ok", b1: "ok", x: "ok" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(podTopologySpread, makePod("p", { labels: web, spread: c.constraints }), snapshot), c.want);
    });
  }

  it("nodeAffinityPolicy Honor: domains only from nodes the pod may use", () => {
    const pod = makePod("p", { labels: web, spread: [spread("zone", 1)], nodeSelector: { zone: "a" } });
    // Only zone a counts (2 pods), so its minimum is 2 and a1/a2 are within skew.
    assert.deepEqual(filterSummary(podTopologySpread, pod, snapshot), { a1: "ok", a2: "ok", b1: "ok", x: noLabel });
  });

  it("scores ScheduleAnyway: fewer matching pods in the domain scores higher; nodes without the key get 0", () => {
    const pod = makePod("p", { labels: web, spread: [spread("zone", 1, { whenUnsatisfiable: "ScheduleAnyway" })] });
    assert.deepEqual(scoreEach(podTopologySpread, pod, snapshot), { a1: 33, a2: 33, b1: 100, x: 0 });
  });
});
