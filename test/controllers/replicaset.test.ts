// The ReplicaSet / ReplicationController controller against the real API server
// (in-memory store), with fake nodes as kubelets and a test binder as the scheduler; the
// behaviours of test/e2e/apps/replica_set.go and rc.go plus the controller's unit tests.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod, ReplicaSet, ReplicationController } from "../../src/api/index.js";
import { InformerFactory, resources, type Client } from "../../src/client/index.js";
import { ReplicaSetController } from "../../src/controllers/replicaset/index.js";
import { startFakeNodes, startTestApiServer, type FakeNodes, type TestApiServer } from "../harness/index.js";
import { container, eventsFor, eventually, gatedClient, isReady, listPods, startBinder } from "./_workloads.js";

const nodes = ["node-a", "node-b", "node-c"];

function replicaSet(name: string, namespace: string, replicas: number, extra: { minReadySeconds?: number } = {}): ReplicaSet {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace },
    spec: {
      replicas,
      ...extra,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: "web" }, annotations: { note: "from-template" } }, spec: { containers: container } },
    },
  };
}

async function getRS(client: Client, namespace: string, name: string): Promise<ReplicaSet> {
  return (await client.get(resources.replicasets, name, { namespace })) as ReplicaSet;
}

async function scale(client: Client, namespace: string, name: string, replicas: number): Promise<void> {
  await client.patch(resources.replicasets, name, { spec: { replicas } }, { namespace, type: "merge" });
}

