// Unit tests of the deployment helpers (deployment_util_test.go, hash_test.go).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "../../api/index.js";
import { computeHash, fnv32a, safeEncodeString } from "./hash.js";
import { equalIgnoreHash, maxUnavailable, newRSNewReplicas, resolveFenceposts, setNewReplicaSetAnnotations } from "./util.js";

function deployment(replicas: number, maxSurge: number | string, maxUnavailable: number | string): Deployment {
  return {
    metadata: { name: "web", annotations: { "kubernetes.io/change-cause": "why", "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
    spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } } },
  };
}

function rs(replicas: number, annotations?: Record<string, string>): ReplicaSet {
  return { metadata: { name: `rs-${replicas}`, annotations }, spec: { replicas, selector: {} } };
}

describe("hash", () => {
  it("is FNV-32a", () => {
    assert.equal(fnv32a(new TextEncoder().encode("")), 0x811c9dc5);
    assert.equal(fnv32a(new TextEncoder().encode("a")), 0xe40c292c);
    assert.equal(fnv32a(new TextEncoder().encode("foobar")), 0xbf9cf968);
  });
  it("encodes with the safe alphabet, one character per digit", () => {
    assert.equal(safeEncodeString("0123456789"), "456789bcdf");
  });
  it("depends on the template and the collision count only", () => {
    const t = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "a" }] } };
    const same = { spec: { containers: [{ image: "a", name: "c" }] }, metadata: { labels: { app: "web" } } };
    assert.equal(computeHash(t), computeHash(same));
    assert.notEqual(computeHash(t), computeHash({ ...t, spec: { containers: [{ name: "c", image: "b" }] } }));
    assert.notEqual(computeHash(t), computeHash(t, 1));
    assert.notEqual(computeHash(t, 1), computeHash(t, 2));
    assert.match(computeHash(t), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
  it("ignores the hash label when comparing templates", () => {
    assert.ok(equalIgnoreHash({ metadata: { labels: { app: "a", "pod-template-hash": "x" } } }, { metadata: { labels: { app: "a" } } }));
    assert.ok(equalIgnoreHash({ metadata: { labels: { "pod-template-hash": "x" } } }, { metadata: {} }));
    assert.ok(!equalIgnoreHash({ metadata: { labels: { app: "a" } } }, { metadata: { labels: { app: "b" } } }));
  });
});

describe("fenceposts", () => {
  const cases: [number, number | string, number | string, number, number][] = [
    [10, "25%", "25%", 3, 2],
    [3, "25%", "25%", 1, 0],
    [1, "25%", "25%", 1, 0],
    [4, 1, 1, 1, 1],
    [5, 0, 0, 0, 1],
    [5, "0%", "0%", 0, 1],
    [10, "100%", "100%", 10, 10],
  ];
  for (const [replicas, s, u, surge, unavailable] of cases) {
    it(`${replicas} replicas, maxSurge ${s}, maxUnavailable ${u} → +${surge} / -${unavailable}`, () => {
      assert.deepEqual(resolveFenceposts(deployment(replicas, s, u)), { surge, unavailable });
    });
  }
  it("never allows more unavailable than replicas", () => {
    assert.equal(maxUnavailable(deployment(2, 0, 5)), 2);
    assert.equal(maxUnavailable(deployment(0, 1, 1)), 0);
  });
});

describe("newRSNewReplicas", () => {
  it("grows the new ReplicaSet up to replicas + maxSurge in total", () => {
    const d = deployment(10, "25%", "25%");
    const newRS = rs(0);
    assert.equal(newRSNewReplicas(d, [rs(10), newRS], newRS), 3);
    assert.equal(newRSNewReplicas(d, [rs(13), newRS], newRS), 0);
    const grown = rs(8);
    assert.equal(newRSNewReplicas(d, [rs(2), grown], grown), 10);
  });
  it("is the full size for Recreate", () => {
    const d: Deployment = { ...deployment(4, 1, 1), spec: { ...deployment(4, 1, 1).spec!, strategy: { type: "Recreate" } } };
    assert.equal(newRSNewReplicas(d, [rs(4), rs(0)], rs(0)), 4);
  });
});

describe("setNewReplicaSetAnnotations", () => {
  it("copies annotations but the skipped ones, and sets revision and replica annotations on a new set", () => {
    const r = rs(0);
    assert.ok(setNewReplicaSetAnnotations(deployment(3, 1, 0), r, 1, false));
    assert.deepEqual(r.metadata.annotations, {
      "kubernetes.io/change-cause": "why",
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
  });
  it("keeps earlier revisions in revision-history when an old set becomes new again", () => {
    const r = rs(0, { "deployment.kubernetes.io/revision": "1" });
    setNewReplicaSetAnnotations(deployment(3, 1, 0), r, 3, true);
    assert.equal(r.metadata.annotations?.["deployment.kubernetes.io/revision"], "3");
    assert.equal(r.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "1");
    setNewReplicaSetAnnotations(deployment(3, 1, 0), r, 5, true);
    assert.equal(r.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "1,3");
    assert.equal(setNewReplicaSetAnnotations(deployment(3, 1, 0), r, 5, true), false, "nothing changes twice");
  });
});
