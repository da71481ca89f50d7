// The node lifecycle and taint-eviction controllers against the real API server
// (in-memory store) on a FakeClock, as test/e2e/node/taints.go and
// test/e2e/apps/nodelifecycle checks: a silent node turns Unknown, gets the unreachable
// taints, its pods turn unready and are evicted as their tolerations say.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, Node, Pod } from "../../src/api/index.js";
import { EventRecorder, FakeClock, InformerFactory, resources, type Client } from "../../src/client/index.js";
import { NodeLifecycleController, TaintEvictionController, matchingTolerations, minTolerationMs } from "../../src/controllers/nodelifecycle/index.js";
import { defaultTolerationSecondsAdmission } from "../../src/apiserver/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNode, createPod, eventually, setPodRunning } from "./_controller-helpers.js";

const ns = "default";
const grace = 40_000;
const unreachable = (seconds?: number): Record<string, unknown> => ({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });

describe("node lifecycle and taint eviction", () => {
  let server: TestApiServer;
  let client: Client;
  const clock = new FakeClock();
  const stop = new AbortController();
  const running: Promise<void>[] = [];
  const live = new Set(["n1", "n2", "n3"]);
  let taintedAt = 0;

  const renew = async (name: string): Promise<void> => {
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(clock.now()).toISOString().replace(/Z$/, "000Z") };
    try {
      await client.patch(resources.leases, name, { spec }, { namespace: "kube-node-lease", type: "merge" });
    } catch {
      await client.create(resources.leases, { metadata: { name, namespace: "kube-node-lease" }, spec });
    }
  };
  /** Moves the clock in 5 s steps; live nodes renew their Leases at each. */
  const tick = async (ms: number): Promise<void> => {
    for (let done = 0; done < ms; done += 5000) {
      for (const n of live) await renew(n);
      await new Promise((r) => setTimeout(r, 30));
      await clock.advance(Math.min(5000, ms - done));
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const node = async (name: string): Promise<Node> => (await client.get(resources.nodes, name)) as Node;
  const pod = async (name: string): Promise<Pod> => (await client.get(resources.pods, name, { namespace: ns })) as Pod;

  before(async () => {
    // The "default" pod's 300 s tolerations come from the DefaultTolerationSeconds admission plugin.
    server = await startTestApiServer({ store: "memory", admission: [defaultTolerationSecondsAdmission()] });
    client = server.client;
    for (const n of live) {
      await createNode(client, n);
      await renew(n);
    }
    const specs: Array<[string, string, Record<string, unknown>[] | undefined]> = [
      ["forever", "n1", [unreachable()]],
      ["short", "n1", [unreachable(30)]],
      ["zero", "n1", [unreachable(0)]],
      ["default", "n1", undefined],
      ["safe", "n2", undefined],
    ];
    for (const [name, nodeName, tolerations] of specs) {
      const p = await createPod(client, ns, name, { nodeName, tolerations });
      await setPodRunning(client, p, `10.244.0.${specs.findIndex((s) => s[0] === name) + 2}`, true);
    }
    const informers = new InformerFactory({ client, clock });
    const events = (component: string) => new EventRecorder({ client, component, clock });
    running.push(new NodeLifecycleController({ client, informers, clock, events: events("node-controller"), nodeMonitorGracePeriodMs: grace, nodeMonitorPeriodMs: 5000 }).start(stop.signal));
    running.push(new TaintEvictionController({ client, informers, clock, events: events("taint-eviction-controller") }).start(stop.signal));
    informers.start(stop.signal);
    await informers.waitForSync(stop.signal);
  });
  after(async () => {
    stop.abort();
    await Promise.all(running);
    await server.close();
  });

  it("leaves nodes that renew their Leases alone", async () => {
    await tick(30_000);
    for (const n of ["n1", "n2", "n3"]) {
      const got = await node(n);
      assert.equal(got.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
      assert.deepEqual(got.spec?.taints ?? [], []);
    }
  });

  it("turns a silent node Ready=Unknown after the grace period and taints it unreachable", async () => {
    live.delete("n1");
    await tick(grace - 5000);
    assert.equal((await node("n1")).status?.conditions?.find((c) => c.type === "Ready")?.status, "True", "not before the grace period");
    await tick(10_000);
    await eventually("n1 is tainted", async () => ((await node("n1")).spec?.taints ?? []).length === 2);
    taintedAt = clock.now();
    const n1 = await node("n1");
    const ready = n1.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "Unknown");
    assert.equal(ready?.reason, "NodeStatusUnknown");
    assert.equal(ready?.message, "Kubelet stopped posting node status.");
    const taints = (n1.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
    assert.deepEqual(taints, ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    assert.ok(n1.spec?.taints?.every((t) => t.timeAdded));
    for (const n of ["n2", "n3"]) assert.deepEqual((await node(n)).spec?.taints ?? [], [], `${n} stays untainted`);
  });

  it("marks the node's pods not ready and records NodeNotReady", async () => {
    await eventually("pods unready", async () => (await pod("forever")).status?.conditions?.find((c) => c.type === "Ready")?.status === "False");
    assert.equal((await pod("safe")).status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    await eventually("NodeNotReady events", async () => {
      const events = (await client.list(resources.events, { namespace: ns })).items as KubeObject[];
      return events.some((e) => e.reason === "NodeNotReady" && (e.involvedObject as { kind?: string }).kind === "Node") && events.some((e) => e.reason === "NodeNotReady" && (e.involvedObject as { name?: string }).name === "forever");
    });
  });

  it("evicts a pod with tolerationSeconds 0 at once, with DisruptionTarget and a TaintManagerEviction event", async () => {
    await eventually("zero is terminating", async () => !!(await pod("zero")).metadata.deletionTimestamp);
    const zero = await pod("zero");
    assert.equal(zero.status?.conditions?.find((c) => c.type === "DisruptionTarget")?.reason, "DeletionByTaintManager");
    await eventually("event", async () =>
      ((await client.list(resources.events, { namespace: ns })).items as KubeObject[]).some((e) => e.reason === "TaintManagerEviction" && e.message === "Marking for deletion Pod default/zero"),
    );
  });

  it("evicts a pod with tolerationSeconds 30 only when they run out", async () => {
    await tick(25_000 - (clock.now() - taintedAt));
    assert.equal((await pod("short")).metadata.deletionTimestamp, undefined, "still tolerated");
    await tick(10_000);
    await eventually("short is terminating", async () => !!(await pod("short")).metadata.deletionTimestamp);
    assert.equal((await pod("forever")).metadata.deletionTimestamp, undefined, "a toleration without seconds tolerates forever");
    assert.equal((await pod("default")).metadata.deletionTimestamp, undefined, "the 300 s default toleration has not run out");
    assert.equal((await pod("safe")).metadata.deletionTimestamp, undefined);
  });

  it("evicts at once a pod that does not tolerate a NoExecute taint", async () => {
    const p = await createPod(client, ns, "intolerant", { nodeName: "n3" });
    const n3 = await node("n3");
    await client.update(resources.nodes, { ...n3, spec: { ...n3.spec, taints: [{ key: "dedicated", value: "infra", effect: "NoExecute" }] } });
    await eventually("intolerant is terminating", async () => !!(await pod("intolerant")).metadata.deletionTimestamp);
    assert.equal(p.metadata.deletionTimestamp, undefined);
  });

  it("removes the taints when the node's Lease is renewed again", async () => {
    live.add("n1");
    await tick(10_000);
    await eventually("n1 untainted", async () => ((await node("n1")).spec?.taints ?? []).length === 0);
    await tick(300_000);
    assert.equal((await pod("default")).metadata.deletionTimestamp, undefined, "the countdown was cancelled");
  });
});

describe("node lifecycle when every node is silent", () => {
  it("marks them Unknown but keeps no NoExecute taints (the control plane is more likely cut off)", async () => {
    const server = await startTestApiServer({ store: "memory" });
    const client = server.client;
    const clock = new FakeClock();
    const stop = new AbortController();
    try {
      for (const n of ["m1", "m2"]) await createNode(client, n);
      const informers = new InformerFactory({ client, clock });
      const running = new NodeLifecycleController({ client, informers, clock, nodeMonitorGracePeriodMs: 10_000, nodeMonitorPeriodMs: 2000 }).start(stop.signal);
      informers.start(stop.signal);
      await informers.waitForSync(stop.signal);
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 30));
        await clock.advance(2000);
      }
      const get = async (n: string): Promise<Node> => (await client.get(resources.nodes, n)) as Node;
      await eventually("both Unknown and NoSchedule-tainted", async () => {
        for (const n of ["m1", "m2"]) {
          const got = await get(n);
          if (got.status?.conditions?.find((c) => c.type === "Ready")?.status !== "Unknown") return false;
          if (!(got.spec?.taints ?? []).some((t) => t.effect === "NoSchedule")) return false;
        }
        return true;
      });
      for (const n of ["m1", "m2"]) assert.ok(!((await get(n)).spec?.taints ?? []).some((t) => t.effect === "NoExecute"), `${n} has no NoExecute taint`);
      stop.abort();
      await running;
    } finally {
      stop.abort();
      await server.close();
    }
  });
});

describe("taint toleration helpers", () => {
  it("matches as Toleration.ToleratesTaint and takes the shortest tolerationSeconds", () => {
    const taints = [
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
      { key: "dedicated", value: "a", effect: "NoExecute" },
    ];
    assert.equal(matchingTolerations(taints, [{ key: "node.kubernetes.io/unreachable", operator: "Exists" }]).allTolerated, false);
    const ok = matchingTolerations(taints, [
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
      { key: "dedicated", operator: "Equal", value: "a", tolerationSeconds: 20 },
    ]);
    assert.equal(ok.allTolerated, true);
    assert.equal(minTolerationMs(ok.used), 20_000);
    assert.equal(minTolerationMs(matchingTolerations(taints, [{ operator: "Exists" }]).used), -1, "an empty key with Exists tolerates everything, forever");
    assert.equal(matchingTolerations(taints, [{ key: "dedicated", operator: "Equal", value: "b" }, { key: "node.kubernetes.io/unreachable", operator: "Exists" }]).allTolerated, false);
  });
});
