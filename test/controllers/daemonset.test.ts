// The DaemonSet controller against the real API server (in-memory store), with fake
// nodes as kubelets and a stand-in binder for the scheduler, as test/e2e/apps/daemon_set.go
// checks: one pod per eligible node, following nodes, labels and taints; RollingUpdate
// within maxUnavailable / maxSurge; OnDelete; ControllerRevisions; status.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, DaemonSet, Node, Pod } from "../../src/api/index.js";
import { FakeClock, Informer, InformerFactory, resource, resources, type Client } from "../../src/client/index.js";
import { DaemonSetController } from "../../src/controllers/daemonset/index.js";
import { startFakeNodes, startTestApiServer, type FakeNodes, type TestApiServer } from "../harness/index.js";
import { startPodBinder, type PodBinder } from "./_bind-pods.js";

const daemonsets = resource<DaemonSet>("apps", "v1", "daemonsets", "DaemonSet", true);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);
const nodesRes = resource<Node>("", "v1", "nodes", "Node", false);
const revisionsRes = resource<ControllerRevision>("apps", "v1", "controllerrevisions", "ControllerRevision", true);

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function daemonSet(name: string, extra: { nodeSelector?: Record<string, string>; image?: string; strategy?: DaemonSet["spec"] extends infer S ? S extends { updateStrategy?: infer U } ? U : never : never; tolerations?: NonNullable<Pod["spec"]>["tolerations"] } = {}): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(extra.strategy ? { updateStrategy: extra.strategy } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: "c", image: extra.image ?? "busybox:1" }],
          ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
          ...(extra.tolerations ? { tolerations: extra.tolerations } : {}),
        },
      },
    },
  };
}

async function daemonPods(client: Client, app: string): Promise<Pod[]> {
  return (await client.list(podsRes, { namespace: "default", labelSelector: `app=${app}` })).items;
}

const live = (pods: Pod[]): Pod[] => pods.filter((p) => !p.metadata.deletionTimestamp);
const nodesOf = (pods: Pod[]): string[] => live(pods).map((p) => p.spec?.nodeName ?? "?").sort();

async function status(client: Client, name: string): Promise<NonNullable<DaemonSet["status"]>> {
  const ds = await client.get(daemonsets, name, { namespace: "default" });
  return ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
}

async function patchNode(client: Client, name: string, patch: unknown): Promise<void> {
  await client.patch(nodesRes, name, patch, { type: "merge" });
}

