import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Pod } from "../../src/api/index.js";
import { FakeClock, resource, resources, type Client } from "../../src/client/index.js";
import { startKubelet, type RunningKubelet } from "../../src/kubelet/index.js";
import { FakeRuntime } from "../../src/kubelet/runtime/index.js";
import type { MachineInfo } from "../../src/kubelet/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const machine: MachineInfo = {
  cpus: 2, memoryBytes: 4 * 1024 ** 3, ephemeralStorageBytes: 20 * 1024 ** 3, machineID: "m", systemUUID: "u", bootID: "b",
  kernelVersion: "6.1.0", osImage: "Debian GNU/Linux 12 (bookworm)", operatingSystem: "linux", architecture: "amd64", hostname: "node-1", internalIP: "192.0.2.10",
};

interface Env {
  api: TestApiServer;
  client: Client;
  clock: FakeClock;
  runtime: FakeRuntime;
  kubelet: RunningKubelet;
  stop: AbortController;
  dataDir: string;
}

async function start(): Promise<Env> {
  const api = await startTestApiServer({ store: "memory" });
  const clock = new FakeClock({ now: Date.now() });
  const runtime = new FakeRuntime({ clock, images: ["busybox:1.36"] });
  const dataDir = await mkdtemp(join(tmpdir(), "k8ts-kubelet-"));
  const stop = new AbortController();
  const kubelet = await startKubelet({ client: api.client, runtime, nodeName: "node-1", dataDir, signal: stop.signal, clock, machine, tmpfs: false, onError: () => undefined });
  return { api, client: api.client, clock, runtime, kubelet, stop, dataDir };
}

async function close(env: Env): Promise<void> {
  env.stop.abort();
  // Let loops that sleep on the fake clock notice the abort.
  await env.kubelet.done;
  await env.api.close();
  await rm(env.dataDir, { recursive: true, force: true });
}

