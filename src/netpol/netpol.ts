// The NetworkPolicy enforcer of one node: informers on pods, namespaces and policies feed
// a level-triggered, coalescing sync loop (as the service proxy's) that recomputes the
// desired rules for this node's pods and applies only the chains that changed, to
// `table inet k8ts-netpol` in nftables or to K8TS-NP-* chains in iptables (backend.ts).
import { setMaxListeners } from "node:events";
import type { Namespace, NetworkPolicy, Pod } from "../api/index.js";
import { Informer, resource, type Client } from "../client/index.js";
import { chooseNetpolBackend, IptablesNetpolBackend, isNetpolMode, NftablesNetpolBackend, otherNetpolBackend, type NetpolBackend, type NetpolMode } from "./backend.js";
import { commandRunner, type CommandRunner } from "./exec.js";
import type { PodEntry } from "./plan.js";

const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const namespaces = resource<Namespace>("", "v1", "namespaces", "Namespace", false);
const networkPolicies = resource<NetworkPolicy>("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true);

export interface NetworkPolicyOptions {
  client: Client;
  nodeName: string;
  signal: AbortSignal;
  /** Program the kernel of this network namespace instead of our own (tests). */
  netns?: string;
  /** nftables, iptables, or auto (default: $K8TS_NETWORK_POLICY_MODE, else auto: nftables when `nft` works). */
  mode?: NetpolMode;
  /** Coalesce changes: at most one sync this often (default 20 ms). */
  minSyncIntervalMs?: number;
  log?: (line: string) => void;
}

export interface RunningNetworkPolicy {
  /** Resolves after the first successful sync with synced informers. */
  ready: Promise<void>;
  /** The back-end in use once chosen (before `ready`). */
  mode(): "nftables" | "iptables" | undefined;
  /** Resolves once a sync that started after this call has finished. */
  waitForSync(): Promise<void>;
  done: Promise<void>;
}

const podEntries = new WeakMap<Pod, PodEntry | null>();

/** What the rules need of a pod; null for pods that have no address of their own (hostNetwork, finished, not started). */
export function podEntry(pod: Pod): PodEntry | null {
  let e = podEntries.get(pod);
  if (e !== undefined) return e;
  const phase = pod.status?.phase;
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  if (pod.spec?.hostNetwork || phase === "Succeeded" || phase === "Failed" || ips.length === 0) e = null;
  else {
    const namedPorts = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.name).map((p) => ({ name: p.name!, port: p.containerPort, protocol: p.protocol ?? "TCP" })));
    e = { namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "", labels: pod.metadata.labels ?? {}, ips, nodeName: pod.spec?.nodeName, namedPorts };
  }
  podEntries.set(pod, e);
  return e;
}

/** Makes bridged (same-node) pod-to-pod traffic pass the inet forward hook. */
async function enableBridgeNetfilter(runner: CommandRunner, log: (line: string) => void): Promise<void> {
  await runner.run("modprobe", ["br_netfilter"]).catch(() => undefined);
  const r = await runner.run("sysctl", ["-w", "net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1"]).catch(() => undefined);
  if (!r || r.code !== 0) log("network policy: bridge-nf-call-iptables could not be set: same-node pod-to-pod traffic is not filtered (modprobe br_netfilter)");
}

/**
 *   const np = startNetworkPolicy({ client, nodeName: "node-1", signal });
 *   await np.ready;
 */
export function startNetworkPolicy(options: NetworkPolicyOptions): RunningNetworkPolicy {
  const log = options.log ?? ((line: string) => console.log(line));
  const report = (err: unknown) => log(`network policy: ${err instanceof Error ? err.message : String(err)}`);
  const runner = commandRunner(options.netns);
  const { signal } = options;
  const envMode = process.env.K8TS_NETWORK_POLICY_MODE;
  const mode: NetpolMode = options.mode ?? (isNetpolMode(envMode) ? envMode : "auto");
  setMaxListeners(0, signal);
  const podCache = new Informer<Pod>({ client: options.client, resource: pods, onError: report });
  const nsCache = new Informer<Namespace>({ client: options.client, resource: namespaces, onError: report });
  const policyCache = new Informer<NetworkPolicy>({ client: options.client, resource: networkPolicies, onError: report });

  let backend: NetpolBackend | undefined;
  const minInterval = options.minSyncIntervalMs ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let dirty = false;
  let lastStart = 0;
  let initialized = false;
  let syncCount = 0;
  const waiters: Array<{ after: number; resolve: () => void }> = [];
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  const schedule = (delayMs?: number): void => {
    dirty = true;
    if (!initialized || running || signal.aborted || timer) return;
    timer = setTimeout(() => void runSync(), delayMs ?? Math.max(0, lastStart + minInterval - performance.now()));
  };

  const runSync = async (): Promise<void> => {
    timer = undefined;
    const b = backend; // set before the first schedule
    if (signal.aborted || !b) return;
    running = true;
    dirty = false;
    const started = ++syncCount;
    lastStart = performance.now();
    try {
      await b.sync({
        nodeName: options.nodeName,
        pods: podCache.list().map(podEntry).filter((e): e is PodEntry => e !== null),
        namespaces: nsCache.list().map((n) => ({ name: n.metadata.name ?? "", labels: n.metadata.labels ?? {} })),
        policies: policyCache.list(),
      });
      resolveReady();
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.after < started) waiters.splice(i, 1)[0]!.resolve();
      }
    } catch (err) {
      report(err);
      dirty = true;
      lastStart = performance.now() + 1000; // retry in about a second
    } finally {
      running = false;
    }
    if (dirty) schedule();
  };

  const changed = (): void => schedule();
  podCache.addHandler({ add: changed, update: changed, delete: changed });
  nsCache.addHandler({ add: changed, update: changed, delete: changed });
  policyCache.addHandler({ add: changed, update: changed, delete: changed });

  const done = (async () => {
    const started = [podCache.start(signal), nsCache.start(signal), policyCache.start(signal)];
    const synced = await Promise.all([podCache.waitForSync(signal), nsCache.waitForSync(signal), policyCache.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await enableBridgeNetfilter(runner, log);
      backend = await chooseNetpolBackend(mode, runner, log);
      // The other back-end's rules of an earlier run would keep dropping what no policy asks to drop.
      await otherNetpolBackend(backend, runner).cleanup().catch(() => undefined);
      initialized = true;
      log(`network policy: enforcing in ${backend.where} on node ${options.nodeName}${mode === "auto" ? " (auto: nftables when nft works)" : ""}`);
      schedule(0);
    }
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    if (timer) clearTimeout(timer);
    while (running) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(started.map((p) => p.catch(() => undefined)));
    for (const w of waiters.splice(0)) w.resolve();
  })();

  return {
    ready,
    done,
    mode: () => backend?.mode,
    waitForSync: () =>
      new Promise<void>((resolve) => {
        waiters.push({ after: syncCount + (running ? 1 : 0), resolve });
        schedule();
      }),
  };
}

/**
 * Removes `table inet k8ts-netpol` and the K8TS-NP-* iptables chains with FORWARD's jump
 * (k8ts uninstall, tests); nothing to remove is not an error.
 */
export async function cleanupNetworkPolicy(options: { netns?: string } = {}): Promise<void> {
  const runner = commandRunner(options.netns);
  await new NftablesNetpolBackend(runner).cleanup();
  await new IptablesNetpolBackend(runner).cleanup();
}