describe("daemonset controller", () => {
  let server: TestApiServer;
  let client: Client;
  let stop: AbortController;
  let running: Promise<void>;
  let fakeNodes: FakeNodes[];
  let binder: PodBinder;
  let controller: DaemonSetController;

  const addNodes = async (names: string[], labels?: Record<string, string>): Promise<void> => {
    fakeNodes.push(await startFakeNodes({ client, names, labels }));
  };

  beforeEach(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    stop = new AbortController();
    fakeNodes = [];
    binder = await startPodBinder({ client });
    const informers = new InformerFactory({ client });
    controller = new DaemonSetController({ client, informers });
    running = controller.start(stop.signal);
    informers.start(stop.signal);
  });
  afterEach(async () => {
    stop.abort();
    await running;
    await binder.close();
    for (const f of fakeNodes) await f.close();
    await server.close();
  });

  it("runs one Ready pod on every node, aimed there by node affinity, with the daemon tolerations, and reports it", async () => {
    await addNodes(["n1", "n2", "n3"]);
    await client.create(daemonsets, daemonSet("agent"));
    await eventually("3 pods are ready", async () => (await status(client, "agent")).numberReady === 3);
    const pods = await daemonPods(client, "agent");
    assert.deepEqual(nodesOf(pods), ["n1", "n2", "n3"]);
    const pod = pods[0] as Pod;
    assert.match(pod.metadata.name ?? "", /^agent-[a-z0-9]{5}$/);
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(terms, [{ matchFields: [{ key: "metadata.name", operator: "In", values: [pod.spec?.nodeName] }] }]);
    const tolerated = (pod.spec?.tolerations ?? []).map((t) => `${t.key}:${t.effect}`);
    for (const key of ["not-ready:NoExecute", "unreachable:NoExecute", "disk-pressure:NoSchedule", "memory-pressure:NoSchedule", "pid-pressure:NoSchedule", "unschedulable:NoSchedule"]) {
      assert.ok(tolerated.includes(`node.kubernetes.io/${key}`), key);
    }
    assert.ok(!tolerated.includes("node.kubernetes.io/network-unavailable:NoSchedule"), "only host-network pods tolerate network-unavailable");
    const ds = await client.get(daemonsets, "agent", { namespace: "default" });
    assert.deepEqual(pod.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [["DaemonSet", "agent", ds.metadata.uid, true]]);
    assert.equal(pod.metadata.labels?.["pod-template-generation"], "1");

    const revs = (await client.list(revisionsRes, { namespace: "default" })).items;
    assert.equal(revs.length, 1);
    const hash = pod.metadata.labels?.["controller-revision-hash"];
    assert.equal(revs[0]?.metadata.name, `agent-${hash}`);
    assert.equal(revs[0]?.revision, 1);
    assert.equal(revs[0]?.metadata.labels?.["controller-revision-hash"], hash);

    const s = await status(client, "agent");
    assert.deepEqual(
      [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady, s.updatedNumberScheduled, s.numberAvailable, s.numberUnavailable ?? 0, s.numberMisscheduled, s.observedGeneration],
      [3, 3, 3, 3, 3, 0, 0, 1],
    );
    await eventually("SuccessfulCreate events are recorded", async () => {
      const events = (await client.list(resources.events, { namespace: "default" })).items as { reason?: string; message?: string }[];
      return events.filter((e) => e.reason === "SuccessfulCreate" && /^Created pod: agent-/.test(e.message ?? "")).length === 3;
    });
  });

  it("follows nodes joining and leaving", async () => {
    await addNodes(["n1"]);
    await client.create(daemonsets, daemonSet("agent"));
    await eventually("1 pod ready", async () => (await status(client, "agent")).numberReady === 1);
    await addNodes(["n2", "n3"]);
    await eventually("3 pods ready", async () => (await status(client, "agent")).numberReady === 3);
    assert.deepEqual(nodesOf(await daemonPods(client, "agent")), ["n1", "n2", "n3"]);

    await client.delete(nodesRes, "n3");
    await eventually("the status counts 2 nodes", async () => {
      const s = await status(client, "agent");
      return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberReady === 2;
    });
  });

  it("deletes an unscheduled pod aimed at a node that is gone", async () => {
    await binder.close(); // nothing binds: pods stay unscheduled
    await addNodes(["n1", "n2"]);
    await client.create(daemonsets, daemonSet("agent"));
    await eventually("2 pods exist", async () => live(await daemonPods(client, "agent")).length === 2);
    assert.equal((await status(client, "agent")).currentNumberScheduled, 2, "a pod aimed at a node counts as scheduled there");
    await client.delete(nodesRes, "n2");
    await eventually("the pod for n2 is deleted", async () => {
      const pods = live(await daemonPods(client, "agent"));
      return pods.length === 1 && pods[0]?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0] === "n1";
    });
  });

  it("places pods by nodeSelector and follows label changes", async () => {
    await addNodes(["n1", "n2"]);
    await addNodes(["n3"], { disk: "ssd" });
    await client.create(daemonsets, daemonSet("agent", { nodeSelector: { disk: "ssd" } }));
    await eventually("1 pod ready on n3", async () => (await status(client, "agent")).numberReady === 1);
    assert.deepEqual(nodesOf(await daemonPods(client, "agent")), ["n3"]);

    await patchNode(client, "n1", { metadata: { labels: { disk: "ssd" } } });
    await eventually("a pod on n1 too", async () => nodesOf(await daemonPods(client, "agent")).join() === "n1,n3");
    await patchNode(client, "n3", { metadata: { labels: { disk: null } } });
    await eventually("the pod leaves n3", async () => nodesOf(await daemonPods(client, "agent")).join() === "n1");
    await eventually("status has 1 desired", async () => {
      const s = await status(client, "agent");
      return s.desiredNumberScheduled === 1 && s.currentNumberScheduled === 1 && s.numberMisscheduled === 0;
    });
  });

  it("honours required node affinity", async () => {
    await addNodes(["n1"], { zone: "a" });
    await addNodes(["n2"], { zone: "b" });
    const ds = daemonSet("agent");
    ds.spec!.template.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }] } } };
    await client.create(daemonsets, ds);
    await eventually("1 pod ready", async () => (await status(client, "agent")).numberReady === 1);
    assert.deepEqual(nodesOf(await daemonPods(client, "agent")), ["n2"]);
  });

  it("skips tainted nodes it does not tolerate, keeps pods on NoSchedule, evicts on NoExecute", async () => {
    await addNodes(["n1", "n2"]);
    await patchNode(client, "n2", { spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] } });
    await client.create(daemonsets, daemonSet("agent"));
    await eventually("1 pod ready", async () => (await status(client, "agent")).numberReady === 1);
    assert.deepEqual(nodesOf(await daemonPods(client, "agent")), ["n1"]);

    // A NoSchedule taint added later leaves the running pod alone.
    await patchNode(client, "n1", { spec: { taints: [{ key: "maintenance", effect: "NoSchedule" }] } });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(nodesOf(await daemonPods(client, "agent")), ["n1"]);
    const s = await status(client, "agent");
    assert.equal(s.desiredNumberScheduled, 0);
    assert.equal(s.numberMisscheduled, 1);

    // NoExecute: the pod must go.
    await patchNode(client, "n1", { spec: { taints: [{ key: "maintenance", effect: "NoExecute" }] } });
    await eventually("the pod leaves n1", async () => live(await daemonPods(client, "agent")).length === 0);

    // Tolerating the dedicated taint brings a pod to n2.
    await client.patch(daemonsets, "agent", { spec: { template: { spec: { tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("a pod on n2", async () => nodesOf(await daemonPods(client, "agent")).join() === "n2");
  });

  it("tolerates the unschedulable and not-ready taints by default, and network-unavailable only with hostNetwork", async () => {
    await addNodes(["n1", "n2"]);
    await patchNode(client, "n1", { spec: { unschedulable: true, taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }, { key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] } });
    await patchNode(client, "n2", { spec: { taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }] } });
    await client.create(daemonsets, daemonSet("plain"));
    const host = daemonSet("host");
    host.spec!.template.spec!.hostNetwork = true;
    await client.create(daemonsets, host);
    await eventually("plain runs on n1 only", async () => nodesOf(await daemonPods(client, "plain")).join() === "n1");
    await eventually("host runs on both", async () => nodesOf(await daemonPods(client, "host")).join() === "n1,n2");
  });

  it("rolls out a new template never exceeding maxUnavailable, and keeps revisions", async () => {
    await addNodes(["n1", "n2", "n3", "n4"]);
    await client.create(daemonsets, daemonSet("agent", { strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } }));
    await eventually("4 ready", async () => (await status(client, "agent")).numberAvailable === 4);
    const oldHash = (await daemonPods(client, "agent"))[0]?.metadata.labels?.["controller-revision-hash"];

    let worst = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const pods = live(await daemonPods(client, "agent"));
        const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
        worst = Math.max(worst, 4 - ready);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await client.patch(daemonsets, "agent", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("all 4 updated and available", async () => {
      const s = await status(client, "agent");
      return s.observedGeneration === 2 && s.updatedNumberScheduled === 4 && s.numberAvailable === 4 && live(await daemonPods(client, "agent")).length === 4;
    }, 15000);
    watching = false;
    await watcher;
    assert.ok(worst <= 1, `at most 1 pod unavailable at once, saw ${worst}`);
    const pods = live(await daemonPods(client, "agent"));
    const newHash = pods[0]?.metadata.labels?.["controller-revision-hash"];
    assert.notEqual(newHash, oldHash);
    assert.ok(pods.every((p) => p.spec?.containers[0]?.image === "busybox:2" && p.metadata.labels?.["controller-revision-hash"] === newHash));
    const revs = (await client.list(revisionsRes, { namespace: "default" })).items.sort((a, b) => a.revision - b.revision);
    assert.deepEqual(revs.map((r) => [r.metadata.name, r.revision]), [[`agent-${oldHash}`, 1], [`agent-${newHash}`, 2]]);

    // Back to the first template: its revision is reused with the next number.
    await client.patch(daemonsets, "agent", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("revision 1 renumbered to 3", async () => {
      const r = (await client.list(revisionsRes, { namespace: "default" })).items;
      return r.length === 2 && r.find((x) => x.metadata.name === `agent-${oldHash}`)?.revision === 3;
    });
    await eventually("rolled back", async () => {
      const s = await status(client, "agent");
      return s.updatedNumberScheduled === 4 && s.numberAvailable === 4 && live(await daemonPods(client, "agent")).every((p) => p.spec?.containers[0]?.image === "busybox:1");
    }, 15000);
  });

  it("surges with maxSurge: a new pod starts beside the old one before the old one goes", async () => {
    await addNodes(["n1", "n2"]);
    await client.create(daemonsets, daemonSet("agent", { strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
    await eventually("2 ready", async () => (await status(client, "agent")).numberAvailable === 2);
    // Every pod event, in order: the most pods a node had at once, and the fewest nodes with a ready pod.
    let sawTwoOnANode = false;
    let worst = 0;
    const seen = new Informer({ client, resource: podsRes });
    const current = new Map<string, Pod>();
    let synced = false;
    const observe = (): void => {
      if (!synced) return;
      const perNode = new Map<string, number>();
      const readyNodes = new Set<string>();
      for (const p of current.values()) {
        if (p.metadata.deletionTimestamp || p.metadata.labels?.app !== "agent") continue;
        const node = p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0] ?? "";
        perNode.set(node, (perNode.get(node) ?? 0) + 1);
        if (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) readyNodes.add(node);
      }
      if ([...perNode.values()].some((n) => n >= 2)) sawTwoOnANode = true;
      worst = Math.max(worst, 2 - readyNodes.size);
    };
    seen.addHandler({
      add: (p) => (current.set(p.metadata.uid ?? "", p), observe()),
      update: (_, p) => (current.set(p.metadata.uid ?? "", p), observe()),
      delete: (p) => (current.delete(p.metadata.uid ?? ""), observe()),
    });
    const watching = new AbortController();
    const watchDone = seen.start(watching.signal);
    await seen.waitForSync(watching.signal);
    synced = true;
    await client.patch(daemonsets, "agent", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("both updated, one pod per node", async () => {
      const s = await status(client, "agent");
      const pods = live(await daemonPods(client, "agent"));
      return s.observedGeneration === 2 && s.updatedNumberScheduled === 2 && s.numberAvailable === 2 && pods.length === 2 && pods.every((p) => p.spec?.containers[0]?.image === "busybox:2");
    }, 15000);
    watching.abort();
    await watchDone;
    assert.ok(sawTwoOnANode, "a node ran the old and the new pod at once");
    assert.equal(worst, 0, "no node was without a ready daemon pod");
  });

  it("with OnDelete, replaces a pod only when it is deleted", async () => {
    await addNodes(["n1", "n2"]);
    await client.create(daemonsets, daemonSet("agent", { strategy: { type: "OnDelete" } }));
    await eventually("2 ready", async () => (await status(client, "agent")).numberAvailable === 2);
    await client.patch(daemonsets, "agent", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } }, { namespace: "default", type: "strategic" });
    await eventually("the new generation is observed", async () => (await status(client, "agent")).observedGeneration === 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await status(client, "agent")).updatedNumberScheduled, 0);
    const victim = live(await daemonPods(client, "agent")).find((p) => p.spec?.nodeName === "n1") as Pod;
    await client.delete(podsRes, victim.metadata.name ?? "", { namespace: "default" });
    await eventually("n1 runs the new template", async () => {
      const pods = live(await daemonPods(client, "agent"));
      return pods.length === 2 && pods.find((p) => p.spec?.nodeName === "n1")?.spec?.containers[0]?.image === "busybox:2";
    });
    await eventually("1 updated", async () => (await status(client, "agent")).updatedNumberScheduled === 1);
    assert.equal(live(await daemonPods(client, "agent")).find((p) => p.spec?.nodeName === "n2")?.spec?.containers[0]?.image, "busybox:1");
  });

  it("deletes a failed daemon pod with a FailedDaemonPod event and makes a new one", async () => {
    await addNodes(["n1"]);
    await client.create(daemonsets, daemonSet("agent"));
    await eventually("1 ready", async () => (await status(client, "agent")).numberReady === 1);
    const pod = live(await daemonPods(client, "agent"))[0] as Pod;
    await client.patch(podsRes, pod.metadata.name ?? "", { status: { phase: "Failed", conditions: [{ type: "Ready", status: "False" }] } }, { namespace: "default", type: "merge", subresource: "status" });
    await eventually("a new pod is ready", async () => {
      const pods = live(await daemonPods(client, "agent"));
      return pods.length === 1 && pods[0]?.metadata.uid !== pod.metadata.uid && pods[0]?.status?.phase === "Running";
    });
    const events = (await client.list(resources.events, { namespace: "default" })).items as { reason?: string; message?: string }[];
    assert.ok(events.some((e) => e.reason === "FailedDaemonPod" && e.message === `Found failed daemon pod default/${pod.metadata.name} on node n1, will try to kill it`));
    assert.ok(events.some((e) => e.reason === "SuccessfulDelete" && e.message === `Deleted pod: ${pod.metadata.name}`));
  });

  it("adopts a matching orphan pod instead of creating another, and releases a pod whose labels stop matching", async () => {
    // OnDelete: with RollingUpdate the adopted pod (not of the current template) would be replaced at once.
    await addNodes(["n1"]);
    await client.create(podsRes, {
      metadata: { name: "orphan", namespace: "default", labels: { app: "agent" } },
      spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox:1" }] },
    });
    // The controller must have seen the orphan first, or it makes a pod of its own (and then keeps one of the two).
    await eventually("the controller's cache has the orphan", async () => controller.podInformer.get("default/orphan"));
    await client.create(daemonsets, daemonSet("agent", { strategy: { type: "OnDelete" } }));
    await eventually("the orphan is adopted", async () => (await client.get(podsRes, "orphan", { namespace: "default" })).metadata.ownerReferences?.[0]?.kind === "DaemonSet");
    await eventually("status counts it", async () => (await status(client, "agent")).currentNumberScheduled === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(live(await daemonPods(client, "agent")).map((p) => p.metadata.name), ["orphan"]);

    await client.patch(podsRes, "orphan", { metadata: { labels: { app: "other" } } }, { namespace: "default", type: "merge" });
    await eventually("the pod is released", async () => ((await client.get(podsRes, "orphan", { namespace: "default" })).metadata.ownerReferences ?? []).length === 0);
    await eventually("a new daemon pod replaces it", async () => live(await daemonPods(client, "agent")).length === 1);
  });
});

