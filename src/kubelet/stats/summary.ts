// CRI stats → the Summary API (pkg/kubelet/stats/cri_stats_provider.go): pods from
// sandbox metadata, containers by name (the newest attempt), pod CPU and memory from the
// sandbox's own figures or else the sum of its containers, usageNanoCores from the
// previous sample of the same cumulative counter when the runtime gives none.
import type { ContainerStats as CriContainerStats, CpuUsage, MemoryUsage, PodSandboxStats } from "../runtime/index.js";
import type { NodeUsage } from "./node-usage.js";
import type { CPUStats, ContainerStats, MemoryStats, NetworkStats, PodStats, Summary } from "./summary-types.js";

/** Last cumulative CPU sample per id, to turn counters into rates (as upstream's cpuUsageCache). */
export class CpuRateCache {
  private readonly last = new Map<string, { nanos: number; at: number; seen: number }>();
  private generation = 0;

  /** Nano-cores since the previous sample of `id`; undefined on the first one or when the counter went back. */
  rate(id: string, usageCoreNanoSeconds: number, atNanos: number): number | undefined {
    const prev = this.last.get(id);
    this.last.set(id, { nanos: usageCoreNanoSeconds, at: atNanos, seen: this.generation });
    if (!prev || atNanos <= prev.at || usageCoreNanoSeconds < prev.nanos) return undefined;
    return Math.round(((usageCoreNanoSeconds - prev.nanos) * 1e9) / (atNanos - prev.at));
  }

  /** Forgets ids not sampled since the previous sweep. */
  sweep(): void {
    for (const [id, v] of this.last) if (v.seen < this.generation) this.last.delete(id);
    this.generation++;
  }
}

export interface BuildSummaryOptions {
  nodeName: string;
  node: NodeUsage;
  sandboxes: PodSandboxStats[];
  createdAt: Map<string, string>;
  cache: CpuRateCache;
}

const num = (v: { value: string | number } | null | undefined): number | undefined => (v == null ? undefined : Number(v.value));
const rfc3339Nanos = (ns: string | number | undefined): string => new Date(Math.floor(Number(ns ?? 0) / 1e6)).toISOString().replace(/\.\d{3}Z$/, "Z");
const rfc3339Ms = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function cpuStats(id: string, cpu: CpuUsage | null | undefined, cache: CpuRateCache): CPUStats | undefined {
  if (!cpu) return undefined;
  const total = num(cpu.usageCoreNanoSeconds);
  let rate = num(cpu.usageNanoCores);
  if (total !== undefined) {
    const computed = cache.rate(id, total, Number(cpu.timestamp));
    if (!rate) rate = computed;
  }
  return { time: rfc3339Nanos(cpu.timestamp), usageNanoCores: rate, usageCoreNanoSeconds: total };
}

function memoryStats(m: MemoryUsage | null | undefined): MemoryStats | undefined {
  if (!m) return undefined;
  return {
    time: rfc3339Nanos(m.timestamp),
    availableBytes: num(m.availableBytes),
    usageBytes: num(m.usageBytes),
    workingSetBytes: num(m.workingSetBytes),
    rssBytes: num(m.rssBytes),
    pageFaults: num(m.pageFaults),
    majorPageFaults: num(m.majorPageFaults),
  };
}

/** One entry per container name: the newest attempt. */
function newestByName(containers: CriContainerStats[]): CriContainerStats[] {
  const byName = new Map<string, CriContainerStats>();
  for (const c of containers) {
    const name = c.attributes?.metadata?.name ?? "";
    const prev = byName.get(name);
    if (!prev || (c.attributes?.metadata?.attempt ?? 0) >= (prev.attributes?.metadata?.attempt ?? 0)) byName.set(name, c);
  }
  return [...byName.values()];
}

