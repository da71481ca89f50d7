// The service proxy of one node: informers on Services, EndpointSlices and its own Node
// feed a level-triggered sync loop that hands the whole service table to a back-end
// (nftables, iptables or userspace). Syncs are coalesced (at most one every
// `minSyncIntervalMs`) and each one programs only what changed since the last.
import { setMaxListeners } from "node:events";
import type { EndpointSlice, Node, Service } from "../api/index.js";
import { ensureIndex, Informer, InformerFactory, resource, resources, type Client } from "../client/index.js";
import type { ProxyBackend, ProxyMode } from "./backend.js";
import { clearConntrack, conntrackDeletions } from "./conntrack.js";
import { commandRunner, type CommandRunner } from "./exec.js";
import { IptablesBackend } from "./iptables-backend.js";
import { IpvsBackend } from "./ipvs-backend.js";
import { NftablesBackend } from "./nftables-backend.js";
import { compareServicePorts, servicePorts, sliceServiceKey, type NodeInfo, type ServicePortInfo } from "./service-table.js";
import { proxyMetrics } from "./metrics.js";
import { UserspaceBackend } from "./userspace-backend.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const endpointSlices = resource<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);
const nodes = resource<Node>(resources.nodes.group, resources.nodes.version, resources.nodes.resource, resources.nodes.kind, false);

export interface ProxyOptions {
  client: Client;
  nodeName: string;
  /** Default nftables. */
  mode?: ProxyMode;
  signal: AbortSignal;
  /** Shared informers (the caller starts them); default: the proxy's own. */
  informers?: InformerFactory;
  /** The node's addresses for NodePorts; default: the Node's InternalIP/ExternalIP addresses. */
  nodeIPs?: string[];
  /** Pods of this node (traffic from elsewhere to a ClusterIP is masqueraded); default: the Node's spec.podCIDR. */
  podCIDR?: string;
  masqueradeAll?: boolean;
  /** Program the kernel of this network namespace instead of our own (tests). */
  netns?: string;
  /** Coalesce changes: at most one sync this often (default 20 ms). */
  minSyncIntervalMs?: number;
  /** Remove every rule, socket and address on stop (default false: like upstream, rules outlive the process). */
  cleanupOnStop?: boolean;
  log?: (line: string) => void;
  /** Told after each successful sync (benchmarks, tests). */
  onSync?: (info: SyncInfo) => void;
}

export interface SyncInfo {
  mode: ProxyMode;
  full: boolean;
  servicePorts: number;
  /** Time spent computing and programming. */
  durationMs: number;
  /** When the oldest change this sync includes was seen (performance.now()). */
  changedAt: number;
  finishedAt: number;
}

export interface RunningProxy {
  mode: ProxyMode;
  /** Resolves after the first successful sync with synced informers. */
  ready: Promise<void>;
  /** Resolves once a sync that started after this call has finished. */
  waitForSync(): Promise<void>;
  /** Resolves when stopped (after clean-up if asked for). */
  done: Promise<void>;
}

/** Builds the back-end of a mode: an explicit map, no registration by import. */
const backends: Record<ProxyMode, (runner: CommandRunner, onError: (err: unknown) => void) => ProxyBackend> = {
  nftables: (runner) => new NftablesBackend(runner),
  iptables: (runner) => new IptablesBackend(runner),
  ipvs: (runner) => new IpvsBackend(runner),
  userspace: (runner, onError) => new UserspaceBackend(runner, onError),
};

/**
 *   const proxy = startProxy({ client, nodeName: "node-1", mode: "nftables", signal });
 *   await proxy.ready;
 */
