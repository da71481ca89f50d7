import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../storage/index.js";
import { PolicyCache, podReferences } from "./policy-cache.js";
import type { Pod } from "../../api/index.js";

const pod = (name: string, nodeName: string | undefined, spec: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns" },
  spec: { nodeName, containers: [{ name: "c", image: "i" }], ...spec },
});

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  return ok();
};

describe("PolicyCache (the node graph and the RBAC objects)", () => {
  it("lists what a pod uses: secrets, configmaps, PVCs (ephemeral ones by pod-volume name) and its service account", () => {
    const refs = podReferences(pod("web", "n1", {
      serviceAccountName: "robot",
      imagePullSecrets: [{ name: "pull" }],
      initContainers: [{ name: "i", image: "i", envFrom: [{ configMapRef: { name: "env-cm" } }] }],
      containers: [{ name: "c", image: "i", env: [{ name: "X", valueFrom: { secretKeyRef: { name: "env-secret", key: "k" } } }] }],
      volumes: [
        { name: "s", secret: { secretName: "vol-secret" } },
        { name: "p", projected: { sources: [{ configMap: { name: "kube-root-ca.crt" } }] } },
        { name: "claim", persistentVolumeClaim: { claimName: "data" } },
        { name: "scratch", ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ],
    }));
    assert.deepEqual(refs.sort(), ["configmaps/env-cm", "configmaps/kube-root-ca.crt", "persistentvolumeclaims/data", "persistentvolumeclaims/web-scratch", "secrets/env-secret", "secrets/pull", "secrets/vol-secret", "serviceaccounts/robot"]);
    assert.deepEqual(podReferences(pod("p", "n1")), ["serviceaccounts/default"]);
  });

  it("follows pods as they are bound, moved and deleted", async () => {
    const store = new MemoryStore();
    const cache = new PolicyCache({ store });
    const ac = new AbortController();
    await cache.start(ac.signal);
    const uses = (node: string) => cache.nodeUses(node, "secrets", "ns", "s");
    const spec = { volumes: [{ name: "v", secret: { secretName: "s" } }] };
    await store.create("/registry/core/pods/ns/a", JSON.stringify(pod("a", undefined, spec)));
    await store.create("/registry/core/pods/ns/b", JSON.stringify(pod("b", "n1", spec)));
    assert.ok(await until(() => uses("n1")));
    assert.equal(uses("n2"), false, "an unbound pod gives no node anything");
    await store.update("/registry/core/pods/ns/a", JSON.stringify(pod("a", "n2", spec)));
    assert.ok(await until(() => uses("n2")));
    await store.delete("/registry/core/pods/ns/b");
    assert.ok(await until(() => !uses("n1")));
    assert.equal(uses("n2"), true);
    ac.abort();
  });

  it("answers from the store when the watch has not caught up, and re-reads RBAC objects written since", async () => {
    const store = new MemoryStore();
    const cache = new PolicyCache({ store });
    // Never started: no watch, nothing cached.
    await store.create("/registry/core/pods/ns/a", JSON.stringify(pod("a", "n1", { volumes: [{ name: "v", configMap: { name: "cm" } }] })));
    assert.equal(cache.nodeUses("n1", "configmaps", "ns", "cm"), false);
    assert.equal(await cache.nodeUsesNow("n1", "configmaps", "ns", "cm"), true);
    assert.equal(await cache.nodeUsesNow("n2", "configmaps", "ns", "cm"), false);
    await store.create("/registry/rbac.authorization.k8s.io/clusterroles/r", JSON.stringify({ kind: "ClusterRole", metadata: { name: "r" }, rules: [] }));
    assert.equal(cache.clusterRole("r"), undefined);
    assert.equal(await cache.refresh(), true);
    assert.equal(cache.clusterRole("r")?.metadata.name, "r");
    assert.equal(await cache.refresh(), false, "nothing written since");
  });
});
