// The scheduler against the real API server (in-memory store): three nodes of different
// sizes, labels and taints; pods land where upstream's default plugins put them, an
// impossible pod is explained in its PodScheduled condition and a FailedScheduling
// event, and a high-priority pod preempts a low-priority one.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CoreV1Event, Node, Pod, Taint, Toleration } from "../../src/api/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { Scheduler } from "../../src/scheduler/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function node(name: string, cpu: string, labels: Record<string, string>, taints?: Taint[]): Node {
  const capacity = { cpu, memory: "8Gi", pods: "110" };
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } }, spec: { taints }, status: { capacity, allocatable: capacity } };
}

function pod(name: string, o: { cpu?: string; nodeSelector?: Record<string, string>; priority?: number; tolerations?: Toleration[] } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      containers: [{ name: "c", image: "busybox", resources: o.cpu ? { requests: { cpu: o.cpu } } : undefined }],
      nodeSelector: o.nodeSelector,
      priority: o.priority,
      tolerations: o.tolerations,
      terminationGracePeriodSeconds: 30,
    },
  };
}

async function boundNode(client: Client, name: string): Promise<string> {
  return eventually(`${name} is bound`, async () => ((await client.get(resources.pods, name, { namespace: "default" })) as Pod).spec?.nodeName);
}

async function eventsFor(client: Client, name: string): Promise<CoreV1Event[]> {
  const list = await client.list(resources.events, { namespace: "default" });
  return (list.items as CoreV1Event[]).filter((e) => e.involvedObject?.name === name);
}

describe("scheduler against the API server", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;
  const errors: unknown[] = [];

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    await client.create(resources.nodes, node("small", "1", { disk: "hdd" }));
    await client.create(resources.nodes, node("big", "8", { disk: "ssd" }));
    await client.create(resources.nodes, node("control", "4", { disk: "ssd", "node-role.kubernetes.io/control-plane": "" }, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]));
    const scheduler = new Scheduler({ client, queue: { initialBackoffMs: 50, maxBackoffMs: 200 }, onError: (key, err) => errors.push([key, err]) });
    running = scheduler.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    assert.deepEqual(errors, []);
    await server.close();
  });

  it("binds pods by selector, resources and taints, and records Scheduled", async () => {
    await client.create(resources.pods, pod("ssd", { nodeSelector: { disk: "ssd" } }));
    await client.create(resources.pods, pod("hungry", { cpu: "2" }));
    await client.create(resources.pods, pod("on-control", { nodeSelector: { "node-role.kubernetes.io/control-plane": "" }, tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] }));
    assert.equal(await boundNode(client, "ssd"), "big"); // "control" has the label too, but an untolerated taint
    assert.equal(await boundNode(client, "hungry"), "big"); // 2 cpus: "small" has 1, "control" is tainted
    assert.equal(await boundNode(client, "on-control"), "control");
    const p = await client.get(resources.pods, "ssd", { namespace: "default" });
    assert.equal((p as Pod).status?.conditions?.find((c) => c.type === "PodScheduled")?.status, "True");
    const ev = await eventually("Scheduled event", async () => (await eventsFor(client, "ssd")).find((e) => e.reason === "Scheduled"));
    assert.equal(ev.message, "Successfully assigned default/ssd to big");
    assert.equal(ev.source?.component, "default-scheduler");
  });

  it("explains an unschedulable pod in its condition and a FailedScheduling event", async () => {
    await client.create(resources.pods, pod("impossible", { cpu: "16" }));
    const want =
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const cond = await eventually("PodScheduled=False", async () => ((await client.get(resources.pods, "impossible", { namespace: "default" })) as Pod).status?.conditions?.find((c) => c.type === "PodScheduled"));
    assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: "False", reason: "Unschedulable", message: want });
    const ev = await eventually("FailedScheduling event", async () => (await eventsFor(client, "impossible")).find((e) => e.reason === "FailedScheduling"));
    assert.equal(ev.type, "Warning");
    assert.equal(ev.message, want);
  });

  it("schedules a waiting pod once a node that fits joins", async () => {
    await client.create(resources.pods, pod("needs-gpu-node", { nodeSelector: { accelerator: "yes" } }));
    await eventually("needs-gpu-node marked unschedulable", async () => ((await client.get(resources.pods, "needs-gpu-node", { namespace: "default" })) as Pod).status?.conditions?.some((c) => c.reason === "Unschedulable"));
    await client.create(resources.nodes, node("gpu", "4", { accelerator: "yes" }));
    assert.equal(await boundNode(client, "needs-gpu-node"), "gpu");
  });

  it("preempts a lower-priority pod and nominates its node", async () => {
    // "big" has 8 cpus; 2 are taken above. Fill it with a low-priority pod.
    await client.create(resources.pods, pod("low", { cpu: "5", nodeSelector: { disk: "ssd", "kubernetes.io/hostname": "big" }, priority: 0 }));
    assert.equal(await boundNode(client, "low"), "big");
    await client.create(resources.pods, pod("vip", { cpu: "4", nodeSelector: { "kubernetes.io/hostname": "big" }, priority: 1000 }));
    const victim = await eventually("low is being deleted", async () => {
      const p = (await client.get(resources.pods, "low", { namespace: "default" })) as Pod;
      return p.metadata.deletionTimestamp ? p : undefined;
    });
    assert.equal(victim.status?.conditions?.find((c) => c.type === "DisruptionTarget")?.reason, "PreemptionByScheduler");
    const vip = await eventually("vip nominated", async () => {
      const p = (await client.get(resources.pods, "vip", { namespace: "default" })) as Pod;
      return p.status?.nominatedNodeName ? p : undefined;
    });
    assert.equal(vip.status?.nominatedNodeName, "big");
    assert.equal(vip.spec?.nodeName, undefined);
    // The kubelet would finish the graceful delete; do it here.
    await client.delete(resources.pods, "low", { namespace: "default", gracePeriodSeconds: 0 });
    assert.equal(await boundNode(client, "vip"), "big");
    const preempted = await eventually("Preempted event", async () => (await eventsFor(client, "low")).find((e) => e.reason === "Preempted"));
    assert.match(preempted.message ?? "", /^Preempted by pod .+ on node big$/);
    await assert.rejects(client.get(resources.pods, "low", { namespace: "default" }), (err) => isApiError(err, "NotFound"));
  });
});
