import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeObject, Pod } from "../../src/api/index.js";
import { resources } from "../../src/client/index.js";
import { defaultSimBehaviour, startSim, type RunningSim } from "../../src/kubelet/index.js";
import { isApiError } from "../../src/machinery/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pod(name: string, nodeName: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", annotations }, spec: { nodeName, containers: [{ name: "c", image: "busybox" }], ...spec } } as KubeObject;
}

for (const watchPerNode of [false, true]) {
  describe(`k8ts sim (${watchPerNode ? "a watch per node" : "one shared watch"})`, () => {
    let server: TestApiServer;
    let sim: RunningSim;
    const stop = new AbortController();

    before(async () => {
      server = await startTestApiServer({ store: "memory" });
      sim = startSim({ client: server.client, nodes: 3, namePrefix: "sim-", cpus: 4, memoryBytes: 8 * 1024 ** 3, podsPerNode: 50, behaviour: { ...defaultSimBehaviour, startupDelayMs: 100, runDurationMs: 200 }, watchPerNode, signal: stop.signal, log: () => undefined });
      await sim.ready;
    });

    after(async () => {
      stop.abort();
      await sim.done;
      await server.close();
    });

    it("registers Ready nodes with the given capacity, a pod CIDR each, and their Leases", async () => {
      const nodes = (await server.client.list(resources.nodes)).items;
      assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ["sim-0", "sim-1", "sim-2"]);
      const n0 = nodes.find((n) => n.metadata.name === "sim-0")!;
      const status = n0.status as { capacity: Record<string, string>; conditions: { type: string; status: string }[] };
      assert.equal(status.capacity.cpu, "4");
      assert.equal(status.capacity.pods, "50");
      assert.equal(status.conditions.find((c) => c.type === "Ready")?.status, "True");
      assert.equal((n0.spec as { podCIDR?: string }).podCIDR, "10.128.0.0/24");
      const lease = await until("the Lease", () => server.client.get(resources.leases, "sim-1", { namespace: "kube-node-lease" }).catch(() => undefined));
      assert.equal((lease.spec as { holderIdentity?: string }).holderIdentity, "sim-1");
    });

    it("runs a bound pod: Pending until the startup delay, then Running and Ready with an IP from the node's CIDR", async () => {
      await server.client.create(resources.pods, pod("web", "sim-1"));
      const running = await until("Running", async () => {
        const p = (await server.client.get(resources.pods, "web", { namespace: "default" })) as Pod;
        return p.status?.phase === "Running" ? p : undefined;
      });
      assert.match(running.status?.podIP ?? "", /^10\.128\.1\.\d+$/);
      assert.equal(running.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
      assert.equal(running.status?.containerStatuses?.[0].ready, true);
      assert.ok(running.status?.containerStatuses?.[0].state?.running?.startedAt);
    });

    it("finishes a command under restartPolicy Never: Succeeded, or Failed with the annotated exit code", async () => {
      await server.client.create(resources.pods, pod("job-ok", "sim-2", { restartPolicy: "Never", containers: [{ name: "c", image: "busybox", command: ["true"] }] }));
      await server.client.create(resources.pods, pod("job-bad", "sim-2", { restartPolicy: "Never", containers: [{ name: "c", image: "busybox", command: ["false"] }] }, { "sim.k8ts.io/exit-code": "7" }));
      const phaseOf = async (name: string) => ((await server.client.get(resources.pods, name, { namespace: "default" })) as Pod).status;
      await until("Succeeded", async () => ((await phaseOf("job-ok"))?.phase === "Succeeded" ? true : undefined));
      const failed = await until("Failed", async () => {
        const s = await phaseOf("job-bad");
        return s?.phase === "Failed" ? s : undefined;
      });
      assert.equal(failed.containerStatuses?.[0].state?.terminated?.exitCode, 7);
    });

    it("leaves pods on other nodes alone, and finishes a deletion as the kubelet does", async () => {
      await server.client.create(resources.pods, pod("elsewhere", "real-node"));
      await server.client.create(resources.pods, pod("doomed", "sim-0"));
      await until("doomed Running", async () => ((await server.client.get(resources.pods, "doomed", { namespace: "default" })) as Pod).status?.phase === "Running" || undefined);
      await server.client.delete(resources.pods, "doomed", { namespace: "default", gracePeriodSeconds: 30 });
      await until("doomed gone", async () => {
        try {
          await server.client.get(resources.pods, "doomed", { namespace: "default" });
          return undefined;
        } catch (err) {
          return isApiError(err, "NotFound") ? true : undefined;
        }
      });
      const other = (await server.client.get(resources.pods, "elsewhere", { namespace: "default" })) as Pod;
      assert.equal(other.status?.phase ?? "Pending", "Pending");
      assert.ok(sim.stats().statusWrites >= 3);
    });
  });
}
