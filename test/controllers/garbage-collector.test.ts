// The garbage collector against the real API server (in-memory store): background,
// orphan and foreground propagation, as test/e2e/apimachinery/garbage_collector.go checks.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, OwnerReference } from "../../src/api/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { GarbageCollector } from "../../src/controllers/garbagecollector/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const ns = "default";

function replicaSet(name: string): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  };
}

function ownerRef(owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: "apps/v1", kind: "ReplicaSet", name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "", controller: true, ...extra };
}

function pod(name: string, refs: OwnerReference[]): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns, ownerReferences: refs }, spec: { containers: [{ name: "c", image: "busybox" }] } };
}

async function exists(client: Client, res: typeof resources.pods, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(res, name, { namespace: ns });
  } catch (err) {
    if (isApiError(err) && err.code === 404) return undefined;
    throw err;
  }
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("garbage collector", () => {
  let server: TestApiServer;
  let client: Client;
  let stop: AbortController;
  let running: Promise<void>;
  const errors: unknown[] = [];

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
  });
  after(async () => {
    await server.close();
    if (process.env.GC_DEBUG) console.log(errors);
  });
  beforeEach(() => {
    stop = new AbortController();
    const gc = new GarbageCollector({ client, onError: (_key, err) => errors.push(err) });
    running = gc.start(stop.signal);
  });
  afterEach(async () => {
    stop.abort();
    await running;
    for (const res of [resources.pods, resources.replicasets]) {
      await client.deleteCollection(res, { namespace: ns, gracePeriodSeconds: 0 });
    }
  });

  it("deletes the pods of a ReplicaSet deleted in the background", async () => {
    const rs = await client.create(resources.replicasets, replicaSet("web"));
    for (const name of ["web-a", "web-b"]) await client.create(resources.pods, pod(name, [ownerRef(rs)]));
    const other = await client.create(resources.pods, pod("lonely", []));
    await client.delete(resources.replicasets, "web", { namespace: ns, propagationPolicy: "Background" });
    await eventually("the ReplicaSet's pods are gone", async () => !(await exists(client, resources.pods, "web-a")) && !(await exists(client, resources.pods, "web-b")));
    assert.equal((await exists(client, resources.pods, "lonely"))?.metadata.uid, other.metadata.uid);
  });

  it("deletes a dependent whose owner never existed, but keeps one whose other owner is alive (and drops the dangling reference)", async () => {
    const rs = await client.create(resources.replicasets, replicaSet("alive"));
    const ghost: OwnerReference = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "ghost", uid: "00000000-0000-0000-0000-000000000001" };
    await client.create(resources.pods, pod("orphaned", [ghost]));
    await client.create(resources.pods, pod("shared", [ghost, ownerRef(rs, { controller: false })]));
    await eventually("the pod of the missing owner is gone", async () => !(await exists(client, resources.pods, "orphaned")));
    await eventually("the dangling reference is dropped", async () => {
      const p = await exists(client, resources.pods, "shared");
      return p !== undefined && (p.metadata.ownerReferences ?? []).length === 1;
    });
    assert.equal((await exists(client, resources.pods, "shared"))?.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
  });

  it("keeps a dependent whose owner exists though the caches have not seen it (a live GET confirms it)", async () => {
    const rs = await client.create(resources.replicasets, replicaSet("fresh"));
    await client.create(resources.pods, pod("fresh-a", [ownerRef(rs)]));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(await exists(client, resources.pods, "fresh-a"));
  });

  it("orphans the pods of a ReplicaSet deleted with Orphan: pods stay without the reference, then the ReplicaSet goes", async () => {
    const rs = await client.create(resources.replicasets, replicaSet("orph"));
    await client.create(resources.pods, pod("orph-a", [ownerRef(rs, { blockOwnerDeletion: true })]));
    await client.create(resources.pods, pod("orph-b", [ownerRef(rs)]));
    await client.delete(resources.replicasets, "orph", { namespace: ns, propagationPolicy: "Orphan" });
    await eventually("the ReplicaSet is gone", async () => !(await exists(client, resources.replicasets, "orph")));
    for (const name of ["orph-a", "orph-b"]) {
      const p = await exists(client, resources.pods, name);
      assert.ok(p, `${name} is kept`);
      assert.deepEqual(p.metadata.ownerReferences ?? [], []);
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(await exists(client, resources.pods, "orph-a"), "still kept once the owner is gone");
  });

  it("deletes dependents first when the owner is deleted in the foreground, then the owner", async () => {
    const rs = await client.create(resources.replicasets, replicaSet("fg"));
    await client.create(resources.pods, pod("fg-a", [ownerRef(rs, { blockOwnerDeletion: true })]));
    await client.create(resources.pods, pod("fg-b", [ownerRef(rs, { blockOwnerDeletion: true })]));
    // A finalizer of someone else's holds one pod, so the owner must wait for it.
    await client.patch(resources.pods, "fg-b", { metadata: { finalizers: ["example.com/hold"] } }, { type: "merge", namespace: ns });
    const deleting = await client.delete(resources.replicasets, "fg", { namespace: ns, propagationPolicy: "Foreground" });
    assert.ok((deleting as KubeObject).metadata.deletionTimestamp);

    await eventually("the unheld pod is gone", async () => !(await exists(client, resources.pods, "fg-a")));
    const waiting = await exists(client, resources.replicasets, "fg");
    assert.ok(waiting, "the owner waits for its blocking dependents");
    assert.deepEqual(waiting.metadata.finalizers, ["foregroundDeletion"]);
    assert.ok((await exists(client, resources.pods, "fg-b"))?.metadata.deletionTimestamp);

    await client.patch(resources.pods, "fg-b", { metadata: { finalizers: null } }, { type: "merge", namespace: ns });
    await eventually("the owner is gone after its dependents", async () => !(await exists(client, resources.replicasets, "fg")));
    assert.equal(await exists(client, resources.pods, "fg-b"), undefined);
  });

  it("deletes a foreground owner with no blocking dependents at once, and its other dependents after it", async () => {
    const rs = await client.create(resources.replicasets, replicaSet("fg2"));
    await client.create(resources.pods, pod("fg2-a", [ownerRef(rs, { blockOwnerDeletion: false })]));
    await client.delete(resources.replicasets, "fg2", { namespace: ns, propagationPolicy: "Foreground" });
    await eventually("the owner is gone", async () => !(await exists(client, resources.replicasets, "fg2")));
    await eventually("the non-blocking dependent is gone too", async () => !(await exists(client, resources.pods, "fg2-a")));
  });

  it("cascades foreground deletion through a Deployment's ReplicaSet to its pods", async () => {
    const dep = await client.create(resources.deployments, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "chain", namespace: ns },
      spec: { replicas: 0, selector: { matchLabels: { app: "chain" } }, template: { metadata: { labels: { app: "chain" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
    });
    const depRef: OwnerReference = { apiVersion: "apps/v1", kind: "Deployment", name: "chain", uid: dep.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
    const rs = await client.create(resources.replicasets, { ...replicaSet("chain-1"), metadata: { name: "chain-1", namespace: ns, ownerReferences: [depRef] } });
    await client.create(resources.pods, pod("chain-1-a", [ownerRef(rs, { blockOwnerDeletion: true })]));
    await client.patch(resources.pods, "chain-1-a", { metadata: { finalizers: ["example.com/hold"] } }, { type: "merge", namespace: ns });
    await client.delete(resources.deployments, "chain", { namespace: ns, propagationPolicy: "Foreground" });

    await eventually("the ReplicaSet is deleting in the foreground too", async () => {
      const r = await exists(client, resources.replicasets, "chain-1");
      return r?.metadata.deletionTimestamp !== undefined && (r.metadata.finalizers ?? []).includes("foregroundDeletion");
    });
    assert.ok(await exists(client, resources.deployments, "chain"), "the Deployment waits");
    await client.patch(resources.pods, "chain-1-a", { metadata: { finalizers: null } }, { type: "merge", namespace: ns });
    await eventually("the whole chain is gone", async () => !(await exists(client, resources.deployments, "chain")));
    assert.equal(await exists(client, resources.replicasets, "chain-1"), undefined);
    assert.equal(await exists(client, resources.pods, "chain-1-a"), undefined);
  });
});
