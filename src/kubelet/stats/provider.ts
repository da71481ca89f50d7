// Where the kubelet's stats come from, behind one small interface so a real node
// (containerd + /proc) and a `k8ts sim` node (FakeRuntime's synthetic figures) go
// through the same Summary and /metrics/resource code.
import type { ContainerRuntime, ContainerStats, PodSandboxStats } from "../runtime/index.js";
import { PodSandboxState, RuntimeError } from "../runtime/index.js";
import { readNodeUsage, type NodeUsage } from "./node-usage.js";

/**
 * One sample of everything the node runs.
 *
 * Promises: `sample()` reads fresh figures each call (callers cache); pods are the
 * runtime's ready sandboxes with their containers; a runtime that cannot answer rejects.
 */
export interface StatsProvider {
  sample(signal?: AbortSignal): Promise<StatsSample>;
}

export interface StatsSample {
  node: NodeUsage;
  /** Ready sandboxes with their containers' stats, CRI's shape. */
  sandboxes: PodSandboxStats[];
  /** Creation time (ns since the epoch, decimal) of sandboxes and containers, by id. */
  createdAt: Map<string, string>;
}

/**
 * Stats from the CRI runtime (ListPodSandboxStats; ListContainerStats grouped by sandbox
 * when the runtime lacks the former) and the node from `readNode` (default: /proc).
 */
export function criStatsProvider(options: { runtime: ContainerRuntime; fsPath: string; readNode?: () => Promise<NodeUsage> }): StatsProvider {
  const { runtime } = options;
  const readNode = options.readNode ?? (() => readNodeUsage(options.fsPath));
  let sandboxStatsUnimplemented = false;
  return {
    async sample(signal) {
      const [node, sandboxList, containerList] = await Promise.all([
        readNode(),
        runtime.listPodSandbox({ filter: { state: { state: PodSandboxState.SANDBOX_READY } } }, { signal }),
        runtime.listContainers({}, { signal }),
      ]);
      const createdAt = new Map<string, string>();
      for (const s of sandboxList.items) createdAt.set(s.id, s.createdAt);
      for (const c of containerList.containers) createdAt.set(c.id, c.createdAt);
      let sandboxes: PodSandboxStats[] | undefined;
      if (!sandboxStatsUnimplemented) {
        try {
          sandboxes = (await runtime.listPodSandboxStats({}, { signal })).stats;
        } catch (err) {
          if (!(err instanceof RuntimeError && err.code === "unimplemented")) throw err;
          sandboxStatsUnimplemented = true;
        }
      }
      if (!sandboxes) {
        const { stats } = await runtime.listContainerStats({}, { signal });
        const bySandbox = new Map<string, ContainerStats[]>();
        const sandboxOf = new Map(containerList.containers.map((c) => [c.id, c.podSandboxId]));
        for (const cs of stats) {
          const id = sandboxOf.get(cs.attributes?.id ?? "");
          if (!id) continue;
          bySandbox.set(id, [...(bySandbox.get(id) ?? []), cs]);
        }
        sandboxes = sandboxList.items.map((s) => ({
          attributes: { id: s.id, metadata: s.metadata, labels: s.labels ?? {}, annotations: s.annotations ?? {} },
          linux: { containers: bySandbox.get(s.id) ?? [] },
        }));
      }
      const ready = new Set(sandboxList.items.map((s) => s.id));
      return { node, sandboxes: sandboxes.filter((s) => ready.has(s.attributes?.id ?? "")), createdAt };
    },
  };
}

/**
 * A simulated node: the pods' figures from the (fake) runtime, the node's as their sum
 * plus a steady system overhead, against the given capacity.
 */
export function syntheticNodeUsage(sandboxes: PodSandboxStats[], options: { bootTime: number; now: number; memoryCapacityBytes: number; overheadNanoCores?: number; overheadBytes?: number }): NodeUsage {
  let cpu = 0;
  let mem = options.overheadBytes ?? 256 * 1024 * 1024;
  for (const s of sandboxes) {
    for (const c of s.linux?.containers ?? []) {
      cpu += Number(c.cpu?.usageCoreNanoSeconds?.value ?? 0);
      mem += Number(c.memory?.workingSetBytes?.value ?? 0);
    }
  }
  cpu += ((options.overheadNanoCores ?? 50e6) * (options.now - options.bootTime)) / 1000;
  return {
    timestamp: options.now,
    bootTime: options.bootTime,
    cpuUsageCoreNanoSeconds: cpu,
    memory: { workingSetBytes: mem, usageBytes: mem, availableBytes: Math.max(0, options.memoryCapacityBytes - mem) },
  };
}

/**
 * A simulated node's provider (`k8ts sim`, bench:metrics): the pods' figures from its
 * FakeRuntime (steady synthetic usage unless scripted), the node as their sum plus overhead.
 */
export function simulatedStatsProvider(options: { runtime: ContainerRuntime; memoryCapacityBytes: number; bootTime?: number; now?: () => number }): StatsProvider {
  const now = options.now ?? Date.now;
  const bootTime = options.bootTime ?? now();
  const inner = criStatsProvider({ runtime: options.runtime, fsPath: "/", readNode: async () => ({ timestamp: now(), bootTime, cpuUsageCoreNanoSeconds: 0, memory: { workingSetBytes: 0, usageBytes: 0, availableBytes: 0 } }) });
  return {
    async sample(signal) {
      const s = await inner.sample(signal);
      return { ...s, node: syntheticNodeUsage(s.sandboxes, { bootTime, now: now(), memoryCapacityBytes: options.memoryCapacityBytes }) };
    },
  };
}
