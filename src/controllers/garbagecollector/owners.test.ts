import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../api/index.js";
import { decideDependent, ownerState, type DependentAction, type OwnerState } from "./owners.js";

const owner = (finalizers: string[] = [], deleting = false): KubeObject => ({
  metadata: { name: "o", uid: "o", finalizers, deletionTimestamp: deleting ? "2026-01-01T00:00:00Z" : undefined },
});

function dependent(uids: string[], finalizers: string[] = []): KubeObject {
  return { metadata: { name: "d", uid: "d", finalizers, ownerReferences: uids.map((uid) => ({ apiVersion: "v1", kind: "X", name: uid, uid })) } };
}

const solid: OwnerState = ownerState(owner());
const waiting: OwnerState = ownerState(owner(["foregroundDeletion"], true));
const absent: OwnerState = { state: "absent" };

describe("ownerState", () => {
  it("is waiting only while deleting with foregroundDeletion", () => {
    assert.equal(ownerState(owner(["foregroundDeletion"], true)).state, "waiting");
    assert.equal(ownerState(owner(["foregroundDeletion"], false)).state, "solid");
    assert.equal(ownerState(owner(["orphan"], true)).state, "solid");
  });
});

describe("decideDependent (upstream's attemptToDeleteItem)", () => {
  const cases: Array<{ name: string; dep: KubeObject; states: Record<string, OwnerState>; hasDependents?: boolean; want: DependentAction }> = [
    { name: "no references: nothing", dep: dependent([]), states: {}, want: { action: "none" } },
    { name: "all owners solid: nothing", dep: dependent(["a", "b"]), states: { a: solid, b: solid }, want: { action: "none" } },
    { name: "an owner unknown counts as solid", dep: dependent(["a"]), states: {}, want: { action: "none" } },
    { name: "owner absent: delete in the background", dep: dependent(["a"]), states: { a: absent }, want: { action: "delete", propagationPolicy: "Background" } },
    { name: "one solid, one absent: drop the dangling reference", dep: dependent(["a", "b"]), states: { a: solid, b: absent }, want: { action: "removeReferences", uids: ["b"] } },
    { name: "one solid, one waiting: drop the waiting reference", dep: dependent(["a", "b"]), states: { a: waiting, b: solid }, want: { action: "removeReferences", uids: ["a"] } },
    { name: "owner waiting, no dependents of its own: background", dep: dependent(["a"]), states: { a: waiting }, want: { action: "delete", propagationPolicy: "Background" } },
    { name: "owner waiting, with dependents of its own: foreground", dep: dependent(["a"]), states: { a: waiting }, hasDependents: true, want: { action: "delete", propagationPolicy: "Foreground" } },
    { name: "owner absent, dependent carries orphan: orphan", dep: dependent(["a"], ["orphan"]), states: { a: absent }, want: { action: "delete", propagationPolicy: "Orphan" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decideDependent(c.dep, new Map(Object.entries(c.states)), c.hasDependents ?? false), c.want);
    });
  }
});
