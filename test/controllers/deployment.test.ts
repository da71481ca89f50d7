// The Deployment controller (with the ReplicaSet controller) against the real API server
// (in-memory store), fake nodes as kubelets and a test binder as the scheduler: the
// behaviours of test/e2e/apps/deployment.go and the controller's unit tests.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, Pod, ReplicaSet } from "../../src/api/index.js";
import { FakeClock, Informer, InformerFactory, resource, resources, type Client, type Clock } from "../../src/client/index.js";
import { DeploymentController, equalIgnoreHash } from "../../src/controllers/deployment/index.js";
import { ReplicaSetController } from "../../src/controllers/replicaset/index.js";
import { startFakeNodes, startTestApiServer, type FakeNodes, type TestApiServer } from "../harness/index.js";
import { container, eventsFor, eventually, isReady, listPods, startBinder } from "./_workloads.js";

const nodes = ["node-a", "node-b", "node-c"];
const replicaSetsRes = resource<ReplicaSet>("apps", "v1", "replicasets", "ReplicaSet", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);

function deployment(name: string, namespace: string, spec: Partial<NonNullable<Deployment["spec"]>> & { image?: string } = {}): Deployment {
  const { image = "busybox:1", ...rest } = spec;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ ...container[0], image }] } },
      ...rest,
    },
  };
}

async function getD(client: Client, namespace: string, name: string): Promise<Deployment> {
  return (await client.get(resources.deployments, name, { namespace })) as Deployment;
}

async function listRS(client: Client, namespace: string): Promise<ReplicaSet[]> {
  return ((await client.list(resources.replicasets, { namespace })).items as ReplicaSet[]).sort((a, b) => Number(a.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0) - Number(b.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0));
}

async function setImage(client: Client, namespace: string, name: string, image: string): Promise<void> {
  await client.patch(resources.deployments, name, { spec: { template: { spec: { containers: [{ name: "c", image }] } } } }, { namespace, type: "strategic" });
}

/** kubectl rollout status's test: the latest spec observed and every replica updated and available. */
function rolledOut(d: Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want;
}

async function waitRolledOut(client: Client, namespace: string, name: string, timeoutMs = 15_000): Promise<Deployment> {
  await eventually(`deployment ${name} rolled out`, async () => rolledOut(await getD(client, namespace, name)), timeoutMs);
  return getD(client, namespace, name);
}

/** What `kubectl rollout undo [--to-revision]` does client-side (pkg/polymorphichelpers/rollback.go). */
async function rolloutUndo(client: Client, namespace: string, name: string, toRevision = 0): Promise<void> {
  const d = await getD(client, namespace, name);
  const owned = (await listRS(client, namespace)).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller));
  const rev = (rs: ReplicaSet) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"]);
  let target: ReplicaSet | undefined;
  if (toRevision) target = owned.find((rs) => rev(rs) === toRevision);
  else target = [...owned].sort((a, b) => rev(b) - rev(a))[1];
  assert.ok(target, "a revision to roll back to");
  const template = structuredClone(target.spec!.template!);
  delete template.metadata!.labels!["pod-template-hash"];
  const skip = ["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision", "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"];
  const annotations: Record<string, string> = {};
  for (const k of skip) if (d.metadata.annotations?.[k] !== undefined) annotations[k] = d.metadata.annotations[k];
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!skip.includes(k)) annotations[k] = v;
  await client.patch(
    resources.deployments,
    name,
    [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ],
    { namespace, type: "json" },
  );
}

/** Watches a namespace's ReplicaSets and pods and checks an invariant on every change. */
async function sampler(client: Client, namespace: string, check: (rss: ReplicaSet[], pods: Pod[]) => string | undefined): Promise<{ violations: string[]; samples: number; close(): Promise<void> }> {
  const stop = new AbortController();
  const rss = new Informer<ReplicaSet>({ client, resource: replicaSetsRes, namespace });
  const pods = new Informer<Pod>({ client, resource: podsRes, namespace });
  const state = {
    violations: [] as string[],
    samples: 0,
    async close() {
      stop.abort();
      await Promise.all(running);
    },
  };
  const sample = () => {
    if (!rss.hasSynced() || !pods.hasSynced()) return;
    state.samples++;
    const v = check(rss.list(), pods.list());
    if (v) state.violations.push(v);
  };
  for (const inf of [rss, pods] as Informer<ReplicaSet | Pod>[]) inf.addHandler({ add: sample, update: sample, delete: sample });
  const running = [rss.start(stop.signal), pods.start(stop.signal)];
  await Promise.all([rss.waitForSync(stop.signal), pods.waitForSync(stop.signal)]);
  return state;
}

