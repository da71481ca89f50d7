// Metrics pipeline benchmark (not a test): `npm run bench:metrics`.
//
// The server's CPU and memory cost of the metrics pipeline (k8ts server scraping every
// node's /metrics/resource every --metric-resolution and serving metrics.k8s.io). Fake
// agents: NODES simulated nodes in this process, each a FakeRuntime running PODS pods
// with synthetic usage, all answered by one HTTPS endpoint on distinct loopback
// addresses (127.0.x.y), as `k8ts sim` nodes will. The same cluster is measured twice on
// fresh servers: with the pipeline at 15 s, and with it effectively off (1 h), over the
// same WINDOW; the difference is the pipeline's cost. The measured phase scrapes every
// RESOLUTION (default 2 s, so the cost stands out of the shared machine's noise) and the
// cost is given per node per scrape and projected to the default 15 s. Then list
// latencies of NodeMetrics and PodMetrics (what `kubectl top` and the HPA read).
//
//   NODES=100 PODS=30 WINDOW=60 RESOLUTION=2 npm run bench:metrics
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Node, Pod } from "../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../src/client/index.js";
import { FakeRuntime, SummaryService, simulatedStatsProvider, startNodesStatsEndpoint } from "../src/kubelet/index.js";
import { freePort, startK8tsServer, type K8tsServerProcess } from "../test/harness/index.js";

const nodeCount = Number(process.env.NODES ?? 100);
const podsPerNode = Number(process.env.PODS ?? 30);
const windowS = Number(process.env.WINDOW ?? 60);
const resolutionS = Number(process.env.RESOLUTION ?? 2);
const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);

const addressOf = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

async function pool(count: number, width: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) await one(next++);
  }));
}

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, USER_HZ = 100
}

async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

interface Phase {
  cpuCores: number;
  rssMiB: number;
  nodeList?: number[];
  podList?: number[];
  nodeMetrics?: number;
  podMetrics?: number;
}

/** The fake agents: one FakeRuntime per node with running pods, one endpoint for all. */
async function startFakeAgents(tls: { key: string; cert: string; ca: string }) {
  const runtimes: FakeRuntime[] = [];
  const services = new Map<string, SummaryService>();
  for (let i = 0; i < nodeCount; i++) {
    const rt = new FakeRuntime({ images: ["busybox"] });
    runtimes.push(rt);
    for (let p = 0; p < podsPerNode; p++) {
      const name = `n${i}-p${p}`;
      const config = { metadata: { name, namespace: "bench", uid: `uid-${name}`, attempt: 0 }, hostname: name, labels: { app: `a${p % 5}` } };
      const { podSandboxId } = await rt.runPodSandbox({ config });
      const { containerId } = await rt.createContainer({ podSandboxId, config: { metadata: { name: "main", attempt: 0 }, image: { image: "busybox" } }, sandboxConfig: config });
      await rt.startContainer({ containerId });
    }
    services.set(addressOf(i), new SummaryService({ nodeName: `sim-${i}`, provider: simulatedStatsProvider({ runtime: rt, memoryCapacityBytes: 16 * 1024 ** 3 }) }));
  }
  const endpoint = await startNodesStatsEndpoint({ tls, port: await freePort(), summaryFor: (addr) => services.get(addr)?.summary() });
  return { port: endpoint.port, close: () => endpoint.close() };
}

async function registerCluster(client: Client, kubeletPort: number): Promise<void> {
  await client.create(resource("", "v1", "namespaces", "Namespace", false), { apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } });
  await pool(nodeCount, 32, async (i) => {
    await client.create(nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: `sim-${i}`, labels: { "kubernetes.io/hostname": `sim-${i}` } },
      status: {
        capacity: { cpu: "8", memory: "16Gi", pods: "110" },
        allocatable: { cpu: "8", memory: "16Gi", pods: "110" },
        addresses: [{ type: "InternalIP", address: addressOf(i) }],
        daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
        conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString(), reason: "KubeletReady", message: "sim" }],
      },
    } as Node);
  });
  await pool(nodeCount * podsPerNode, 64, async (k) => {
    const i = Math.floor(k / podsPerNode);
    const p = k % podsPerNode;
    await client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name: `n${i}-p${p}`, namespace: "bench", labels: { app: `a${p % 5}` } }, spec: { nodeName: `sim-${i}`, containers: [{ name: "main", image: "busybox" }] } } as Pod, { namespace: "bench" });
  });
}

