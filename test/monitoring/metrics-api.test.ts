// The metrics pipeline and metrics.k8s.io/v1beta1 without containers: a real API server
// whose metrics come from a MetricsScraper reading scripted /metrics/resource texts, read
// through the typed client and the official kubectl (`kubectl top`).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { builtinRegistry, type Node, type NodeMetrics, type Pod, type PodMetrics, type ResourceMetricsSource } from "../../src/api/index.js";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.js";
import { Client, InformerFactory, inProcessTransport, resource } from "../../src/client/index.js";
import { ensurePki } from "../../src/cmd/pki.js";
import { writeKubeconfig } from "../../src/cmd/kubeconfig.js";
import { MetricsScraper } from "../../src/controllers/metricsserver/index.js";
import { MemoryStore } from "../../src/storage/index.js";
import { kubectl } from "../harness/index.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const nodeMetrics = resource<NodeMetrics>("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false);
const podMetrics = resource<PodMetrics>("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true);
const Mi = 1024 * 1024;

/** One node's /metrics/resource at `t` ms: cumulative CPU grows at the given cores. */
function resourceText(t: number, node: { cores: number; mem: number }, containers: { ns: string; pod: string; name: string; cores: number; mem: number }[]): string {
  const s = (t - 1_000_000) / 1000;
  const lines = [
    "# TYPE node_cpu_usage_seconds_total counter",
    `node_cpu_usage_seconds_total ${node.cores * s} ${t}`,
    `node_memory_working_set_bytes ${node.mem} ${t}`,
    "# TYPE container_cpu_usage_seconds_total counter",
  ];
  for (const c of containers) {
    const l = `container="${c.name}",namespace="${c.ns}",pod="${c.pod}"`;
    lines.push(`container_cpu_usage_seconds_total{${l}} ${c.cores * s} ${t}`, `container_memory_working_set_bytes{${l}} ${c.mem} ${t}`, `container_start_time_seconds{${l}} 1000`);
  }
  return lines.join("\n") + "\n";
}

describe("metrics.k8s.io/v1beta1 and kubectl top", () => {
  let server: RunningApiServer;
  let client: Client;
  let dataDir: string;
  let kubeconfig: string;
  const stop = new AbortController();
  let now = 1_000_000 + 60_000;
  let scraper: MetricsScraper | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-metrics-"));
    const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
    const source: ResourceMetricsSource = { nodeMetrics: () => scraper?.nodeMetrics() ?? [], podMetrics: (ns) => scraper?.podMetrics(ns) ?? [] };
    server = await startApiServer({ store: new MemoryStore(), registry: builtinRegistry(), tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert }, host: "127.0.0.1", port: 0, resourceMetrics: source });
    kubeconfig = await writeKubeconfig(join(dataDir, "kubeconfig.yaml"), { server: server.url, caCert: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    client = new Client({ transport: inProcessTransport(server.handler) });
    for (const name of ["n1", "n2"]) {
      await client.create(nodes, { apiVersion: "v1", kind: "Node", metadata: { name }, status: { capacity: { cpu: "2", memory: "4Gi" }, allocatable: { cpu: "2", memory: "4Gi" } } } as Node);
    }
    const pod = (name: string, node: string, labels: Record<string, string>, containers: string[]): Pod =>
      ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels }, spec: { nodeName: node, containers: containers.map((c) => ({ name: c, image: "busybox" })) } }) as Pod;
    await client.create(pods, pod("web", "n1", { app: "web" }, ["nginx", "sidecar"]), { namespace: "default" });
    await client.create(pods, pod("db", "n2", { app: "db" }, ["postgres"]), { namespace: "default" });
    const informers = new InformerFactory({ client });
    scraper = new MetricsScraper({
      informers,
      fetchNode: async (node) =>
        node.metadata.name === "n1"
          ? resourceText(now, { cores: 1.5, mem: 1024 * Mi }, [
              { ns: "default", pod: "web", name: "nginx", cores: 1, mem: 100 * Mi },
              { ns: "default", pod: "web", name: "sidecar", cores: 0.25, mem: 8 * Mi },
              { ns: "default", pod: "gone", name: "x", cores: 1, mem: 1 },
            ])
          : resourceText(now, { cores: 0.5, mem: 2048 * Mi }, [{ ns: "default", pod: "db", name: "postgres", cores: 0.125, mem: 300 * Mi }]),
    });
    informers.start(stop.signal);
    await informers.informer(pods).waitForSync(stop.signal);
    await informers.informer(nodes).waitForSync(stop.signal);
    await scraper.scrapeOnce(stop.signal);
    assert.deepEqual(scraper.nodeMetrics(), [], "one scrape makes no window yet");
    now += 15_000;
    await scraper.scrapeOnce(stop.signal);
  });

  after(async () => {
    stop.abort();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves NodeMetrics with the rate over the latest window and the working set", async () => {
    const list = await client.list(nodeMetrics);
    assert.equal(list.kind, "NodeMetricsList");
    assert.equal(list.apiVersion, "metrics.k8s.io/v1beta1");
    const n1 = list.items.find((m) => m.metadata.name === "n1")!;
    assert.deepEqual(n1.usage, { cpu: "1500m", memory: "1Gi" });
    assert.equal(n1.window, "15s");
    assert.equal(n1.timestamp, new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"));
    assert.equal(n1.kind, "NodeMetrics");
    const n2 = await client.get(nodeMetrics, "n2");
    assert.deepEqual(n2.usage, { cpu: "500m", memory: "2Gi" });
  });

  it("serves PodMetrics per container, filtered by namespace, label selector and name; pods that no longer exist are left out", async () => {
    const all = await client.list(podMetrics);
    assert.deepEqual(all.items.map((p) => p.metadata.name), ["db", "web"]);
    const web = await client.get(podMetrics, "web", { namespace: "default" });
    assert.deepEqual(web.containers, [
      { name: "nginx", usage: { cpu: "1", memory: "100Mi" } },
      { name: "sidecar", usage: { cpu: "250m", memory: "8Mi" } },
    ]);
    assert.deepEqual(web.metadata.labels, { app: "web" });
    assert.equal(web.window, "15s");
    const selected = await client.list(podMetrics, { namespace: "default", labelSelector: "app=db" });
    assert.deepEqual(selected.items.map((p) => p.metadata.name), ["db"]);
    assert.deepEqual((await client.list(podMetrics, { namespace: "kube-system" })).items, []);
  });

  it("answers a missing object with metrics-server's NotFound and refuses writes", async () => {
    await assert.rejects(client.get(podMetrics, "nope", { namespace: "default" }), (err: Error) => err.message === 'podmetrics.metrics.k8s.io "nope" not found');
    await assert.rejects(client.get(nodeMetrics, "n9"), (err: Error) => err.message === 'nodemetrics.metrics.k8s.io "n9" not found');
    await assert.rejects(client.create(nodeMetrics, { apiVersion: "metrics.k8s.io/v1beta1", kind: "NodeMetrics", metadata: { name: "x" } } as never), /POST is not supported on resources of kind "nodes.metrics.k8s.io"/);
  });

  it("is listed in discovery", async () => {
    const r = await kubectl({ kubeconfig }, ["api-resources", "--api-group=metrics.k8s.io"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
    assert.match(r.stdout, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  it("with its own slim informers (as k8ts server runs it), a deleted pod's metrics go at once", async () => {
    const own = new MetricsScraper({ client, fetchNode: async (node) => (node.metadata.name === "n1" ? resourceText(now, { cores: 1, mem: Mi }, [{ ns: "default", pod: "web", name: "nginx", cores: 1, mem: Mi }, { ns: "default", pod: "web", name: "sidecar", cores: 1, mem: Mi }]) : resourceText(now, { cores: 1, mem: Mi }, [])), intervalMs: 3_600_000 });
    const ownStop = new AbortController();
    const running = own.start(ownStop.signal);
    try {
      for (let i = 0; i < 50 && own.nodeMetrics().length === 0 && !ownStop.signal.aborted; i++) {
        await new Promise((r) => setTimeout(r, 20));
        if (i === 10) {
          now += 15_000;
          await own.scrapeOnce(ownStop.signal);
        }
      }
      assert.deepEqual(own.podMetrics("default").map((p) => p.metadata.name), ["web"]);
      await client.delete(pods, "web", { namespace: "default", gracePeriodSeconds: 0 });
      for (let i = 0; i < 50 && own.podMetrics("default").length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(own.podMetrics("default"), []);
      for (let i = 0; i < 50 && scraper!.podMetrics("default").some((p) => p.metadata.name === "web"); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(scraper!.podMetrics("default").map((p) => p.metadata.name), ["db"], "the shared-informer scraper forgets it too");
      await client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", labels: { app: "web" } }, spec: { nodeName: "n1", containers: [{ name: "nginx", image: "busybox" }, { name: "sidecar", image: "busybox" }] } } as Pod, { namespace: "default" });
    } finally {
      ownStop.abort();
      await running;
    }
  });

  it("kubectl top nodes shows usage and percentage of allocatable", async () => {
    const r = await kubectl({ kubeconfig }, ["top", "nodes"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows[0], ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]);
    assert.deepEqual(rows.find((x) => x[0] === "n1"), ["n1", "1500m", "75%", "1024Mi", "25%"]);
    assert.deepEqual(rows.find((x) => x[0] === "n2"), ["n2", "500m", "25%", "2048Mi", "50%"]);
    const sorted = await kubectl({ kubeconfig }, ["top", "nodes", "--sort-by=memory", "--no-headers"]);
    assert.deepEqual(sorted.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]), ["n2", "n1"]);
  });

  it("kubectl top pods: -A, --containers, -l and --sort-by=cpu", async () => {
    const all = await kubectl({ kubeconfig }, ["top", "pods", "-A", "--sort-by=cpu"]);
    assert.equal(all.code, 0, all.stderr);
    const rows = all.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows, [
      ["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"],
      ["default", "web", "1250m", "108Mi"],
      ["default", "db", "125m", "300Mi"],
    ]);
    const containers = await kubectl({ kubeconfig }, ["top", "pods", "--containers", "-l", "app=web"]);
    assert.equal(containers.code, 0, containers.stderr);
    assert.deepEqual(containers.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)), [
      ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"],
      ["web", "nginx", "1000m", "100Mi"],
      ["web", "sidecar", "250m", "8Mi"],
    ]);
    const none = await kubectl({ kubeconfig }, ["top", "pods", "-n", "kube-system"]);
    assert.match(none.stdout + none.stderr, /No resources found in kube-system namespace/);
  });
});