export function startProxy(options: ProxyOptions): RunningProxy {
  const mode = options.mode ?? "nftables";
  const log = options.log ?? ((line: string) => console.log(line));
  const report = (err: unknown) => log(`proxy: ${err instanceof Error ? err.message : String(err)}`);
  const runner = commandRunner(options.netns);
  const backend = backends[mode](runner, report);
  const { signal } = options;
  setMaxListeners(0, signal);

  const ownInformers = !options.informers;
  const informers = options.informers ?? new InformerFactory({ client: options.client, onError: report });
  const serviceCache = informers.informer(services);
  const sliceCache = informers.informer(endpointSlices);
  ensureIndex(sliceCache, "proxy-service", (s) => {
    const key = sliceServiceKey(s);
    return key ? [key] : [];
  });
  const nodeCache = new Informer<Node>({ client: options.client, resource: nodes, fieldSelector: `metadata.name=${options.nodeName}`, onError: report });

  // Per-Service memo: the same Service and slice objects give the same ServicePortInfo
  // objects, so the back-ends' per-port caches skip unchanged ports by identity.
  const memo = new Map<string, { svc: Service; slices: EndpointSlice[]; nodeKey: string; ports: ServicePortInfo[] }>();
  let prevTable: ServicePortInfo[] = [];

  const nodeInfo = (): NodeInfo => {
    const node = nodeCache.get(options.nodeName);
    const addresses = (node?.status?.addresses ?? []).filter((a) => a.type === "InternalIP" || a.type === "ExternalIP").map((a) => a.address);
    return {
      nodeName: options.nodeName,
      nodeIPs: (options.nodeIPs ?? addresses).filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip)),
      podCIDR: options.podCIDR ?? node?.spec?.podCIDR,
      masqueradeAll: options.masqueradeAll,
    };
  };

  const buildTable = (node: NodeInfo): ServicePortInfo[] => {
    const nodeKey = `${node.nodeName}`;
    const out: ServicePortInfo[] = [];
    const seen = new Set<string>();
    for (const svc of serviceCache.list()) {
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      seen.add(key);
      const slices = sliceCache.byIndex("proxy-service", key);
      const m = memo.get(key);
      if (m && m.svc === svc && m.nodeKey === nodeKey && m.slices.length === slices.length && m.slices.every((s, i) => s === slices[i])) {
        out.push(...m.ports);
        continue;
      }
      const ports = servicePorts(svc, slices, node);
      memo.set(key, { svc, slices, nodeKey, ports });
      out.push(...ports);
    }
    for (const key of memo.keys()) if (!seen.has(key)) memo.delete(key);
    return out.sort(compareServicePorts);
  };

  // ---- the sync loop ----
  const minInterval = options.minSyncIntervalMs ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let dirtySince: number | undefined;
  let lastStart = 0;
  let initialized = false;
  let syncCount = 0;
  const syncWaiters: Array<{ after: number; resolve: () => void }> = [];
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  const schedule = (delayMs?: number): void => {
    dirtySince ??= performance.now();
    if (!initialized || running || signal.aborted) return;
    const wait = delayMs ?? Math.max(0, lastStart + minInterval - performance.now());
    if (timer) {
      if (delayMs === undefined) return;
      clearTimeout(timer);
    }
    timer = setTimeout(() => void runSync(), wait);
  };

  const runSync = async (): Promise<void> => {
    timer = undefined;
    if (signal.aborted) return;
    running = true;
    const changedAt = dirtySince ?? performance.now();
    dirtySince = undefined;
    const startedSync = ++syncCount;
    lastStart = performance.now();
    let retryAfterMs: number | undefined;
    try {
      const node = nodeInfo();
      const table = buildTable(node);
      const result = await backend.sync(table, node);
      retryAfterMs = result.retryAfterMs;
      if (mode !== "userspace") await clearConntrack(runner, conntrackDeletions(prevTable, table), report);
      prevTable = table;
      const finishedAt = performance.now();
      proxyMetrics.syncDuration.observe((finishedAt - lastStart) / 1000);
      proxyMetrics.lastSync.inc();
      options.onSync?.({ mode, full: result.full, servicePorts: table.length, durationMs: finishedAt - lastStart, changedAt, finishedAt });
      resolveReady();
      for (let i = syncWaiters.length - 1; i >= 0; i--) {
        if (syncWaiters[i]!.after < startedSync) {
          syncWaiters[i]!.resolve();
          syncWaiters.splice(i, 1);
        }
      }
    } catch (err) {
      report(err);
      dirtySince ??= changedAt;
      retryAfterMs = 1000;
    } finally {
      running = false;
    }
    if (dirtySince !== undefined) schedule();
    else if (retryAfterMs !== undefined && !signal.aborted) {
      timer = setTimeout(() => void runSync(), retryAfterMs);
    }
  };

  const changed = (): void => schedule();
  for (const inf of [serviceCache, sliceCache, nodeCache] as Array<Informer<Service> | Informer<EndpointSlice> | Informer<Node>>) {
    (inf as Informer<Service>).addHandler({ add: changed, update: changed, delete: changed });
  }

  const done = (async () => {
    const nodeDone = nodeCache.start(signal);
    if (ownInformers) informers.start(signal);
    const synced = await Promise.all([serviceCache.waitForSync(signal), sliceCache.waitForSync(signal), nodeCache.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await cleanupOtherModes(mode, runner);
      initialized = true;
      log(`proxy: ${mode} mode on node ${options.nodeName}`);
      schedule(0);
    }
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    if (timer) clearTimeout(timer);
    while (running) await new Promise((r) => setTimeout(r, 10));
    await nodeDone.catch(() => undefined);
    if (options.cleanupOnStop) await backend.cleanup().catch(report);
    await backend.close().catch(report);
    for (const w of syncWaiters.splice(0)) w.resolve();
  })();

  return {
    mode,
    ready,
    done,
    waitForSync: () =>
      new Promise<void>((resolve) => {
        syncWaiters.push({ after: syncCount + (running ? 1 : 0), resolve });
        schedule();
      }),
  };
}

/**
 * A proxy that ran in another mode before (or another server's, killed) may have left
 * rules that still catch Service traffic first; they go before the first sync, as
 * upstream kube-proxy cleans the other mode's leftovers on start.
 */
async function cleanupOtherModes(mode: ProxyMode, runner: ReturnType<typeof commandRunner>): Promise<void> {
  for (const other of ["nftables", "iptables", "ipvs"] as const) {
    if (other === mode) continue;
    const backend = backends[other](runner, () => undefined);
    // Nothing to remove is the usual case, and the command then fails: not worth a line.
    await backend.cleanup().catch(() => undefined);
    await backend.close().catch(() => undefined);
  }
}

/** Removes everything a proxy of `mode` may have left (rules, chains, addresses). */
export async function cleanupProxy(mode: ProxyMode, options: { netns?: string } = {}): Promise<void> {
  const runner = commandRunner(options.netns);
  const backend = backends[mode](runner, () => undefined);
  await backend.cleanup();
  await backend.close();
}
