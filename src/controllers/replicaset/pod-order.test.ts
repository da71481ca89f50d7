// Table tests for the scale-down order (controller_utils_test.go TestSortingActivePodsWithRanks).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../api/index.js";
import { podsToDelete } from "./pod-order.js";

const now = Date.UTC(2026, 0, 1, 12);
const iso = (msAgo: number) => new Date(now - msAgo).toISOString().replace(/\.\d{3}Z$/, "Z");

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readyAgo?: number; restarts?: number; createdAgo?: number; cost?: number } = {}): Pod {
  return {
    metadata: { name, uid: name, creationTimestamp: iso(o.createdAgo ?? 3_600_000), annotations: o.cost === undefined ? undefined : { "controller.kubernetes.io/pod-deletion-cost": String(o.cost) } },
    spec: { containers: [], nodeName: o.node },
    status: {
      phase: o.phase ?? "Running",
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True", lastTransitionTime: iso(o.readyAgo ?? 3_600_000) }],
      containerStatuses: [{ name: "c", image: "i", imageID: "", ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe("podsToDelete", () => {
  const cases: { name: string; pods: Pod[]; first: string }[] = [
    { name: "unassigned before assigned", pods: [pod("bound", { node: "n1" }), pod("unbound", { phase: "Pending", ready: false })], first: "unbound" },
    { name: "pending before running", pods: [pod("running", { node: "n1" }), pod("pending", { node: "n1", phase: "Pending", ready: false })], first: "pending" },
    { name: "unknown before running", pods: [pod("running", { node: "n1" }), pod("unknown", { node: "n1", phase: "Unknown" })], first: "unknown" },
    { name: "not ready before ready", pods: [pod("ready", { node: "n1" }), pod("unready", { node: "n1", ready: false })], first: "unready" },
    { name: "lower deletion cost first", pods: [pod("cheap", { node: "n1", cost: -5 }), pod("dear", { node: "n2", cost: 10 })].reverse(), first: "cheap" },
    { name: "doubled up before alone", pods: [pod("alone", { node: "n1" }), pod("crowded", { node: "n2" }), pod("crowded2", { node: "n2", createdAgo: 3_600_001 })], first: "crowded" },
    { name: "ready for less time first", pods: [pod("old-ready", { node: "n1", readyAgo: 86_400_000 }), pod("new-ready", { node: "n2", readyAgo: 10_000 })], first: "new-ready" },
    { name: "more restarts first", pods: [pod("calm", { node: "n1" }), pod("flappy", { node: "n2", restarts: 7 })], first: "flappy" },
    { name: "newer first", pods: [pod("old", { node: "n1", createdAgo: 86_400_000, readyAgo: 86_400_000 }), pod("young", { node: "n2", createdAgo: 60_000, readyAgo: 86_400_000 })], first: "young" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(podsToDelete(c.pods, c.pods, 1, now)[0].metadata.name, c.first);
      assert.equal(podsToDelete([...c.pods].reverse(), c.pods, 1, now)[0].metadata.name, c.first, "regardless of input order");
    });
  }

  it("returns every pod when asked for as many or more", () => {
    const pods = [pod("a", { node: "n1" }), pod("b", { node: "n1" })];
    assert.deepEqual(names(podsToDelete(pods, pods, 5, now)), ["a", "b"]);
  });

  it("orders a mixed set: unassigned, pending, not ready, then ready", () => {
    const pods = [pod("ready", { node: "n1" }), pod("unready", { node: "n2", ready: false }), pod("pending", { node: "n3", phase: "Pending", ready: false }), pod("unassigned", { phase: "Pending", ready: false })];
    assert.deepEqual(names(podsToDelete(pods, pods, 3, now)), ["unassigned", "pending", "unready"]);
  });
});