async function timeList(client: Client, path: "nodes" | "pods", rounds: number): Promise<number[]> {
  const res = resource("metrics.k8s.io", "v1beta1", path, path === "nodes" ? "NodeMetrics" : "PodMetrics", path === "pods");
  const out: number[] = [];
  let count = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    count = (await client.list(res)).items.length;
    out.push(performance.now() - t0);
  }
  out.sort((a, b) => a - b);
  return [out[Math.floor(out.length / 2)]!, out[out.length - 1]!, count];
}

const resolutionMs = (r: string) => (r.endsWith("h") ? 0 : Number(r.replace(/s$/, "")) * 1000);

async function phase(resolution: string, tls: (dataDir: string) => Promise<{ key: string; cert: string; ca: string }>): Promise<Phase> {
  const server: K8tsServerProcess = await startK8tsServer({ extraArgs: ["--store", "memory", "--metric-resolution", resolution] });
  const agents = await startFakeAgents(await tls(server.dataDir));
  const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
  const client = new Client({ transport });
  try {
    await registerCluster(client, agents.port);
    const pid = server.child.pid!;
    // Let two scrapes pass so every node has a window (or, with the pipeline off, let the start-up settle).
    const settle = Date.now() + Math.max(35_000, 3 * resolutionMs(resolution));
    while (Date.now() < settle) await new Promise((r) => setTimeout(r, 1000));
    const c0 = await cpuSeconds(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowS * 1000));
    const cores = (await cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
    const result: Phase = { cpuCores: cores, rssMiB: (await rss(pid)) / 1024 / 1024 };
    if (resolution !== "1h") {
      const [nMed, nMax, nCount] = await timeList(client, "nodes", 20);
      const [pMed, pMax, pCount] = await timeList(client, "pods", 20);
      result.nodeList = [nMed!, nMax!];
      result.podList = [pMed!, pMax!];
      result.nodeMetrics = nCount;
      result.podMetrics = pCount;
    }
    return result;
  } finally {
    transport.close();
    await agents.close();
    await server.stop();
    await server.cleanup();
  }
}

async function main(): Promise<void> {
  // The fake agents present the server's own serving certificate and trust its CA, so the
  // pipeline's client certificate (apiserver-kubelet-client) is checked as a kubelet would.
  const tls = async (dataDir: string) => ({
    key: await readFile(join(dataDir, "pki", "apiserver.key"), "utf8"),
    cert: await readFile(join(dataDir, "pki", "apiserver.crt"), "utf8"),
    ca: await readFile(join(dataDir, "pki", "ca.crt"), "utf8"),
  });
  console.log(`bench:metrics: ${nodeCount} fake nodes × ${podsPerNode} pods, ${windowS} s windows`);
  const off = await phase("1h", tls);
  const on = await phase(`${resolutionS}s`, tls);
  const f = (x: number) => x.toFixed(x < 1 ? 3 : 1);
  console.table([
    { metric: "server CPU, pipeline off (cores)", value: f(off.cpuCores) },
    { metric: `server CPU, scraping every ${resolutionS} s (cores)`, value: f(on.cpuCores) },
    { metric: "pipeline CPU per node per scrape (ms)", value: f(((on.cpuCores - off.cpuCores) * resolutionS * 1000) / nodeCount) },
    { metric: "pipeline CPU at 15 s, projected (cores)", value: f(((on.cpuCores - off.cpuCores) * resolutionS) / 15) },
    { metric: "server RSS, pipeline off", value: `${off.rssMiB.toFixed(0)} MiB` },
    { metric: `server RSS, scraping every ${resolutionS} s`, value: `${on.rssMiB.toFixed(0)} MiB` },
    { metric: "NodeMetrics listed", value: String(on.nodeMetrics) },
    { metric: "PodMetrics listed", value: String(on.podMetrics) },
    { metric: "list NodeMetrics p50 / max", value: `${f(on.nodeList![0]!)} / ${f(on.nodeList![1]!)} ms` },
    { metric: "list PodMetrics (all namespaces) p50 / max", value: `${f(on.podList![0]!)} / ${f(on.podList![1]!)} ms` },
  ]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
