// The StatefulSet controller against the real API server (in-memory store), with fake
// nodes as kubelets and a stand-in binder for the scheduler, as test/e2e/apps/statefulset.go
// checks: stable names and identity, OrderedReady and Parallel, scale-down in reverse,
// RollingUpdate with partition, OnDelete, revisions and status.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, Pod, StatefulSet } from "../../src/api/index.js";
import { FakeClock, Informer, InformerFactory, resource, resources, type Client } from "../../src/client/index.js";
import { StatefulSetController } from "../../src/controllers/statefulset/index.js";
import { startFakeNodes, startTestApiServer, type FakeNodes, type TestApiServer } from "../harness/index.js";
import { startPodBinder, type PodBinder } from "./_bind-pods.js";

const statefulsets = resource<StatefulSet>("apps", "v1", "statefulsets", "StatefulSet", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);
const revisionsRes = resource<ControllerRevision>("apps", "v1", "controllerrevisions", "ControllerRevision", true);

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function statefulSet(name: string, replicas: number, extra: Partial<NonNullable<StatefulSet["spec"]>> = {}): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      serviceName: `${name}-svc`,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox:1" }] } },
      ...extra,
    },
  };
}

const isReady = (p: Pod): boolean => p.status?.phase === "Running" && !!p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");

async function setPods(client: Client, app: string): Promise<Pod[]> {
  const items = (await client.list(podsRes, { namespace: "default", labelSelector: `app=${app}` })).items;
  return items.filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "", "en", { numeric: true }));
}

async function getSet(client: Client, name: string): Promise<StatefulSet> {
  return client.get(statefulsets, name, { namespace: "default" });
}

/** Records every pod event of `app`, in order, as "ADDED web-0" / "READY web-0" / "DELETED web-0". */
async function recordPods(client: Client, app: string): Promise<{ log: string[]; stop(): Promise<void> }> {
  const log: string[] = [];
  const inf = new Informer({ client, resource: podsRes });
  const ready = new Set<string>();
  inf.addHandler({
    add: (p) => {
      if (p.metadata.labels?.app === app) log.push(`ADDED ${p.metadata.name}`);
    },
    update: (_, p) => {
      if (p.metadata.labels?.app !== app) return;
      if (isReady(p) && !ready.has(p.metadata.uid ?? "")) {
        ready.add(p.metadata.uid ?? "");
        log.push(`READY ${p.metadata.name}`);
      }
    },
    delete: (p) => {
      if (p.metadata.labels?.app === app) log.push(`DELETED ${p.metadata.name}`);
    },
  });
  const stop = new AbortController();
  const done = inf.start(stop.signal);
  await inf.waitForSync(stop.signal);
  return {
    log,
    async stop() {
      stop.abort();
      await done;
    },
  };
}

