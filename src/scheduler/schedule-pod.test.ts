import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../api/index.js";
import { Nominator } from "./cache/nominator.js";
import { Framework } from "./framework/framework.js";
import { fitErrorMessage } from "./framework/fit-error.js";
import { newPodInfo } from "./framework/pod-info.js";
import { defaultProfile } from "./plugins/registry.js";
import { numFeasibleNodesToFind, schedulePod } from "./schedule-pod.js";
import { makeNode, makePod, makeSnapshot } from "./_testing.js";

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;
const framework = new Framework(defaultProfile());

describe("schedulePod", () => {
  it("filters, then scores: an emptier node wins", () => {
    const snapshot = makeSnapshot([makeNode("busy"), makeNode("idle")], [makePod("x", { nodeName: "busy", cpu: "3", memory: "6Gi" })]);
    const r = schedulePod({ framework, snapshot, pod: newPodInfo(makePod("p", { cpu: "500m" })), priorityOf });
    assert.equal(r.kind === "scheduled" && r.nodeName, "idle");
  });

  it("breaks ties between equal scores at random", () => {
    const snapshot = makeSnapshot([makeNode("a"), makeNode("b"), makeNode("c")]);
    const picks = new Set<string>();
    for (const rnd of [0, 0.4, 0.99]) {
      const r = schedulePod({ framework, snapshot, pod: newPodInfo(makePod("p")), priorityOf, random: () => rnd });
      if (r.kind === "scheduled") picks.add(r.nodeName);
    }
    assert.ok(picks.size > 1, `always picked ${[...picks]}`);
  });

  it("explains why no node fits, upstream's way", () => {
    const snapshot = makeSnapshot([
      makeNode("small", { cpu: "1" }),
      makeNode("cp1", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
      makeNode("cp2", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
    ]);
    const r = schedulePod({ framework, snapshot, pod: newPodInfo(makePod("p", { cpu: "2" })), priorityOf });
    assert.equal(r.kind, "unschedulable");
    if (r.kind !== "unschedulable") return;
    assert.equal(fitErrorMessage(r.diagnosis), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.");
  });

  it("keeps room for a higher-priority pod nominated to a node", () => {
    const snapshot = makeSnapshot([makeNode("n1", { cpu: "2" })]);
    const nominator = new Nominator();
    nominator.add(newPodInfo(makePod("vip", { cpu: "2", priority: 100 })), "n1");
    const low = schedulePod({ framework, snapshot, pod: newPodInfo(makePod("low", { cpu: "1" })), priorityOf, nominator });
    assert.equal(low.kind, "unschedulable");
    const high = schedulePod({ framework, snapshot, pod: newPodInfo(makePod("peer", { cpu: "1", priority: 200 })), priorityOf, nominator });
    assert.equal(high.kind, "scheduled");
  });

  it("tries the nominated node first", () => {
    const snapshot = makeSnapshot([makeNode("a"), makeNode("b")]);
    const pod = makePod("p");
    pod.status = { nominatedNodeName: "b" };
    const r = schedulePod({ framework, snapshot, pod: newPodInfo(pod), priorityOf, random: () => 0 });
    assert.equal(r.kind === "scheduled" && r.nodeName, "b");
  });

  it("stops after enough feasible nodes on big clusters, and the next search starts where it stopped", () => {
    assert.deepEqual([50, 100, 1000, 5000, 10000].map(numFeasibleNodesToFind), [50, 100, 420, 500, 500]);
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${String(i).padStart(4, "0")}`));
    const snapshot = makeSnapshot(nodes);
    const r = schedulePod({ framework, snapshot, pod: newPodInfo(makePod("p")), priorityOf, startIndex: 900 });
    assert.equal(r.kind, "scheduled");
    if (r.kind !== "scheduled") return;
    assert.equal(r.evaluatedNodes, 420);
    assert.equal(r.nextStartIndex, (900 + 420) % 1000);
  });
});
