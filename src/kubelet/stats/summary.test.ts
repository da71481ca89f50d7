import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { FakeClock } from "../../client/index.js";
import { FakeRuntime, type PodSandboxConfig } from "../runtime/index.js";
import { parseDefaultRoute, parseMeminfo, parseNetDev, parseProcStat, type NodeUsage } from "./node-usage.js";
import { criStatsProvider, syntheticNodeUsage } from "./provider.js";
import { resourceMetricsText } from "./resource-metrics.js";
import { SummaryService } from "./summary-service.js";
import { buildSummary, CpuRateCache } from "./summary.js";

const Mi = 1024 * 1024;

async function runPod(rt: FakeRuntime, name: string, containers: string[]) {
  const config: PodSandboxConfig = { metadata: { name, uid: `uid-${name}`, namespace: "default", attempt: 0 }, hostname: name, labels: {} };
  const { podSandboxId } = await rt.runPodSandbox({ config });
  for (const c of containers) {
    const { containerId } = await rt.createContainer({ podSandboxId, config: { metadata: { name: c, attempt: 0 }, image: { image: "busybox" } }, sandboxConfig: config });
    await rt.startContainer({ containerId });
  }
  return podSandboxId;
}

function fakeNode(clock: FakeClock, cpuSeconds: () => number): () => Promise<NodeUsage> {
  return async () => ({
    timestamp: clock.now(),
    bootTime: 1_700_000_000_000,
    cpuUsageCoreNanoSeconds: cpuSeconds() * 1e9,
    memory: { workingSetBytes: 900 * Mi, usageBytes: 1000 * Mi, availableBytes: 3000 * Mi },
  });
}

describe("kubelet stats: CRI → Summary API", () => {
  it("reports each pod and container with CPU rates from consecutive samples and memory working set", async () => {
    const clock = new FakeClock();
    const usage = { burn: { nanoCores: 1e9, workingSetBytes: 2 * Mi }, alloc: { nanoCores: 5e6, workingSetBytes: 100 * Mi }, side: { nanoCores: 20e6, workingSetBytes: 8 * Mi } };
    const rt = new FakeRuntime({ clock, images: ["busybox"], usage: (ctx) => usage[ctx.config.metadata.name as keyof typeof usage] });
    await runPod(rt, "burner", ["burn"]);
    await runPod(rt, "hog", ["alloc", "side"]);
    let nodeCpu = 100;
    const service = new SummaryService({ nodeName: "n1", provider: criStatsProvider({ runtime: rt, fsPath: "/", readNode: fakeNode(clock, () => nodeCpu) }), now: () => clock.now() });

    const first = await service.summary();
    assert.equal(first.node.nodeName, "n1");
    assert.equal(first.node.cpu?.usageNanoCores, undefined, "no rate from a single sample");
    clock.step(10_000);
    nodeCpu += 15; // 1.5 cores over 10 s
    const s = await service.summary();

    assert.equal(s.node.cpu?.usageNanoCores, 1.5e9);
    assert.equal(s.node.cpu?.usageCoreNanoSeconds, 115e9);
    assert.equal(s.node.memory?.workingSetBytes, 900 * Mi);
    assert.equal(s.node.startTime, "2023-11-14T22:13:20Z");
    const burner = s.pods.find((p) => p.podRef.name === "burner")!;
    assert.deepEqual(burner.podRef, { name: "burner", namespace: "default", uid: "uid-burner" });
    assert.equal(burner.containers[0]!.name, "burn");
    assert.equal(burner.containers[0]!.cpu?.usageCoreNanoSeconds, 10e9);
    assert.equal(burner.containers[0]!.cpu?.usageNanoCores, 1e9);
    assert.equal(burner.cpu?.usageNanoCores, 1e9);
    const hog = s.pods.find((p) => p.podRef.name === "hog")!;
    assert.deepEqual(hog.containers.map((c) => [c.name, c.memory?.workingSetBytes]).sort(), [["alloc", 100 * Mi], ["side", 8 * Mi]]);
    assert.equal(hog.memory?.workingSetBytes, 108 * Mi);
    assert.equal(hog.cpu?.usageCoreNanoSeconds, 0.25e9);
    assert.equal(typeof hog.startTime, "string");
    assert.match(hog.containers[0]!.startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(hog.process_stats?.process_count, 2);
  });

  it("keeps to CPU and memory for ?only_cpu_and_memory and reuses one sample for back-to-back callers", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"] });
    await runPod(rt, "a", ["main"]);
    const service = new SummaryService({ nodeName: "n1", provider: criStatsProvider({ runtime: rt, fsPath: "/", readNode: fakeNode(clock, () => 1) }), now: () => clock.now() });
    const [x, y] = await Promise.all([service.summary(), service.summary()]);
    assert.equal(x, y);
    assert.equal(rt.calls.filter((c) => c.method === "listPodSandboxStats").length, 1);
  });

  it("falls back to ListContainerStats grouped by sandbox when ListPodSandboxStats is unimplemented", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"], usage: () => ({ nanoCores: 2e8, workingSetBytes: 3 * Mi }) });
    await runPod(rt, "a", ["one", "two"]);
    rt.failNext("listPodSandboxStats", { code: "unimplemented", message: "unknown method ListPodSandboxStats" });
    const provider = criStatsProvider({ runtime: rt, fsPath: "/", readNode: fakeNode(clock, () => 1) });
    const sample = await provider.sample();
    const summary = buildSummary({ nodeName: "n1", ...sample, cache: new CpuRateCache() });
    assert.equal(summary.pods.length, 1);
    assert.equal(summary.pods[0]!.memory?.workingSetBytes, 6 * Mi);
    assert.deepEqual(summary.pods[0]!.containers.map((c) => c.name).sort(), ["one", "two"]);
  });

  it("writes /metrics/resource with upstream's names, labels and millisecond timestamps", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"], usage: () => ({ nanoCores: 5e8, workingSetBytes: 10 * Mi }) });
    await runPod(rt, "web", ["nginx"]);
    clock.step(4000);
    const service = new SummaryService({ nodeName: "n1", provider: criStatsProvider({ runtime: rt, fsPath: "/", readNode: fakeNode(clock, () => 42.5) }), now: () => clock.now() });
    const text = resourceMetricsText(await service.summary());
    const ts = clock.now();
    assert.match(text, /# TYPE container_cpu_usage_seconds_total counter\n/);
    assert.match(text, new RegExp(`\ncontainer_cpu_usage_seconds_total\\{container="nginx",namespace="default",pod="web"\\} 2 ${ts}\n`));
    assert.match(text, new RegExp(`\ncontainer_memory_working_set_bytes\\{container="nginx",namespace="default",pod="web"\\} 10485760 ${ts}\n`));
    assert.match(text, new RegExp(`\nnode_cpu_usage_seconds_total 42.5 ${ts}\n`));
    assert.match(text, /\nnode_memory_working_set_bytes 943718400 \d+\n/);
    assert.match(text, /\npod_cpu_usage_seconds_total\{namespace="default",pod="web"\} 2 \d+\n/);
    assert.match(text, /\npod_memory_working_set_bytes\{namespace="default",pod="web"\} 10485760 \d+\n/);
    assert.match(text, new RegExp(`\ncontainer_start_time_seconds\\{container="nginx",namespace="default",pod="web"\\} ${(ts - 4000) / 1000}\n`));
    assert.match(text, /\nresource_scrape_error 0\n$/);
    assert.match(resourceMetricsText(undefined), /\nresource_scrape_error 1\n$/);
  });

  it("synthesises a node from its pods for simulated nodes", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"] });
    await runPod(rt, "a", ["main"]);
    clock.step(1000);
    const { stats } = await rt.listPodSandboxStats();
    const pod = stats[0]!.linux!.containers[0]!;
    assert.ok(Number(pod.memory!.workingSetBytes!.value) >= 4 * Mi, "synthetic usage is plausible");
    const node = syntheticNodeUsage(stats, { bootTime: clock.now() - 10_000, now: clock.now(), memoryCapacityBytes: 8192 * Mi });
    assert.equal(node.memory.workingSetBytes, 256 * Mi + Number(pod.memory!.workingSetBytes!.value));
    assert.equal(node.cpuUsageCoreNanoSeconds, Number(pod.cpu!.usageCoreNanoSeconds!.value) + 0.5e9);
  });
});

