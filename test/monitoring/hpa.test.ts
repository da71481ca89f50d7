// The HorizontalPodAutoscaler against a real API server: autoscaling/v2 (stored) and v1
// (converted) views, the controller scaling a Deployment through its scale subresource
// from metrics.k8s.io (a scripted source), conditions, events, and kubectl's view
// (`kubectl autoscale`, `kubectl get hpa` TARGETS).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { builtinRegistry, type Deployment, type HorizontalPodAutoscaler, type HorizontalPodAutoscalerV2, type Pod, type PodMetrics, type ResourceMetricsSource } from "../../src/api/index.js";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.js";
import { Client, FakeClock, InformerFactory, inProcessTransport, resource } from "../../src/client/index.js";
import { ensurePki } from "../../src/cmd/pki.js";
import { writeKubeconfig } from "../../src/cmd/kubeconfig.js";
import { HorizontalPodAutoscalerController } from "../../src/controllers/podautoscaler/index.js";
import { MemoryStore } from "../../src/storage/index.js";
import { kubectl, kubectlBin } from "../harness/index.js";

const deployments = resource<Deployment>("apps", "v1", "deployments", "Deployment", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const hpaV2 = resource<HorizontalPodAutoscalerV2>("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true);
const hpaV1 = resource<HorizontalPodAutoscaler>("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true);
const eventsRes = resource("", "v1", "events", "Event", true);

describe("HorizontalPodAutoscaler", () => {
  let server: RunningApiServer;
  let client: Client;
  let dataDir: string;
  let kubeconfig: string;
  const stop = new AbortController();
  /** millicores per pod name */
  const usage = new Map<string, number>();
  const source: ResourceMetricsSource = {
    nodeMetrics: () => [],
    podMetrics: (ns) =>
      [...usage].map(([name, cpu]) => ({ apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", metadata: { name, namespace: ns ?? "default", labels: { app: "burn" } }, timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), window: "15s", containers: [{ name: "main", usage: { cpu: `${cpu}m`, memory: "10Mi" } }] }) as PodMetrics),
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-hpa-"));
    const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
    server = await startApiServer({ store: new MemoryStore(), registry: builtinRegistry(), tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert }, host: "127.0.0.1", port: 0, resourceMetrics: source });
    kubeconfig = await writeKubeconfig(join(dataDir, "kubeconfig.yaml"), { server: server.url, caCert: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    client = new Client({ transport: inProcessTransport(server.handler) });
    await client.create(deployments, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "burn", namespace: "default" },
      spec: { replicas: 1, selector: { matchLabels: { app: "burn" } }, template: { metadata: { labels: { app: "burn" } }, spec: { containers: [{ name: "main", image: "busybox", resources: { requests: { cpu: "1" } } }] } } },
    } as Deployment, { namespace: "default" });
  });

  after(async () => {
    stop.abort();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function addRunningPod(name: string): Promise<void> {
    const started = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const p = await client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "burn" } }, spec: { containers: [{ name: "main", image: "busybox", resources: { requests: { cpu: "1" } } }] } } as Pod, { namespace: "default" });
    await client.updateStatus(pods, { ...p, status: { phase: "Running", startTime: started, conditions: [{ type: "Ready", status: "True", lastTransitionTime: started }] } });
  }

  it("kubectl autoscale creates an HPA that defaults and reads back in v2 and v1", async () => {
    const r = await kubectl({ kubeconfig }, ["autoscale", "deployment", "burn", "--cpu-percent=50", "--min=1", "--max=4"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /horizontalpodautoscaler.autoscaling\/burn autoscaled/);
    const v2 = await client.get(hpaV2, "burn", { namespace: "default" });
    assert.deepEqual(v2.spec?.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }]);
    assert.equal(v2.spec?.minReplicas, 1);
    assert.equal(v2.spec?.maxReplicas, 4);
    const v1 = await client.get(hpaV1, "burn", { namespace: "default" });
    assert.equal(v1.apiVersion, "autoscaling/v1");
    assert.equal(v1.spec?.targetCPUUtilizationPercentage, 50);
    const got = await kubectl({ kubeconfig }, ["get", "hpa", "burn"]);
    assert.match(got.stdout, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    assert.match(got.stdout, /^burn\s+Deployment\/burn\s+cpu: <unknown>\/50%\s+1\s+4\s+0\s+\S+$/m);
  });

  it("a v1 write keeps v2-only fields (behavior) through the annotations, and a v1 patch changes the target", async () => {
    await client.patch(hpaV2, "burn", { spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 10 } } } }, { namespace: "default", type: "merge" });
    const v1 = await client.get(hpaV1, "burn", { namespace: "default" });
    assert.match(v1.metadata.annotations?.["autoscaling.alpha.kubernetes.io/behavior"] ?? "", /"stabilizationWindowSeconds":10/);
    await client.update(hpaV1, v1);
    const r = await kubectl({ kubeconfig }, ["patch", "horizontalpodautoscalers.v1.autoscaling", "burn", "--type=merge", "-p", '{"spec":{"targetCPUUtilizationPercentage":60}}']);
    assert.equal(r.code, 0, r.stderr);
    const v2 = await client.get(hpaV2, "burn", { namespace: "default" });
    assert.equal(v2.spec?.behavior?.scaleDown?.stabilizationWindowSeconds, 10);
    assert.equal(v2.spec?.behavior?.scaleUp?.selectPolicy, "Max", "behavior defaults filled");
    assert.equal(v2.spec?.metrics?.[0]?.resource?.target.averageUtilization, 60);
    await client.patch(hpaV2, "burn", { spec: { metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }] } }, { namespace: "default", type: "merge" });
  });

  it("a v1 watch and list see v2 writes converted, over HTTP too", async () => {
    const list = await client.list(hpaV1, { namespace: "default" });
    assert.equal(list.apiVersion, "autoscaling/v1");
    assert.equal(list.items[0]?.spec?.targetCPUUtilizationPercentage, 50);
    const ac = new AbortController();
    const seen = (async () => {
      for await (const ev of client.watch(hpaV1, { namespace: "default", resourceVersion: list.metadata?.resourceVersion, signal: ac.signal })) {
        if (ev.type === "MODIFIED") return ev.object as HorizontalPodAutoscaler;
      }
      return undefined;
    })();
    await client.patch(hpaV2, "burn", { spec: { maxReplicas: 5 } }, { namespace: "default", type: "merge" });
    const got = await seen;
    ac.abort();
    assert.equal(got?.apiVersion, "autoscaling/v1");
    assert.equal(got?.spec?.maxReplicas, 5);
    assert.equal(got?.spec?.targetCPUUtilizationPercentage, 50);
    const r = await kubectl({ kubeconfig }, ["get", "horizontalpodautoscalers.v1.autoscaling", "burn", "-o", "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage}"]);
    assert.equal(r.stdout, "autoscaling/v1 50");
    await client.patch(hpaV2, "burn", { spec: { maxReplicas: 4 } }, { namespace: "default", type: "merge" });
  });

  it("refuses bad specs with upstream's field errors", async () => {
    const bad = await kubectl({ kubeconfig }, ["create", "-f", "-"], {
      stdin: JSON.stringify({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "bad" }, spec: { scaleTargetRef: { kind: "Deployment", name: "x" }, minReplicas: 5, maxReplicas: 2, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization" } } }] } }),
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`/);
    assert.match(bad.stderr, /spec.metrics\[0\].resource.target.averageUtilization: Required value/);
  });

  it("scales the Deployment up through its scale subresource when CPU is over target, with status, conditions and an event", async () => {
    await addRunningPod("burn-a");
    usage.set("burn-a", 1000);
    const informers = new InformerFactory({ client });
    const clock = new FakeClock();
    const hpa = new HorizontalPodAutoscalerController({ client, informers, clock });
    informers.start(stop.signal);
    await informers.informer(hpaV2).waitForSync(stop.signal);
    await informers.informer(pods).waitForSync(stop.signal);
    await new Promise((r) => setTimeout(r, 100));
    const res = await hpa.reconcile("default/burn", stop.signal);
    assert.deepEqual(res, { requeueAfterMs: 15_000 });
    const d = await client.get(deployments, "burn", { namespace: "default" });
    assert.equal(d.spec?.replicas, 2, "1000m of a 1-core request at a 50% target → 2");
    const st = (await client.get(hpaV2, "burn", { namespace: "default" })).status!;
    assert.equal(st.currentReplicas, 1);
    assert.equal(st.desiredReplicas, 2);
    assert.deepEqual(st.currentMetrics, [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 100, averageValue: "1" } } }]);
    const cond = Object.fromEntries((st.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));
    assert.deepEqual(cond, { AbleToScale: ["True", "SucceededRescale"], ScalingActive: ["True", "ValidMetricFound"], ScalingLimited: ["False", "DesiredWithinRange"] });
    await new Promise((r) => setTimeout(r, 200));
    const evs = await client.list(eventsRes, { namespace: "default" });
    assert.ok(
      evs.items.some((e) => e.reason === "SuccessfulRescale" && e.message === "New size: 2; reason: cpu resource utilization (percentage of request) above target"),
      JSON.stringify(evs.items.map((e) => e.message)),
    );
    const got = await kubectl({ kubeconfig }, ["get", "hpa", "burn", "--no-headers"]);
    assert.match(got.stdout, /^burn\s+Deployment\/burn\s+cpu: 100%\/50%\s+1\s+4\s+1\s+/);
    const v1 = await client.get(hpaV1, "burn", { namespace: "default" });
    assert.equal(v1.status?.currentCPUUtilizationPercentage, 100);

    // Load gone: with the 10 s scale-down window, the first pass holds, a later one scales down.
    await addRunningPod("burn-b");
    await client.patch(deployments, "burn", { spec: { replicas: 2 } }, { namespace: "default", type: "merge" });
    usage.set("burn-a", 10);
    usage.set("burn-b", 10);
    await new Promise((r) => setTimeout(r, 100));
    clock.step(5000);
    await hpa.reconcile("default/burn", stop.signal);
    assert.equal((await client.get(deployments, "burn", { namespace: "default" })).spec?.replicas, 2);
    const held = (await client.get(hpaV2, "burn", { namespace: "default" })).status!;
    assert.equal(held.conditions?.find((c) => c.type === "AbleToScale")?.reason, "ScaleDownStabilized");
    clock.step(11_000);
    await hpa.reconcile("default/burn", stop.signal);
    assert.equal((await client.get(deployments, "burn", { namespace: "default" })).spec?.replicas, 1);
  });

  it("reports missing metrics as ScalingActive=False with upstream's reason and keeps the size", async () => {
    usage.clear();
    const informers = new InformerFactory({ client });
    // Each test's clock starts elsewhere: EventRecorder names events by their millisecond, so two fake clocks at one instant would collide.
    const clock = new FakeClock();
    clock.step(3_600_000);
    const hpa = new HorizontalPodAutoscalerController({ client, informers, clock });
    informers.start(stop.signal);
    await informers.informer(hpaV2).waitForSync(stop.signal);
    await informers.informer(pods).waitForSync(stop.signal);
    await assert.rejects(hpa.reconcile("default/burn", stop.signal), /invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API/);
    const st = (await client.get(hpaV2, "burn", { namespace: "default" })).status!;
    const active = st.conditions?.find((c) => c.type === "ScalingActive");
    assert.equal(active?.status, "False");
    assert.equal(active?.reason, "FailedGetResourceMetric");
    assert.equal((await client.get(deployments, "burn", { namespace: "default" })).spec?.replicas, 1);
  });

  it("kubectl events shows the autoscaler's events: --for, --types=Warning and --watch", async () => {
    // The recorder writes events in the background: wait for the last test's warnings.
    let all = await kubectl({ kubeconfig }, ["events", "--for", "hpa/burn"]);
    for (let i = 0; i < 20 && !/FailedGetResourceMetric/.test(all.stdout); i++) {
      await new Promise((r) => setTimeout(r, 250));
      all = await kubectl({ kubeconfig }, ["events", "--for", "hpa/burn"]);
    }
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    assert.match(all.stdout, /Normal\s+SuccessfulRescale\s+HorizontalPodAutoscaler\/burn\s+New size: 2; reason: cpu resource utilization \(percentage of request\) above target/);
    assert.match(all.stdout, /Warning\s+FailedGetResourceMetric\s+HorizontalPodAutoscaler\/burn/);
    const warnings = await kubectl({ kubeconfig }, ["events", "--for", "hpa/burn", "--types=Warning"]);
    assert.match(warnings.stdout, /FailedComputeMetricsReplicas/);
    assert.doesNotMatch(warnings.stdout, /SuccessfulRescale/);
    const other = await kubectl({ kubeconfig }, ["events", "--for", "deployment/burn"]);
    assert.doesNotMatch(other.stdout, /HorizontalPodAutoscaler/);

    // --watch: a new event for the HPA shows up while kubectl watches.
    const watcher = spawn(kubectlBin, ["--kubeconfig", kubeconfig, "events", "--watch", "--for", "hpa/burn", "--types=Normal"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    watcher.stdout.on("data", (c: Buffer) => (out += c.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const before = out;
      usage.set("burn-a", 1500);
      const informers = new InformerFactory({ client });
      const clock = new FakeClock();
      clock.step(7_200_000);
      const hpa = new HorizontalPodAutoscalerController({ client, informers, clock });
      informers.start(stop.signal);
      await informers.informer(hpaV2).waitForSync(stop.signal);
      await informers.informer(pods).waitForSync(stop.signal);
      await hpa.reconcile("default/burn", stop.signal);
      const deadline = Date.now() + 10_000;
      while (!/New size: 3/.test(out.slice(before.length)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.match(out.slice(before.length), /Normal\s+SuccessfulRescale\s+HorizontalPodAutoscaler\/burn\s+New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);
    } finally {
      watcher.kill("SIGTERM");
    }
  });
});