/** Advances the fake clock in small steps until `check` passes (real time between steps for API round trips). */
async function until<T>(env: Env, check: () => Promise<T | undefined>, opts: { stepMs?: number; maxMs?: number; what?: string } = {}): Promise<T> {
  const step = opts.stepMs ?? 200;
  let last: unknown;
  for (let t = 0; t <= (opts.maxMs ?? 60_000); t += step) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await env.clock.advance(step);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${opts.what ?? "condition"}${last ? `: ${String(last)}` : ""}`);
}

function podSpec(name: string, spec: Partial<NonNullable<Pod["spec"]>> = {}, image = "busybox:1.36"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName: "node-1", containers: [{ name: "main", image }], terminationGracePeriodSeconds: 5, ...spec },
  };
}

const getPod = (env: Env, name: string) => env.client.get(pods, name, { namespace: "default" });

describe("kubelet pod worker (FakeRuntime, real API server)", () => {
  let env: Env;
  before(async () => {
    env = await start();
  });
  after(async () => {
    await close(env);
  });

  it("registers the Node with capacity, podCIDR, nodeInfo and a Ready condition, and a Lease", async () => {
    const node = await env.client.get(resources.nodes, "node-1");
    const status = node.status as NonNullable<import("../../src/api/index.js").Node["status"]>;
    assert.equal(status.capacity?.pods, "110");
    assert.equal(status.capacity?.cpu, "2");
    assert.equal((node.spec as { podCIDR?: string }).podCIDR, "10.244.0.0/24");
    assert.equal(status.nodeInfo?.kubeletVersion, "v1.35.0-k8ts");
    assert.equal(status.nodeInfo?.containerRuntimeVersion, "fake://0.1.0");
    assert.equal(status.conditions?.find((c) => c.type === "Ready")?.reason, "KubeletReady");
    assert.deepEqual(status.addresses, [{ type: "InternalIP", address: "192.0.2.10" }, { type: "Hostname", address: "node-1" }]);
    const lease = await until(env, () => env.client.get(resources.leases, "node-1", { namespace: "kube-node-lease" }).catch(() => undefined), { what: "lease" });
    assert.equal((lease.spec as { leaseDurationSeconds?: number }).leaseDurationSeconds, 40);
  });

  it("runs a pod to Running and Ready with podIP, hostIP, startTime and conditions", async () => {
    await env.client.create(pods, podSpec("web"));
    const pod = await until(env, async () => {
      const p = await getPod(env, "web");
      return p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? p : undefined;
    }, { what: "web Ready" });
    assert.equal(pod.status?.phase, "Running");
    assert.match(pod.status?.podIP ?? "", /^10\.88\./);
    assert.equal(pod.status?.hostIP, "192.0.2.10");
    assert.ok(pod.status?.startTime);
    const cs = pod.status?.containerStatuses?.[0];
    assert.equal(cs?.ready, true);
    assert.equal(cs?.restartCount, 0);
    assert.match(cs?.containerID ?? "", /^containerd:\/\//);
    assert.ok(cs?.state?.running?.startedAt);
    const types = (pod.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort();
    assert.deepEqual(types, ["ContainersReady=True", "Initialized=True", "PodReadyToStartContainers=True", "Ready=True"]);
  });

  it("runs init containers in order, then the app container; a Job-like pod ends Succeeded", async () => {
    env.runtime.setBehavior({ podName: "job" }, { exitAfterMs: 1000, exitCode: 0 });
    await env.client.create(pods, podSpec("job", { restartPolicy: "Never", initContainers: [{ name: "init-a", image: "busybox:1.36" }, { name: "init-b", image: "busybox:1.36" }] }));
    const pod = await until(env, async () => {
      const p = await getPod(env, "job");
      return p.status?.phase === "Succeeded" ? p : undefined;
    }, { what: "job Succeeded" });
    assert.deepEqual(pod.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason), ["Completed", "Completed"]);
    assert.equal(pod.status?.containerStatuses?.[0].state?.terminated?.reason, "Completed");
    assert.equal(pod.status?.conditions?.find((c) => c.type === "Ready")?.reason, "PodCompleted");
    const starts = env.runtime.calls.filter((c) => c.method === "createContainer" && JSON.stringify(c.request).includes('"job"')).map((c) => (c.request as { config: { metadata: { name: string } } }).config.metadata.name);
    assert.deepEqual(starts, ["init-a", "init-b", "main"]);
  });

  it("shows CrashLoopBackOff with growing back-off and counts restarts", async () => {
    env.runtime.setBehavior({ podName: "crash" }, { exitAfterMs: 100, exitCode: 1 });
    await env.client.create(pods, podSpec("crash"));
    const pod = await until(env, async () => {
      const p = await getPod(env, "crash");
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === "CrashLoopBackOff" && cs.restartCount >= 3 ? p : undefined;
    }, { what: "crash loop", maxMs: 120_000, stepMs: 500 });
    const cs = pod.status?.containerStatuses?.[0];
    assert.equal(pod.status?.phase, "Running");
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal(cs?.lastState?.terminated?.reason, "Error");
    assert.match(cs?.state?.waiting?.message ?? "", /^back-off (20|40)s restarting failed container=main pod=crash_default\(/);
    // Starts at 0, ~0.1 s, ~10 s, ~30 s: the gaps grow.
    const createdAt = env.runtime.calls.filter((c) => c.method === "startContainer").length;
    assert.ok(createdAt >= 4);
  });

  it("restarts a container whose liveness probe fails, with Unhealthy and Killing events", async () => {
    env.runtime.setBehavior({ podName: "live" }, { exec: (cmd) => (cmd[0] === "check" ? { exitCode: 1, stdout: "not ok" } : undefined) });
    await env.client.create(pods, podSpec("live", { containers: [{ name: "main", image: "busybox:1.36", livenessProbe: { exec: { command: ["check"] }, periodSeconds: 1, failureThreshold: 2 } }] }));
    const pod = await until(env, async () => {
      const p = await getPod(env, "live");
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    }, { what: "liveness restart", stepMs: 500 });
    assert.ok(pod.status?.containerStatuses?.[0].lastState?.terminated);
    const evs = await env.client.list(resources.events, { namespace: "default" });
    const reasons = evs.items.filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === "live").map((e) => `${(e as { reason?: string }).reason}: ${(e as { message?: string }).message}`);
    assert.ok(reasons.some((r) => r.startsWith("Unhealthy: Liveness probe failed: not ok")), reasons.join("\n"));
    assert.ok(reasons.some((r) => r === "Killing: Container main failed liveness probe, will be restarted"), reasons.join("\n"));
  });

  it("keeps a pod unready while its readiness probe fails", async () => {
    env.runtime.setBehavior({ podName: "unready" }, { exec: () => ({ exitCode: 1 }) });
    await env.client.create(pods, podSpec("unready", { containers: [{ name: "main", image: "busybox:1.36", readinessProbe: { exec: { command: ["check"] }, periodSeconds: 1 } }] }));
    const pod = await until(env, async () => {
      const p = await getPod(env, "unready");
      return p.status?.phase === "Running" ? p : undefined;
    }, { what: "unready Running" });
    await env.clock.advance(5000);
    const p2 = await getPod(env, "unready");
    assert.equal(p2.status?.conditions?.find((c) => c.type === "Ready")?.status, "False");
    assert.equal(p2.status?.conditions?.find((c) => c.type === "Ready")?.message, "containers with unready status: [main]");
    assert.equal(pod.status?.containerStatuses?.[0].ready, false);
  });

  it("deletes gracefully: preStop runs, StopContainer gets the remaining grace, then the pod is gone", async () => {
    const execs: string[][] = [];
    env.runtime.setBehavior({ podName: "graceful" }, { exec: (cmd) => (execs.push(cmd), { exitCode: 0 }) });
    await env.client.create(pods, podSpec("graceful", { terminationGracePeriodSeconds: 7, containers: [{ name: "main", image: "busybox:1.36", lifecycle: { preStop: { exec: { command: ["sh", "-c", "echo bye"] } } } }] }));
    await until(env, async () => ((await getPod(env, "graceful")).status?.phase === "Running" ? true : undefined), { what: "graceful Running" });
    await env.client.delete(pods, "graceful", { namespace: "default" });
    await until(env, async () => (await env.client.get(pods, "graceful", { namespace: "default" }).then(() => undefined, () => true)), { what: "pod gone" });
    assert.deepEqual(execs, [["sh", "-c", "echo bye"]]);
    const stop = env.runtime.calls.find((c) => c.method === "stopContainer" && (c.request as { timeout: number }).timeout === 7);
    assert.ok(stop, "StopContainer with timeout 7");
  });

  it("writes env from values, configMap keys, fieldRefs and $(VAR) expansion into the container config", async () => {
    await env.client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "default" }, data: { color: "blue", "app.conf": "x=1" } });
    await env.client.create(pods, podSpec("envy", {
      volumes: [{ name: "conf", configMap: { name: "cfg" } }],
      containers: [{
        name: "main", image: "busybox:1.36",
        env: [
          { name: "A", value: "a" },
          { name: "COLOR", valueFrom: { configMapKeyRef: { name: "cfg", key: "color" } } },
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "B", value: "$(A)-$(COLOR)-$(MISSING)-$$(A)" },
        ],
        command: ["echo", "$(POD)"],
        volumeMounts: [{ name: "conf", mountPath: "/etc/conf" }],
      }],
    }));
    await until(env, async () => ((await getPod(env, "envy")).status?.phase === "Running" ? true : undefined), { what: "envy Running" });
    const create = env.runtime.calls.find((c) => c.method === "createContainer" && JSON.stringify(c.request).includes('"envy"'));
    const config = (create?.request as { config: { envs: Array<{ key: string; value: string }>; command: string[]; mounts: Array<{ containerPath: string; hostPath: string; readonly?: boolean }> } }).config;
    const env2 = Object.fromEntries(config.envs.map((e) => [e.key, e.value]));
    assert.equal(env2.COLOR, "blue");
    assert.equal(env2.POD, "envy");
    assert.equal(env2.B, "a-blue-$(MISSING)-$(A)");
    assert.deepEqual(config.command, ["echo", "envy"]);
    const mount = config.mounts.find((m) => m.containerPath === "/etc/conf");
    assert.equal(mount?.readonly, true);
    assert.equal(await readFile(join(mount?.hostPath ?? "", "app.conf"), "utf8"), "x=1");
    // The configMap changes; the volume follows (atomic ..data swap) on the next resync.
    await env.client.update(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "default" }, data: { color: "blue", "app.conf": "x=2" } });
    await until(env, async () => ((await readFile(join(mount?.hostPath ?? "", "app.conf"), "utf8")) === "x=2" ? true : undefined), { what: "configMap update", stepMs: 1000 });
  });
});