describe("kubelet stats: /proc", () => {
  it("counts busy CPU time from /proc/stat in core-nanoseconds and reads btime", () => {
    const stat = "cpu  100 5 50 1000 20 3 2 0 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nbtime 1700000000\nprocs_running 3\n";
    assert.deepEqual(parseProcStat(stat), { cpuUsageCoreNanoSeconds: 160 * 1e7, bootTime: 1_700_000_000_000, processes: 3 });
  });

  it("takes the working set as used minus inactive file pages", () => {
    const m = parseMeminfo("MemTotal:       8000000 kB\nMemFree:        2000000 kB\nInactive(file):  1000000 kB\nAnonPages:      3000000 kB\n");
    assert.equal(m.usageBytes, 6_000_000 * 1024);
    assert.equal(m.workingSetBytes, 5_000_000 * 1024);
    assert.equal(m.availableBytes, 3_000_000 * 1024);
    assert.equal(m.rssBytes, 3_000_000 * 1024);
  });

  it("reports the default route's interface first and leaves loopback out", () => {
    const dev = "Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n  eth0: 1000 10 2 0 0 0 0 0 500 5 1 0 0 0 0 0\n  cni0: 7 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n";
    const route = "Iface\tDestination\tGateway\n eth0\t00000000\t0101A8C0\n";
    const net = parseNetDev(dev, parseDefaultRoute(route));
    assert.equal(net?.name, "eth0");
    assert.equal(net?.rxBytes, 1000);
    assert.equal(net?.rxErrors, 2);
    assert.equal(net?.txBytes, 500);
    assert.deepEqual(net?.interfaces?.map((i) => i.name), ["eth0", "cni0"]);
  });
});