describe("statefulset controller", () => {
  let server: TestApiServer;
  let client: Client;
  let stop: AbortController;
  let running: Promise<void>;
  let nodes: FakeNodes;
  let binder: PodBinder;

  beforeEach(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    stop = new AbortController();
    nodes = await startFakeNodes({ client, names: ["n1", "n2"] });
    binder = await startPodBinder({ client, nodes: () => ["n1", "n2"] });
    const informers = new InformerFactory({ client });
    running = new StatefulSetController({ client, informers }).start(stop.signal);
    informers.start(stop.signal);
  });
  afterEach(async () => {
    stop.abort();
    await running;
    await binder.close();
    await nodes.close();
    await server.close();
  });

  it("creates web-0..2 one at a time, each Ready before the next, with stable identity", async () => {
    const rec = await recordPods(client, "web");
    await client.create(statefulsets, statefulSet("web", 3));
    await eventually("3 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 3);
    await rec.stop();
    const order = rec.log.filter((l) => l.startsWith("ADDED") || l.startsWith("READY"));
    assert.deepEqual(order, ["ADDED web-0", "READY web-0", "ADDED web-1", "READY web-1", "ADDED web-2", "READY web-2"]);

    const pods = await setPods(client, "web");
    const set = await getSet(client, "web");
    for (const [i, p] of pods.entries()) {
      assert.equal(p.metadata.name, `web-${i}`);
      assert.equal(p.metadata.labels?.["statefulset.kubernetes.io/pod-name"], `web-${i}`);
      assert.equal(p.metadata.labels?.["apps.kubernetes.io/pod-index"], String(i));
      assert.equal(p.metadata.labels?.["controller-revision-hash"], set.status?.updateRevision);
      assert.equal(p.spec?.hostname, `web-${i}`);
      assert.equal(p.spec?.subdomain, "web-svc");
      assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [["StatefulSet", "web", true]]);
    }
    const s = set.status;
    assert.deepEqual(
      [s?.replicas, s?.readyReplicas, s?.availableReplicas, s?.currentReplicas, s?.updatedReplicas, s?.observedGeneration, s?.collisionCount],
      [3, 3, 3, 3, 3, 1, 0],
    );
    assert.equal(s?.currentRevision, s?.updateRevision);
    assert.match(s?.currentRevision ?? "", /^web-[a-z0-9]+$/);
    const revs = (await client.list(revisionsRes, { namespace: "default" })).items;
    assert.deepEqual(revs.map((r) => [r.metadata.name, r.revision]), [[s?.currentRevision, 1]]);
    const events = (await client.list(resources.events, { namespace: "default" })).items as { reason?: string; message?: string }[];
    assert.ok(events.some((e) => e.reason === "SuccessfulCreate" && e.message === "create Pod web-0 in StatefulSet web successful"));
  });

  it("waits for a pod that is not Ready before creating the next", async () => {
    await nodes.close();
    // n1 never makes pods ready: no fake kubelet behind it.
    await client.create(statefulsets, statefulSet("web", 3));
    await eventually("web-0 exists", async () => (await setPods(client, "web")).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await setPods(client, "web")).map((p) => p.metadata.name), ["web-0"]);
    nodes = await startFakeNodes({ client, names: ["n1", "n2"] });
    await eventually("3 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 3);
  });

  it("scales down from the highest ordinal, one at a time", async () => {
    await client.create(statefulsets, statefulSet("web", 4));
    await eventually("4 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 4);
    const rec = await recordPods(client, "web");
    await client.patch(statefulsets, "web", { spec: { replicas: 1 } }, { namespace: "default", type: "merge" });
    await eventually("1 left", async () => (await getSet(client, "web")).status?.replicas === 1 && (await setPods(client, "web")).length === 1);
    await rec.stop();
    assert.deepEqual(rec.log.filter((l) => l.startsWith("DELETED")), ["DELETED web-3", "DELETED web-2", "DELETED web-1"]);
    assert.deepEqual((await setPods(client, "web")).map((p) => p.metadata.name), ["web-0"]);
  });

  it("halts scaling up and down while a pod is unhealthy (OrderedReady)", async () => {
    await client.create(statefulsets, statefulSet("web", 1));
    await eventually("1 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 1);
    const setReady = async (name: string, ready: boolean): Promise<void> => {
      const pod = await client.get(podsRes, name, { namespace: "default" });
      const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === "Ready" ? { ...c, status: ready ? "True" : "False" } : c));
      await client.updateStatus(podsRes, { ...pod, status: { ...pod.status, conditions } });
    };
    await setReady("web-0", false);
    await client.patch(statefulsets, "web", { spec: { replicas: 3 } }, { namespace: "default", type: "merge" });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await setPods(client, "web")).map((p) => p.metadata.name), ["web-0"]);
    await setReady("web-0", true);
    await eventually("3 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 3);

    await setReady("web-0", false);
    await client.patch(statefulsets, "web", { spec: { replicas: 1 } }, { namespace: "default", type: "merge" });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await setPods(client, "web")).length, 3, "no pod is removed while web-0 is unhealthy");
    await setReady("web-0", true);
    await eventually("1 left", async () => (await setPods(client, "web")).length === 1);
  });

  it("with Parallel creates all pods at once", async () => {
    await nodes.close();
    await client.create(statefulsets, statefulSet("par", 3, { podManagementPolicy: "Parallel" }));
    await eventually("3 pods exist without any being ready", async () => (await setPods(client, "par")).length === 3);
    nodes = await startFakeNodes({ client, names: ["n1", "n2"] });
    await eventually("3 ready", async () => (await getSet(client, "par")).status?.readyReplicas === 3);
    await client.patch(statefulsets, "par", { spec: { replicas: 0 } }, { namespace: "default", type: "merge" });
    await eventually("all gone", async () => (await setPods(client, "par")).length === 0);
  });

  it("rolls a new template from the highest ordinal down, stopping at the partition", async () => {
    await client.create(statefulsets, statefulSet("web", 3, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } }));
    await eventually("3 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 3);
    const first = (await getSet(client, "web")).status?.currentRevision;
    const rec = await recordPods(client, "web");
    await client.patch(statefulsets, "web", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("2 updated", async () => {
      const s = (await getSet(client, "web")).status;
      return s?.updatedReplicas === 2 && s.readyReplicas === 3 && s.observedGeneration === 2;
    });
    await new Promise((r) => setTimeout(r, 200));
    const images = (await setPods(client, "web")).map((p) => p.spec?.containers[0]?.image);
    assert.deepEqual(images, ["busybox:1", "busybox:2", "busybox:2"]);
    const s = (await getSet(client, "web")).status;
    assert.equal(s?.currentRevision, first, "the current revision stays while the partition holds pods back");
    assert.notEqual(s?.updateRevision, first);
    assert.equal(s?.currentReplicas, 1);

    await client.patch(statefulsets, "web", { spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } } } }, { namespace: "default", type: "merge" });
    await eventually("the update completes", async () => {
      const st = (await getSet(client, "web")).status;
      return st?.currentRevision === st?.updateRevision && st?.updatedReplicas === 3 && st.currentReplicas === 3 && st.readyReplicas === 3;
    });
    await rec.stop();
    assert.deepEqual(rec.log.filter((l) => l.startsWith("DELETED")), ["DELETED web-2", "DELETED web-1", "DELETED web-0"]);
    const revs = (await client.list(revisionsRes, { namespace: "default" })).items.sort((a, b) => a.revision - b.revision);
    assert.deepEqual(revs.map((r) => r.revision), [1, 2]);
  });

  it("with OnDelete updates a pod only when it is deleted", async () => {
    await client.create(statefulsets, statefulSet("web", 2, { updateStrategy: { type: "OnDelete" } }));
    await eventually("2 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 2);
    await client.patch(statefulsets, "web", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("observed", async () => (await getSet(client, "web")).status?.observedGeneration === 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual((await setPods(client, "web")).map((p) => p.spec?.containers[0]?.image), ["busybox:1", "busybox:1"]);
    await client.delete(podsRes, "web-0", { namespace: "default" });
    await eventually("web-0 is new", async () => (await setPods(client, "web")).map((p) => p.spec?.containers[0]?.image).join() === "busybox:2,busybox:1");
    await eventually("1 updated", async () => (await getSet(client, "web")).status?.updatedReplicas === 1);
  });

  it("recreates a failed pod under the same name", async () => {
    await client.create(statefulsets, statefulSet("web", 1));
    await eventually("1 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 1);
    const old = (await setPods(client, "web"))[0] as Pod;
    await client.patch(podsRes, "web-0", { status: { phase: "Failed" } }, { namespace: "default", type: "merge", subresource: "status" });
    await eventually("a new web-0 is ready", async () => {
      const p = (await setPods(client, "web"))[0];
      return p && p.metadata.uid !== old.metadata.uid && isReady(p);
    });
  });

  it("sets claim volumes from volumeClaimTemplates and skips claims the server does not serve", async () => {
    await client.create(
      statefulsets,
      statefulSet("db", 1, { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }] }),
    );
    await eventually("1 ready", async () => (await getSet(client, "db")).status?.readyReplicas === 1);
    const pod = (await setPods(client, "db"))[0] as Pod;
    assert.deepEqual(pod.spec?.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim, { claimName: "data-db-0" });
  });
});