describe("deployment controller", () => {
  let server: TestApiServer;
  let client: Client;
  let fakeNodes: FakeNodes;
  let binder: { close(): Promise<void> };
  let stop: AbortController;
  let running: Promise<unknown>[];
  let nsCounter = 0;
  let ns: string;
  const unschedulable = new Set<string>();
  const errors: unknown[] = [];

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    fakeNodes = await startFakeNodes({ client, names: nodes });
    binder = await startBinder(client, nodes, { skip: (p) => unschedulable.has(p.metadata.namespace ?? "") });
  });
  after(async () => {
    await binder.close();
    await fakeNodes.close();
    await server.close();
  });
  beforeEach(async () => {
    stop = new AbortController();
    running = [];
    errors.length = 0;
    ns = `deploy-${++nsCounter}`;
    await client.create(resources.namespaces, { metadata: { name: ns } });
  });
  afterEach(async () => {
    stop.abort();
    await Promise.all(running);
  });

  function startControllers(options: { clock?: Clock } = {}): DeploymentController {
    const informers = new InformerFactory({ client });
    const rsc = new ReplicaSetController({ client, informers, onError: (_k, err) => errors.push(err) });
    const dc = new DeploymentController({ client, informers, clock: options.clock, onError: (_k, err) => errors.push(err) });
    running.push(rsc.start(stop.signal), dc.start(stop.signal));
    informers.start(stop.signal);
    return dc;
  }

  it("creates one ReplicaSet per template, labelled with its hash, and reports the rollout complete", async () => {
    startControllers();
    await client.create(resources.deployments, { ...deployment("web", ns), metadata: { name: "web", namespace: ns, annotations: { "kubernetes.io/change-cause": "first" } } });
    const d = await waitRolledOut(client, ns, "web");
    const [rs, ...others] = await listRS(client, ns);
    assert.equal(others.length, 0);
    const hash = rs.metadata.labels?.["pod-template-hash"] ?? "";
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual(rs.spec?.selector, { matchLabels: { app: "web", "pod-template-hash": hash } });
    assert.deepEqual(rs.spec?.template?.metadata?.labels, { app: "web", "pod-template-hash": hash });
    assert.deepEqual(rs.metadata.labels, { app: "web", "pod-template-hash": hash });
    assert.equal(rs.metadata.annotations?.["deployment.kubernetes.io/revision"], "1");
    assert.equal(rs.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"], "3");
    assert.equal(rs.metadata.annotations?.["deployment.kubernetes.io/max-replicas"], "4");
    assert.equal(rs.metadata.annotations?.["kubernetes.io/change-cause"], "first");
    assert.deepEqual(rs.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller, r.blockOwnerDeletion]), [["Deployment", "web", d.metadata.uid, true, true]]);
    assert.equal(d.metadata.annotations?.["deployment.kubernetes.io/revision"], "1");

    await eventually("Progressing is NewReplicaSetAvailable", async () => (await getD(client, ns, "web")).status?.conditions?.some((c) => c.type === "Progressing" && c.reason === "NewReplicaSetAvailable") ?? false);
    const status = (await getD(client, ns, "web")).status!;
    assert.equal(status.replicas, 3);
    assert.equal(status.updatedReplicas, 3);
    assert.equal(status.readyReplicas, 3);
    assert.equal(status.availableReplicas, 3);
    assert.equal(status.unavailableReplicas, undefined);
    const available = status.conditions?.find((c) => c.type === "Available");
    assert.deepEqual([available?.status, available?.reason, available?.message], ["True", "MinimumReplicasAvailable", "Deployment has minimum availability."]);
    const progressing = status.conditions?.find((c) => c.type === "Progressing");
    assert.deepEqual([progressing?.status, progressing?.message], ["True", `ReplicaSet "${rs.metadata.name}" has successfully progressed.`]);
    const pods = await listPods(client, ns);
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata.labels?.["pod-template-hash"] === hash && p.metadata.generateName === `${rs.metadata.name}-`));
    await eventually("the ScalingReplicaSet event", async () => (await eventsFor(client, ns, "web")).some((e) => e.reason === "ScalingReplicaSet" && e.message === `Scaled up replica set ${rs.metadata.name} to 3`));
  });

  for (const c of [
    { replicas: 4, maxSurge: 1, maxUnavailable: 1, surge: 1, unavailable: 1 },
    { replicas: 10, maxSurge: "25%", maxUnavailable: "25%", surge: 3, unavailable: 2 },
    { replicas: 3, maxSurge: 0, maxUnavailable: 1, surge: 0, unavailable: 1 },
    { replicas: 3, maxSurge: "50%", maxUnavailable: 0, surge: 2, unavailable: 0 },
  ]) {
    it(`rolls ${c.replicas} replicas within maxSurge ${c.maxSurge} (+${c.surge}) and maxUnavailable ${c.maxUnavailable} (-${c.unavailable})`, async () => {
      startControllers();
      const spec = { replicas: c.replicas, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: c.maxSurge, maxUnavailable: c.maxUnavailable } } };
      await client.create(resources.deployments, deployment("web", ns, spec));
      await waitRolledOut(client, ns, "web");
      const watch = await sampler(client, ns, (rss, pods) => {
        const total = rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
        if (total > c.replicas + c.surge) return `ReplicaSets want ${total} pods > ${c.replicas} + ${c.surge}`;
        const ready = pods.filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length;
        if (ready < c.replicas - c.unavailable) return `${ready} ready pods < ${c.replicas} - ${c.unavailable}`;
        return undefined;
      });
      await setImage(client, ns, "web", "busybox:2");
      const d = await waitRolledOut(client, ns, "web");
      await eventually("old pods gone", async () => (await listPods(client, ns)).length === c.replicas);
      await watch.close();
      assert.deepEqual(watch.violations, []);
      assert.ok(watch.samples > 5, `sampled the rollout (${watch.samples} samples)`);
      const rss = await listRS(client, ns);
      assert.equal(rss.length, 2);
      assert.deepEqual(rss.map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs.spec?.replicas]), [["1", 0], ["2", c.replicas]]);
      assert.equal(d.metadata.annotations?.["deployment.kubernetes.io/revision"], "2");
      const pods = await listPods(client, ns);
      assert.ok(pods.every((p) => p.spec?.containers[0].image === "busybox:2"));
      const events = (await eventsFor(client, ns, "web")).filter((e) => e.reason === "ScalingReplicaSet").map((e) => e.message);
      assert.ok(events.some((m) => m.startsWith(`Scaled down replica set ${rss[0].metadata.name} to 0 from `)), events.join("\n"));
    });
  }

  it("Recreate scales the old ReplicaSet to zero and waits for its pods before starting new ones", async () => {
    startControllers();
    await client.create(resources.deployments, deployment("web", ns, { replicas: 3, strategy: { type: "Recreate" } }));
    await waitRolledOut(client, ns, "web");
    const [oldRS] = await listRS(client, ns);
    const watch = await sampler(client, ns, (_rss, pods) => {
      const live = pods.filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
      const oldPods = live.filter((p) => p.metadata.labels?.["pod-template-hash"] === oldRS.metadata.labels?.["pod-template-hash"]);
      return oldPods.length > 0 && oldPods.length < live.length ? `old and new pods at once: ${live.map((p) => p.metadata.name).join(", ")}` : undefined;
    });
    await setImage(client, ns, "web", "busybox:2");
    await waitRolledOut(client, ns, "web");
    await watch.close();
    assert.deepEqual(watch.violations, []);
    const rss = await listRS(client, ns);
    assert.deepEqual(rss.map((rs) => rs.spec?.replicas), [0, 3]);
  });

  it("rolls back to the previous template (kubectl rollout undo) with the next revision number", async () => {
    startControllers();
    await client.create(resources.deployments, deployment("web", ns));
    await waitRolledOut(client, ns, "web");
    await setImage(client, ns, "web", "busybox:2");
    await waitRolledOut(client, ns, "web");
    const [first, second] = await listRS(client, ns);

    await rolloutUndo(client, ns, "web");
    let d = await waitRolledOut(client, ns, "web");
    await eventually("revision 3 on the first ReplicaSet", async () => (await listRS(client, ns)).some((rs) => rs.metadata.name === first.metadata.name && rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "3"));
    let rss = await listRS(client, ns);
    assert.equal(rss.length, 2, "no new ReplicaSet: the old one is reused");
    const reused = rss.find((rs) => rs.metadata.name === first.metadata.name)!;
    assert.equal(reused.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "1");
    assert.equal(reused.spec?.replicas, 3);
    assert.equal(rss.find((rs) => rs.metadata.name === second.metadata.name)?.spec?.replicas, 0);
    await eventually("deployment revision 3", async () => (await getD(client, ns, "web")).metadata.annotations?.["deployment.kubernetes.io/revision"] === "3");
    d = await getD(client, ns, "web");
    assert.ok(equalIgnoreHash(d.spec?.template, first.spec?.template));
    assert.ok((await listPods(client, ns)).every((p) => p.spec?.containers[0].image === "busybox:1"));

    // --to-revision=2 brings busybox:2 back as revision 4.
    await rolloutUndo(client, ns, "web", 2);
    await waitRolledOut(client, ns, "web");
    await eventually("revision 4", async () => (await listRS(client, ns)).some((rs) => rs.metadata.name === second.metadata.name && rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "4"));
    rss = await listRS(client, ns);
    assert.equal(rss.find((rs) => rs.metadata.name === second.metadata.name)?.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "2");
  });

  it("does not roll out while paused, and resumes (kubectl rollout pause / resume)", async () => {
    startControllers();
    await client.create(resources.deployments, deployment("web", ns));
    await waitRolledOut(client, ns, "web");
    await client.patch(resources.deployments, "web", { spec: { paused: true } }, { namespace: ns, type: "merge" });
    await eventually("Progressing is DeploymentPaused", async () => {
      const c = (await getD(client, ns, "web")).status?.conditions?.find((x) => x.type === "Progressing");
      return c?.status === "Unknown" && c.reason === "DeploymentPaused" && c.message === "Deployment is paused";
    });
    await setImage(client, ns, "web", "busybox:2");
    await eventually("the new generation is observed", async () => {
      const d = await getD(client, ns, "web");
      return (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await listRS(client, ns)).length, 1, "no new ReplicaSet while paused");
    // Scaling still works while paused.
    await client.patch(resources.deployments, "web", { spec: { replicas: 4 } }, { namespace: ns, type: "merge" });
    await eventually("scaled to 4 while paused", async () => (await listRS(client, ns))[0].spec?.replicas === 4);

    await client.patch(resources.deployments, "web", { spec: { paused: false } }, { namespace: ns, type: "merge" });
    await waitRolledOut(client, ns, "web");
    const rss = await listRS(client, ns);
    assert.deepEqual(rss.map((rs) => rs.spec?.replicas), [0, 4]);
    await eventually("Progressing is NewReplicaSetAvailable", async () => (await getD(client, ns, "web")).status?.conditions?.some((c) => c.type === "Progressing" && c.reason === "NewReplicaSetAvailable") ?? false);
  });

  it("a restart annotation on the template rolls every pod (kubectl rollout restart)", async () => {
    startControllers();
    await client.create(resources.deployments, deployment("web", ns, { replicas: 2 }));
    await waitRolledOut(client, ns, "web");
    const before = (await listPods(client, ns)).map((p) => p.metadata.name);
    await client.patch(resources.deployments, "web", { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" } } } } }, { namespace: ns, type: "strategic" });
    await waitRolledOut(client, ns, "web");
    await eventually("every pod replaced", async () => {
      const pods = await listPods(client, ns);
      return pods.length === 2 && pods.every((p) => !before.includes(p.metadata.name));
    });
  });

  it("keeps revisionHistoryLimit old ReplicaSets", async () => {
    startControllers();
    await client.create(resources.deployments, deployment("web", ns, { replicas: 1, revisionHistoryLimit: 1 }));
    await waitRolledOut(client, ns, "web");
    for (const image of ["busybox:2", "busybox:3", "busybox:4"]) {
      await setImage(client, ns, "web", image);
      await waitRolledOut(client, ns, "web");
    }
    await eventually("two ReplicaSets left", async () => (await listRS(client, ns)).length === 2);
    const rss = await listRS(client, ns);
    assert.deepEqual(rss.map((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"]), ["3", "4"]);
  });

  it("scales every active ReplicaSet proportionally when replicas change mid-rollout", async () => {
    startControllers();
    await client.create(resources.deployments, deployment("web", ns, { replicas: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await waitRolledOut(client, ns, "web");
    // A rollout whose pods never schedule: it stops at 8 old + 5 new (13 = 10 + 3 surge).
    unschedulable.add(ns);
    try {
      await setImage(client, ns, "web", "busybox:2");
      await eventually("two active ReplicaSets (8 old + 5 new)", async () => {
        const rss = await listRS(client, ns);
        return rss.length === 2 && rss[0].spec?.replicas === 8 && rss[1].spec?.replicas === 5;
      });
      await client.patch(resources.deployments, "web", { spec: { replicas: 20 } }, { namespace: ns, type: "merge" });
      // Allowed 20 + 3 = 23, so +10 spread by each set's share of its max-replicas (13): 8→14, 5→9.
      await eventually("proportional scale-up", async () => {
        const rss = await listRS(client, ns);
        return rss[0].spec?.replicas === 14 && rss[1].spec?.replicas === 9;
      });
      const rss = await listRS(client, ns);
      assert.deepEqual(rss.map((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/max-replicas"]), ["23", "23"]);
    } finally {
      unschedulable.delete(ns);
    }
  });

  it("reports ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds", async () => {
    const clock = new FakeClock({ now: Date.now() });
    const ticker = setInterval(() => clock.step(20), 20);
    try {
      startControllers({ clock });
      unschedulable.add(ns);
      await client.create(resources.deployments, deployment("stuck", ns, { replicas: 2, progressDeadlineSeconds: 30 }));
      // NewReplicaSetCreated, then ReplicaSetUpdated once its 2 (never scheduled) pods exist.
      await eventually("Progressing is ReplicaSetUpdated with 2 pods", async () => {
        const d = await getD(client, ns, "stuck");
        return d.status?.replicas === 2 && (d.status.conditions?.some((c) => c.type === "Progressing" && c.status === "True" && c.reason === "ReplicaSetUpdated") ?? false);
      });
      const d = await getD(client, ns, "stuck");
      assert.deepEqual(d.status?.conditions?.find((c) => c.type === "Available")?.reason, "MinimumReplicasUnavailable");
      clock.step(31_000);
      await eventually("Progressing is ProgressDeadlineExceeded", async () => {
        const c = (await getD(client, ns, "stuck")).status?.conditions?.find((x) => x.type === "Progressing");
        return c?.status === "False" && c.reason === "ProgressDeadlineExceeded";
      });
      const c = (await getD(client, ns, "stuck")).status?.conditions?.find((x) => x.type === "Progressing");
      assert.match(c?.message ?? "", /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    } finally {
      clearInterval(ticker);
      unschedulable.delete(ns);
    }
  });

  it("adopts a matching orphan ReplicaSet", async () => {
    startControllers();
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: container } };
    await client.create(resources.replicasets, { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "orphan", namespace: ns, labels: { app: "web" } }, spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template } });
    await client.create(resources.deployments, deployment("web", ns, { replicas: 1 }));
    await waitRolledOut(client, ns, "web");
    const d = await getD(client, ns, "web");
    const orphan = (await client.get(resources.replicasets, "orphan", { namespace: ns })) as ReplicaSet;
    assert.equal(orphan.metadata.ownerReferences?.[0]?.uid, d.metadata.uid);
  });
});
