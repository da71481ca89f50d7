// Pod start-up benchmark (not a test): `npm run bench:pods`. Needs root and the node
// packages (containerd runc containernetworking-plugins busybox-static).
//
// Starts `k8ts server` with its local agent (a private containerd, CRI, CNI bridge, k8ts's
// own busybox image) and measures, in the same run:
// 1. bare containerd: RunPodSandbox → CreateContainer → StartContainer → ContainerStatus
//    running, through CriRuntime straight to the agent's containerd (sandboxes the agent
//    does not own: no pod uid label), PODS at once and then PODS one after another;
// 2. k8ts: pod start-up latency, create request sent → phase Running seen on a watch
//    through the API, PODS pods created at once on the node, then PODS one after another.
// p50/p99 are printed for each. Only one run with real containerd at a time on a machine
// (fixed streaming port 10350, the k8ts0 bridge).
//
//   PODS=30 npm run bench:pods
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, rmdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../src/client/index.js";
import { BUSYBOX_IMAGE } from "../src/kubelet/images/index.js";
import { checkNodePrerequisites, ContainerState, CriRuntime, type PodSandboxConfig } from "../src/kubelet/runtime/index.js";
import { freePort, k8tsBin } from "../test/harness/index.js";

const count = Number(process.env.PODS ?? 30);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const namespace = "default";
const benchCgroup = `/k8ts-bench-${process.pid}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(label: string, ms: number[], wallMs?: number): string {
  const f = (n: number) => `${n.toFixed(0)} ms`.padStart(8);
  return `${label.padEnd(52)} p50 ${f(percentile(ms, 50))}  p99 ${f(percentile(ms, 99))}  max ${f(Math.max(...ms))}${wallMs !== undefined ? `  (all ${count} in ${(wallMs / 1000).toFixed(2)} s)` : ""}`;
}

async function startServer(dataDir: string): Promise<ChildProcess> {
  const args = ["server", "--data-dir", dataDir, "--https-listen-port", String(await freePort()), "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--disable-cluster-dns", "--kubelet-port", "0"];
  const proc = spawn(process.execPath, [k8tsBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  await new Promise<void>((resolve, fail) => {
    const reject = (err: Error) => {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      fail(err);
    };
    const onLine = (buf: Buffer) => {
      for (const line of buf.toString().split("\n")) {
        if (line) log.push(line);
        if (line.includes("registered, pod CIDR")) resolve();
        if (line.startsWith("agent: not started")) reject(new Error(line));
      }
    };
    proc.stdout?.on("data", onLine);
    proc.stderr?.on("data", onLine);
    proc.once("exit", (code) => reject(new Error(`k8ts server exited ${code}: ${log.join("\n")}`)));
    setTimeout(() => reject(new Error(`agent did not register in 90s: ${log.join("\n")}`)), 90_000).unref();
  });
  return proc;
}

/** One bare pod: sandbox + busybox container until CRI reports it running. Returns its sandbox id and the time taken. */
async function barePod(runtime: CriRuntime, logRoot: string, i: number): Promise<{ id: string; ms: number }> {
  const uid = randomUUID();
  const name = `bare-${i}`;
  const sandboxConfig: PodSandboxConfig = {
    metadata: { name, uid, namespace: "bench", attempt: 0 },
    hostname: name,
    logDirectory: join(logRoot, `bench_${name}_${uid}`),
    labels: { "k8ts.bench": "bare" },
    linux: { cgroupParent: `${benchCgroup}/pod${uid}` },
  };
  const t0 = performance.now();
  const { podSandboxId } = await runtime.runPodSandbox({ config: sandboxConfig });
  const { containerId } = await runtime.createContainer({
    podSandboxId,
    sandboxConfig,
    config: { metadata: { name: "main", attempt: 0 }, image: { image: BUSYBOX_IMAGE }, command: ["sleep", "100000"], logPath: "main/0.log", labels: {} },
  });
  await runtime.startContainer({ containerId });
  for (;;) {
    const { status } = await runtime.containerStatus({ containerId });
    if (status.state === ContainerState.CONTAINER_RUNNING) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { id: podSandboxId, ms: performance.now() - t0 };
}

async function removeBare(runtime: CriRuntime, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      await runtime.stopPodSandbox({ podSandboxId: id });
      await runtime.removePodSandbox({ podSandboxId: id });
    }),
  );
}

/** Removes the bench's cgroup trees (RemovePodSandbox leaves them), deepest first. */
function removeCgroups(): void {
  const root = "/sys/fs/cgroup";
  const hierarchies = existsSync(join(root, "memory")) ? readdirSync(root).map((h) => join(root, h)) : [root];
  for (const h of hierarchies) {
    const rmTree = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(join(dir, e.name));
      try {
        rmdirSync(dir);
      } catch {
        // a controller that is a symlink to another (cpu → cpu,cpuacct) or still busy
      }
    };
    rmTree(join(h, benchCgroup));
  }
}

async function bareContainerd(runtime: CriRuntime, logRoot: string): Promise<void> {
  // Warm-up: the first sandbox pays for loading the image and CNI set-up.
  await removeBare(runtime, [(await barePod(runtime, logRoot, -1)).id]);
  let t0 = performance.now();
  const burst = await Promise.all(Array.from({ length: count }, (_, i) => barePod(runtime, logRoot, i)));
  console.log(summary(`bare containerd, ${count} at once`, burst.map((b) => b.ms), performance.now() - t0));
  await removeBare(runtime, burst.map((b) => b.id));
  const serial: Array<{ id: string; ms: number }> = [];
  t0 = performance.now();
  for (let i = 0; i < count; i++) serial.push(await barePod(runtime, logRoot, count + i));
  console.log(summary(`bare containerd, ${count} one after another`, serial.map((b) => b.ms), performance.now() - t0));
  await removeBare(runtime, serial.map((b) => b.id));
}

function podObject(name: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { bench: "pods" } },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: "main", image: BUSYBOX_IMAGE, imagePullPolicy: "IfNotPresent", command: ["sleep", "100000"] }] },
  };
}

/** Watches the bench's pods and resolves, per name, when phase Running is first seen. */
function runningWatcher(client: Client, signal: AbortSignal): { running: (name: string) => Promise<number>; ready: Promise<void> } {
  const seen = new Map<string, number>();
  const waiters = new Map<string, (t: number) => void>();
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  void (async () => {
    const list = await client.list(pods, { namespace, labelSelector: "bench=pods" });
    markReady();
    try {
      for await (const ev of client.watch(pods, { namespace, labelSelector: "bench=pods", resourceVersion: list.metadata.resourceVersion, signal })) {
        if (ev.type !== "ADDED" && ev.type !== "MODIFIED") continue;
        const name = ev.object.metadata.name ?? "";
        if (ev.object.status?.phase !== "Running" || seen.has(name)) continue;
        const t = performance.now();
        seen.set(name, t);
        waiters.get(name)?.(t);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  })();
  return {
    ready,
    running: (name) => {
      const t = seen.get(name);
      return t !== undefined ? Promise.resolve(t) : new Promise((r) => waiters.set(name, r));
    },
  };
}

/** Deletes the bench's pods and waits until the agent has removed their sandboxes (grace 0 deletes the objects at once). */
async function deleteAll(client: Client, runtime: CriRuntime): Promise<void> {
  await client.deleteCollection(pods, { namespace, labelSelector: "bench=pods" });
  for (let i = 0; i < 600; i++) {
    const left = (await client.list(pods, { namespace, labelSelector: "bench=pods" })).items.length + (await runtime.listPodSandbox({})).items.length;
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("bench pods were not deleted in 2 minutes");
}

async function k8tsPods(client: Client, runtime: CriRuntime): Promise<void> {
  const stop = new AbortController();
  const watcher = runningWatcher(client, stop.signal);
  await watcher.ready;
  const one = async (name: string) => {
    const t0 = performance.now();
    await client.create(pods, podObject(name), { namespace });
    return (await watcher.running(name)) - t0;
  };
  // Warm-up pod, as for containerd.
  await one("bench-warmup");
  let t0 = performance.now();
  const burst = await Promise.all(Array.from({ length: count }, (_, i) => one(`bench-burst-${i}`)));
  console.log(summary(`k8ts create → Running (API), ${count} at once`, burst, performance.now() - t0));
  await deleteAll(client, runtime);
  const serial: number[] = [];
  t0 = performance.now();
  for (let i = 0; i < count; i++) serial.push(await one(`bench-serial-${i}`));
  console.log(summary(`k8ts create → Running (API), ${count} one after another`, serial, performance.now() - t0));
  await deleteAll(client, runtime);
  stop.abort();
}

async function main(): Promise<void> {
  const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();
  if (missing) {
    console.error(`bench:pods: ${missing}`);
    process.exit(1);
  }
  const dataDir = await mkdtemp(join(tmpdir(), "k8ts-bench-pods-"));
  const logRoot = join(dataDir, "bench-logs");
  let server: ChildProcess | undefined;
  let runtime: CriRuntime | undefined;
  let closeTransport = () => undefined as void;
  try {
    const t0 = performance.now();
    server = await startServer(dataDir);
    console.log(`k8ts server with its agent up in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${count} pods, busybox sleep, image on the node`);
    runtime = new CriRuntime({ endpoint: `unix://${join(dataDir, "agent", "containerd", "containerd.sock")}` });
    const v = await runtime.start({});
    console.log(`runtime: ${v.runtimeName} ${v.runtimeVersion}`);
    await bareContainerd(runtime, logRoot);
    const transport = httpTransport(await loadKubeconfig(join(dataDir, "kubeconfig.yaml")));
    closeTransport = () => transport.close();
    await k8tsPods(new Client({ transport }), runtime);
  } finally {
    closeTransport();
    runtime?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    removeCgroups();
    // The CNI bridge plugin leaves its bridge behind; remove it unless another containerd still runs pods.
    if (spawnSync("pgrep", ["-x", "containerd"]).status !== 0) spawnSync("ip", ["link", "del", "k8ts0"], { stdio: "ignore" });
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

await main();
