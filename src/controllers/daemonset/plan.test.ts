import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet, Node, Pod } from "../../api/index.js";
import { computeStatus, manage, rollingUpdate, type Snapshot } from "./plan.js";

const now = Date.parse("2026-01-01T00:10:00Z");
const nodes = (n: number): Node[] => Array.from({ length: n }, (_, i) => ({ metadata: { name: `n${i + 1}` }, spec: {} }));
function pod(name: string, node: string, hash: string, opts: { ready?: boolean; created?: string; phase?: string } = {}): Pod {
  return {
    metadata: { name, labels: { "controller-revision-hash": hash }, creationTimestamp: opts.created ?? "2026-01-01T00:00:00Z" },
    spec: { containers: [], nodeName: node },
    status: { phase: opts.phase ?? "Running", conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
  };
}
const ds = (ru: { maxUnavailable?: number | string; maxSurge?: number | string }): DaemonSet => ({
  metadata: { name: "d", generation: 2 },
  spec: { selector: {}, template: {}, updateStrategy: { type: "RollingUpdate", rollingUpdate: ru } },
});
const snap = (d: DaemonSet, n: number, pods: Pod[]): Snapshot => {
  const nodeToPods = new Map<string, Pod[]>();
  for (const p of pods) nodeToPods.set(p.spec?.nodeName ?? "", [...(nodeToPods.get(p.spec?.nodeName ?? "") ?? []), p]);
  return { ds: d, nodes: nodes(n), nodeToPods, hash: "new", nowMs: now };
};

describe("manage", () => {
  it("creates on empty nodes, keeps the oldest of two, replaces failed pods, and removes pods from nodes that are gone", () => {
    const pods = [pod("a", "n1", "new", { created: "2026-01-01T00:00:01Z" }), pod("b", "n1", "new", { created: "2026-01-01T00:00:00Z" }), pod("c", "n2", "new", { phase: "Failed" })];
    const plan = manage(snap(ds({ maxUnavailable: 1 }), 3, pods), () => false);
    assert.deepEqual(plan.create, ["n3"]);
    assert.deepEqual(plan.delete.map((p) => p.metadata.name).sort(), ["a", "c"]);
    assert.deepEqual(plan.failed.map((f) => f.node), ["n2"]);
    assert.deepEqual(manage(snap(ds({ maxUnavailable: 1 }), 3, pods), () => true).delete.map((p) => p.metadata.name), ["a"], "in back-off the failed pod stays");
  });
});

describe("rollingUpdate", () => {
  it("without surge deletes up to maxUnavailable old pods, counting unavailable ones first", () => {
    const pods = [pod("a", "n1", "old"), pod("b", "n2", "old"), pod("c", "n3", "old"), pod("d", "n4", "old", { ready: false })];
    assert.deepEqual(rollingUpdate(snap(ds({ maxUnavailable: 2 }), 4, pods), () => true).delete.map((p) => p.metadata.name), ["d", "a"]);
    // 50% of 3 rounds up to 2.
    assert.deepEqual(rollingUpdate(snap(ds({ maxUnavailable: "50%" }), 3, pods.slice(0, 3)), () => true).delete.map((p) => p.metadata.name), ["a", "b"]);
  });

  it("with surge starts up to maxSurge new pods and deletes an old pod once its replacement is available", () => {
    const pods = [pod("a", "n1", "old"), pod("a2", "n1", "new"), pod("b", "n2", "old"), pod("c", "n3", "old"), pod("d2", "n4", "new", { ready: false }), pod("d", "n4", "old")];
    const plan = rollingUpdate(snap(ds({ maxUnavailable: 0, maxSurge: 2 }), 4, pods), () => true);
    assert.deepEqual(plan.delete.map((p) => p.metadata.name), ["a"]);
    assert.deepEqual(plan.create, ["n2"], "one surge slot is taken by n4's unready new pod");
  });
});

describe("computeStatus", () => {
  it("counts desired, current, ready, updated, available and misscheduled", () => {
    const d = ds({ maxUnavailable: 1 });
    d.spec!.template.spec = { containers: [], nodeSelector: { run: "yes" } };
    const ns: Node[] = nodes(3).map((n, i) => ({ ...n, metadata: { ...n.metadata, labels: i < 2 ? { run: "yes" } : ({} as Record<string, string>) } }));
    const s = { ...snap(d, 3, [pod("a", "n1", "new"), pod("c", "n3", "old")]), nodes: ns };
    assert.deepEqual(computeStatus(s), { desiredNumberScheduled: 2, currentNumberScheduled: 1, numberMisscheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 1 });
  });
});