describe("daemonset controller with minReadySeconds (fake clock)", () => {
  it("counts a Ready pod available only after minReadySeconds, and rolls on only then", async () => {
    const server = await startTestApiServer({ store: "memory" });
    const client = server.client;
    const clock = new FakeClock({ now: Date.now() });
    const stop = new AbortController();
    // Nodes without kubelets: the binder runs pods on the fake clock.
    await startFakeNodes({ client, names: ["n1", "n2"] }).then((n) => n.close());
    const binder = await startPodBinder({ client, runOn: clock });
    const running = new DaemonSetController({ client, clock }).start(stop.signal);
    try {
      const ds = daemonSet("agent", { strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } });
      ds.spec!.minReadySeconds = 30;
      await client.create(daemonsets, ds);
      await eventually("2 ready", async () => (await status(client, "agent")).numberReady === 2);
      await new Promise((r) => setTimeout(r, 100));
      let s = await status(client, "agent");
      assert.equal(s.numberAvailable ?? 0, 0);
      assert.equal(s.numberUnavailable, 2);
      await clock.advance(31_000);
      await eventually("2 available", async () => (await status(client, "agent")).numberAvailable === 2);

      // A rolling update replaces one pod, then waits for it to be available before the next.
      await client.patch(daemonsets, "agent", { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:2" }] } } } }, { namespace: "default", type: "strategic" });
      await eventually("one pod updated and ready", async () => {
        const st = await status(client, "agent");
        return st.observedGeneration === 2 && st.updatedNumberScheduled === 1 && st.numberReady === 2;
      });
      await new Promise((r) => setTimeout(r, 200));
      s = await status(client, "agent");
      assert.equal(s.updatedNumberScheduled, 1, "the second pod waits for the first to be available");
      await clock.advance(31_000);
      await eventually("both updated", async () => (await status(client, "agent")).updatedNumberScheduled === 2);
      await clock.advance(31_000);
      await eventually("both available", async () => (await status(client, "agent")).numberAvailable === 2);
    } finally {
      stop.abort();
      await running;
      await binder.close();
      await server.close();
    }
  });
});