describe("statefulset controller with persistentvolumeclaims served", () => {
  it("creates each pod's claims before the pod, once, with the selector's labels", async () => {
    const server = await startTestApiServer({ store: "memory" });
    const client = server.client;
    const stop = new AbortController();
    const nodes = await startFakeNodes({ client, names: ["n1"] });
    const binder = await startPodBinder({ client, nodes: () => ["n1"] });
    const running = new StatefulSetController({ client }).start(stop.signal);
    try {
      await client.create(
        statefulsets,
        statefulSet("db", 2, { volumeClaimTemplates: [{ metadata: { name: "data", labels: { tier: "storage" } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }] }),
      );
      await eventually("2 ready", async () => (await getSet(client, "db")).status?.readyReplicas === 2);
      const pvcs = resource("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true);
      const list = (await client.list(pvcs, { namespace: "default" })).items;
      assert.deepEqual(list.map((c) => c.metadata.name).sort(), ["data-db-0", "data-db-1"]);
      assert.deepEqual(list[0]?.metadata.labels, { tier: "storage", app: "db" });
      assert.equal(list[0]?.metadata.ownerReferences, undefined, "whenDeleted Retain: no owner");
      const events = (await client.list(resources.events, { namespace: "default" })).items as { reason?: string; message?: string }[];
      assert.ok(events.some((e) => e.reason === "SuccessfulCreate" && e.message === "create Claim data-db-0 Pod db-0 in StatefulSet db success"));
    } finally {
      stop.abort();
      await running;
      await binder.close();
      await nodes.close();
      await server.close();
    }
  });
});

describe("statefulset controller with minReadySeconds (fake clock)", () => {
  it("creates the next pod only once the previous one has been Ready for minReadySeconds", async () => {
    const server = await startTestApiServer({ store: "memory" });
    const client = server.client;
    const clock = new FakeClock({ now: Date.now() });
    const stop = new AbortController();
    const binder = await startPodBinder({ client, nodes: () => ["n1"], runOn: clock });
    const running = new StatefulSetController({ client, clock }).start(stop.signal);
    try {
      await client.create(statefulsets, statefulSet("web", 2, { minReadySeconds: 20 }));
      await eventually("web-0 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual((await setPods(client, "web")).map((p) => p.metadata.name), ["web-0"]);
      assert.equal((await getSet(client, "web")).status?.availableReplicas, 0);
      await clock.advance(21_000);
      await eventually("web-1 ready", async () => (await getSet(client, "web")).status?.readyReplicas === 2);
      assert.equal((await getSet(client, "web")).status?.availableReplicas, 1);
      await clock.advance(21_000);
      await eventually("2 available", async () => (await getSet(client, "web")).status?.availableReplicas === 2);
    } finally {
      stop.abort();
      await running;
      await binder.close();
      await server.close();
    }
  });
});