export function buildSummary(o: BuildSummaryOptions): Summary {
  const nodeNanos = o.node.timestamp * 1e6;
  const nodeTime = rfc3339Ms(o.node.timestamp);
  const pods: PodStats[] = [];
  for (const s of o.sandboxes) {
    const meta = s.attributes?.metadata;
    const id = s.attributes?.id ?? "";
    if (!meta) continue;
    const containers: ContainerStats[] = newestByName(s.linux?.containers ?? []).map((c) => ({
      name: c.attributes?.metadata?.name ?? "",
      startTime: rfc3339Nanos(o.createdAt.get(c.attributes?.id ?? "")),
      cpu: cpuStats(c.attributes?.id ?? "", c.cpu, o.cache),
      memory: memoryStats(c.memory),
      rootfs: c.writableLayer
        ? { time: rfc3339Nanos(c.writableLayer.timestamp), usedBytes: num(c.writableLayer.usedBytes), inodesUsed: num(c.writableLayer.inodesUsed) }
        : undefined,
    }));
    let cpu = cpuStats(`pod:${id}`, s.linux?.cpu, o.cache);
    let memory = memoryStats(s.linux?.memory);
    if (!cpu?.usageCoreNanoSeconds && containers.length > 0) cpu = sumCpu(containers);
    if (memory?.workingSetBytes === undefined && containers.length > 0) memory = sumMemory(containers);
    const net = s.linux?.network;
    const network: NetworkStats | undefined = net
      ? {
          time: rfc3339Nanos(net.timestamp),
          ...(net.defaultInterface ? iface(net.defaultInterface) : { name: "" }),
          interfaces: net.interfaces.map(iface),
        }
      : undefined;
    const rootfsUsed = containers.reduce((a, c) => a + (c.rootfs?.usedBytes ?? 0), 0);
    pods.push({
      podRef: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
      startTime: rfc3339Nanos(o.createdAt.get(id)),
      containers,
      cpu,
      memory,
      network,
      "ephemeral-storage": { time: nodeTime, usedBytes: rootfsUsed },
      process_stats: s.linux?.process ? { process_count: num(s.linux.process.processCount) } : undefined,
    });
  }
  o.cache.sweep();
  // The node's rate goes through the cache too, under a name no container has.
  const nodeRate = o.cache.rate("node:", o.node.cpuUsageCoreNanoSeconds, nodeNanos);
  const fs = o.node.fs ? { time: nodeTime, ...o.node.fs } : undefined;
  return {
    node: {
      nodeName: o.nodeName,
      startTime: rfc3339Ms(o.node.bootTime),
      cpu: { time: nodeTime, usageNanoCores: nodeRate, usageCoreNanoSeconds: Math.round(o.node.cpuUsageCoreNanoSeconds) },
      memory: { time: nodeTime, ...o.node.memory },
      network: o.node.network ? { time: nodeTime, ...o.node.network } : undefined,
      fs,
      runtime: fs ? { imageFs: fs, containerFs: fs } : undefined,
      rlimit: o.node.rlimit ? { time: nodeTime, ...o.node.rlimit } : undefined,
    },
    pods,
  };
}

function iface(i: { name: string; rxBytes?: { value: string | number } | null; rxErrors?: { value: string | number } | null; txBytes?: { value: string | number } | null; txErrors?: { value: string | number } | null }) {
  return { name: i.name, rxBytes: num(i.rxBytes), rxErrors: num(i.rxErrors), txBytes: num(i.txBytes), txErrors: num(i.txErrors) };
}

function sumCpu(containers: ContainerStats[]): CPUStats {
  let total = 0;
  let rate = 0;
  let time = "";
  for (const c of containers) {
    total += c.cpu?.usageCoreNanoSeconds ?? 0;
    rate += c.cpu?.usageNanoCores ?? 0;
    if ((c.cpu?.time ?? "") > time) time = c.cpu!.time;
  }
  return { time, usageCoreNanoSeconds: total, usageNanoCores: rate };
}

function sumMemory(containers: ContainerStats[]): MemoryStats {
  let ws = 0;
  let usage = 0;
  let time = "";
  for (const c of containers) {
    ws += c.memory?.workingSetBytes ?? 0;
    usage += c.memory?.usageBytes ?? 0;
    if ((c.memory?.time ?? "") > time) time = c.memory!.time;
  }
  return { time, workingSetBytes: ws, usageBytes: usage };
}