function active(pods: Pod[]): Pod[] {
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

describe("replicaset controller", () => {
  let server: TestApiServer;
  let client: Client;
  let fakeNodes: FakeNodes;
  let stop: AbortController;
  let running: Promise<unknown>[];
  let nsCounter = 0;
  let ns: string;
  const errors: unknown[] = [];

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    fakeNodes = await startFakeNodes({ client, names: nodes });
  });
  after(async () => {
    await fakeNodes.close();
    await server.close();
  });
  beforeEach(async () => {
    stop = new AbortController();
    running = [];
    errors.length = 0;
    ns = `rs-${++nsCounter}`;
    await client.create(resources.namespaces, { metadata: { name: ns } });
  });
  afterEach(async () => {
    stop.abort();
    await Promise.all(running);
  });

  function startController(options: { client?: Client; kind?: "ReplicaSet" | "ReplicationController"; workers?: boolean } = {}): ReplicaSetController {
    const c = options.client ?? client;
    const informers = new InformerFactory({ client: c });
    const rsc = new ReplicaSetController({ client: c, informers, kind: options.kind, onError: (_k, err) => errors.push(err) });
    if (options.workers !== false) running.push(rsc.start(stop.signal));
    informers.start(stop.signal);
    return rsc;
  }

  async function withBinder<T>(fn: () => Promise<T>): Promise<T> {
    const binder = await startBinder(client, nodes);
    try {
      return await fn();
    } finally {
      await binder.close();
    }
  }

  it("creates spec.replicas pods from the template and reports them ready and available", async () => {
    startController();
    await withBinder(async () => {
      await client.create(resources.replicasets, replicaSet("web", ns, 3));
      await eventually("3 ready replicas", async () => (await getRS(client, ns, "web")).status?.availableReplicas === 3);
    });
    const rs = await getRS(client, ns, "web");
    assert.deepEqual(rs.status && { ...rs.status, conditions: undefined }, {
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      terminatingReplicas: 0,
      observedGeneration: rs.metadata.generation,
      conditions: undefined,
    });
    const pods = await listPods(client, ns);
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.equal(pod.metadata.generateName, "web-");
      assert.match(pod.metadata.name ?? "", /^web-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata.labels, { app: "web", tier: "web" });
      assert.equal(pod.metadata.annotations?.note, "from-template");
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.ok(pod.spec?.nodeName, "bound");
    }
    await eventually("3 SuccessfulCreate events", async () => (await eventsFor(client, ns, "web")).filter((e) => e.reason === "SuccessfulCreate").length === 3);
    const created = (await eventsFor(client, ns, "web")).filter((e) => e.reason === "SuccessfulCreate");
    assert.deepEqual(created.map((e) => e.message).sort(), pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
  });

  it("scales up and down, replacing deleted pods", async () => {
    startController();
    await withBinder(async () => {
      await client.create(resources.replicasets, replicaSet("web", ns, 2));
      await eventually("2 pods", async () => active(await listPods(client, ns)).length === 2);
      await scale(client, ns, "web", 5);
      await eventually("5 available", async () => (await getRS(client, ns, "web")).status?.availableReplicas === 5);
      await scale(client, ns, "web", 1);
      await eventually("1 pod left", async () => (await listPods(client, ns)).length === 1 && (await getRS(client, ns, "web")).status?.replicas === 1);
      const [survivor] = await listPods(client, ns);
      await client.delete(resources.pods, survivor.metadata.name ?? "", { namespace: ns });
      await eventually("a replacement pod", async () => {
        const pods = active(await listPods(client, ns));
        return pods.length === 1 && pods[0].metadata.name !== survivor.metadata.name;
      });
    });
    await eventually("SuccessfulDelete events", async () => (await eventsFor(client, ns, "web")).filter((e) => e.reason === "SuccessfulDelete").length === 4);
  });

  it("deletes unscheduled, then pending, then not-ready pods first when scaling down", async () => {
    startController();
    await client.create(resources.replicasets, replicaSet("web", ns, 4));
    await eventually("4 pods", async () => (await listPods(client, ns)).length === 4);
    const pods = await listPods(client, ns);
    // Two pods bound to a fake node (Running and Ready), one bound to a node no kubelet
    // runs (Pending), one never scheduled.
    const [readyA, readyB, pending, unscheduled] = pods.map((p) => p.metadata.name ?? "");
    const bind = (name: string, node: string) =>
      client.createSubresource(resources.pods, name, { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: node } }, { namespace: ns, subresource: "binding" });
    await bind(readyA, "node-a");
    await bind(readyB, "node-b");
    await bind(pending, "node-without-kubelet");
    await eventually("two ready pods", async () => (await listPods(client, ns)).filter(isReady).length === 2);

    const remaining = async () => active(await listPods(client, ns)).map((p) => p.metadata.name ?? "").sort();
    await scale(client, ns, "web", 3);
    await eventually("the unscheduled pod is deleted", async () => !(await remaining()).includes(unscheduled));
    assert.deepEqual(await remaining(), [readyA, readyB, pending].sort());
    await scale(client, ns, "web", 2);
    await eventually("the pending pod is deleted", async () => !(await remaining()).includes(pending));
    assert.deepEqual(await remaining(), [readyA, readyB].sort());
  });

  it("adopts matching orphans and releases pods whose labels stop matching", async () => {
    const orphan = await client.create(resources.pods, { metadata: { name: "orphan", namespace: ns, labels: { app: "web" } }, spec: { containers: container } });
    startController();
    await client.create(resources.replicasets, replicaSet("web", ns, 2));
    await eventually("2 pods", async () => (await listPods(client, ns)).length === 2);
    const rs = await getRS(client, ns, "web");
    const adopted = (await client.get(resources.pods, "orphan", { namespace: ns })) as Pod;
    assert.equal(adopted.metadata.uid, orphan.metadata.uid);
    assert.deepEqual(adopted.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [["ReplicaSet", "web", rs.metadata.uid, true]]);
    // fullyLabeled counts only pods with every template label: the orphan lacks tier=web.
    await eventually("fullyLabeledReplicas is 1", async () => (await getRS(client, ns, "web")).status?.fullyLabeledReplicas === 1);

    await client.patch(resources.pods, "orphan", { metadata: { labels: { app: "other" } } }, { namespace: ns, type: "merge" });
    await eventually("the pod is released and replaced", async () => {
      const released = (await client.get(resources.pods, "orphan", { namespace: ns })) as Pod;
      const owned = (await listPods(client, ns, "app=web")).filter((p) => p.metadata.ownerReferences?.length);
      return (released.metadata.ownerReferences ?? []).length === 0 && owned.length === 2;
    });
  });

  it("does not create twice while the pod cache lags behind (expectations)", async () => {
    const gated = gatedClient(server);
    const rsc = startController({ client: gated.client });
    await eventually("informers synced", () => rsc.pods.hasSynced() && rsc.owners.hasSynced());
    gated.holdPodEvents(true);
    await client.create(resources.replicasets, replicaSet("web", ns, 3));
    await eventually("3 pods created", async () => (await listPods(client, ns)).length === 3);
    // The RS is synced again (its status changed) while the pods are still unseen.
    await client.patch(resources.replicasets, "web", { metadata: { labels: { touched: "1" } } }, { namespace: ns, type: "merge" });
    await rsc.reconcile(`${ns}/web`, stop.signal);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await listPods(client, ns)).length, 3, "no second round of creates");
    assert.equal(rsc.expectations.satisfied(`${ns}/web`), false);
    gated.holdPodEvents(false);
    await eventually("expectations met", () => rsc.expectations.satisfied(`${ns}/web`));
    await eventually("status sees 3 replicas", async () => (await getRS(client, ns, "web")).status?.replicas === 3);
    assert.equal((await listPods(client, ns)).length, 3);
  });

  it("reports FailedCreate and the ReplicaFailure condition, trying one pod of a slow-start batch", async () => {
    const gated = gatedClient(server);
    gated.refusePodCreates(403);
    const rsc = startController({ client: gated.client, workers: false });
    await client.create(resources.replicasets, replicaSet("web", ns, 5));
    await eventually("the RS is cached", () => rsc.owners.get(`${ns}/web`) !== undefined);
    await assert.rejects(rsc.reconcile(`${ns}/web`, stop.signal), /exceeded quota/);
    assert.equal(gated.podCreates(), 1, "slow start stops after the first failed batch of one");
    const cond = (await getRS(client, ns, "web")).status?.conditions?.find((c) => c.type === "ReplicaFailure");
    assert.equal(cond?.status, "True");
    assert.equal(cond?.reason, "FailedCreate");
    assert.equal(cond?.message, "pods is forbidden: exceeded quota: test");
    await eventually("a FailedCreate event", async () => (await eventsFor(client, ns, "web")).some((e) => e.reason === "FailedCreate" && e.type === "Warning" && e.message === "Error creating: pods is forbidden: exceeded quota: test"));

    gated.refusePodCreates(0);
    running.push(rsc.start(stop.signal));
    await eventually("the condition clears once creates succeed", async () => {
      const rs = await getRS(client, ns, "web");
      return rs.status?.replicas === 5 && !rs.status.conditions?.some((c) => c.type === "ReplicaFailure");
    }, 20_000);
  });

  it("counts a pod available only after minReadySeconds", async () => {
    startController();
    await withBinder(async () => {
      await client.create(resources.replicasets, replicaSet("slow", ns, 1, { minReadySeconds: 2 }));
      await eventually("ready", async () => (await getRS(client, ns, "slow")).status?.readyReplicas === 1);
      assert.equal((await getRS(client, ns, "slow")).status?.availableReplicas, 0);
      await eventually("available", async () => (await getRS(client, ns, "slow")).status?.availableReplicas === 1, 6000);
    });
  });

  it("runs ReplicationControllers with map selectors the same way", async () => {
    startController({ kind: "ReplicationController" });
    await withBinder(async () => {
      const rc: ReplicationController = {
        apiVersion: "v1",
        kind: "ReplicationController",
        metadata: { name: "legacy", namespace: ns },
        spec: { replicas: 2, selector: { app: "legacy" }, template: { metadata: { labels: { app: "legacy" } }, spec: { containers: container } } },
      };
      await client.create(resources.replicationcontrollers, rc);
      await eventually("2 ready", async () => ((await client.get(resources.replicationcontrollers, "legacy", { namespace: ns })) as ReplicationController).status?.readyReplicas === 2);
    });
    const pods = await listPods(client, ns);
    assert.equal(pods.length, 2);
    assert.equal(pods[0].metadata.ownerReferences?.[0].kind, "ReplicationController");
    assert.equal(pods[0].metadata.ownerReferences?.[0].apiVersion, "v1");
    const rc = (await client.get(resources.replicationcontrollers, "legacy", { namespace: ns })) as ReplicationController;
    assert.equal(rc.status?.fullyLabeledReplicas, 2);
    assert.equal((rc.status as unknown as Record<string, unknown>).terminatingReplicas, undefined);
    await eventually("events from replication-controller", async () => (await eventsFor(client, ns, "legacy")).filter((e) => e.reason === "SuccessfulCreate").length === 2);
  });
});
