import { setMaxListeners } from "node:events";
import { release } from "node:os";
import type { Pod, PodStatus } from "../../api/index.js";
import { Informer, WorkQueue, keyOf, realClock, resource, runWorkers, type Client, type Clock } from "../../client/index.js";
import { isApiError } from "../../machinery/index.js";
import type { MachineInfo } from "../node/machine-info.js";
import { NodeAgent } from "../node/node-agent.js";
import { computePodStatus } from "../pods/status.js";
import { ContainerState } from "../runtime/index.js";
import { podStage, type SimBehaviour } from "./pod-stages.js";

const podsResource = resource<Pod>("", "v1", "pods", "Pod", true);

export interface SimOptions {
  /** The shared pod watch's client (and every node's, unless `nodeClient`). */
  client: Client;
  /** A node's own client (its own identity, system:node:NAME, which the Node authorizer requires). */
  nodeClient?: (nodeName: string) => Client;
  /** How many nodes: `<prefix>0` … `<prefix>N-1`. */
  nodes: number;
  namePrefix?: string;
  /** Node capacity: pods (--max-pods), CPUs and memory bytes. */
  podsPerNode?: number;
  cpus?: number;
  memoryBytes?: number;
  behaviour: SimBehaviour;
  /** One pod watch per node (`fieldSelector=spec.nodeName=NAME`), as real agents hold; default one shared watch. */
  watchPerNode?: boolean;
  /** Node registrations in flight at once (default 64). */
  concurrency?: number;
  /**
   * Pod status writes in flight at once (default: one per node, as N real agents each
   * write their own pods' status). A small number here capped pods Running at
   * writers ÷ the server's latency (64 writers on a busy server: ~30 pods/s) while the
   * server had time to spare for them.
   */
  statusWriters?: number;
  signal: AbortSignal;
  clock?: Clock;
  /** Progress lines (every `progressEveryMs`, default 10 s) and errors. */
  log?: (line: string) => void;
  progressEveryMs?: number;
}

export interface SimStats {
  nodesRegistered: number;
  podsTracked: number;
  podsRunning: number;
  statusWrites: number;
  errors: number;
}

export interface RunningSim {
  nodeNames: string[];
  stats(): SimStats;
  /** Resolves once every node is registered and the pod watches have synced. */
  ready: Promise<void>;
  /** Resolves once `signal` aborted and every loop stopped (the Nodes stay, as when real agents stop). */
  done: Promise<void>;
}

interface SimPod {
  uid: string;
  node: number;
  boundAtMs: number;
  podIP: string;
  /** Hash of the last status written, so a stale cache does not cause a second identical write. */
  written?: number;
  phase?: string;
}

/**
 * `k8ts sim`: many simulated ("hollow") nodes in one process. Each node is the real node
 * agent's NodeAgent (registration, Lease renewal every 10 s, node status every 10 s) over
 * the one shared Client; pods bound to a simulated node are "run" by the stages in
 * pod-stages.ts and their status is computed by the kubelet's own computePodStatus and
 * written to pods/status, so an observer sees what a real agent reports (the sim skips the
 * agent's events and its first Pending/ContainerCreating write).
 *
 * By default one pod watch (`spec.nodeName!=`) serves every node and is filtered here, so
 * N nodes do not mean N watch streams; `watchPerNode` opens N watches instead.
 */
export function startSim(options: SimOptions): RunningSim {
  const { client, signal } = options;
  const clientOf = (node: number): Client => (options.nodeClient ? options.nodeClient(nodeNames[node]) : client);
  setMaxListeners(0, signal);
  const clock = options.clock ?? realClock;
  const log = options.log ?? ((line: string) => console.log(line));
  const prefix = options.namePrefix ?? "sim-node-";
  const nodeNames = Array.from({ length: options.nodes }, (_, i) => `${prefix}${i}`);
  const nodeIndex = new Map(nodeNames.map((n, i) => [n, i]));
  const concurrency = options.concurrency ?? 64;
  const pods = new Map<string, Pod>();
  const state = new Map<string, SimPod>();
  const ipCounter = new Uint32Array(options.nodes);
  const agents: NodeAgent[] = [];
  const agentSignals: AbortSignal[] = [];
  const stats: SimStats = { nodesRegistered: 0, podsTracked: 0, podsRunning: 0, statusWrites: 0, errors: 0 };
  let lastError = "";
  const onError = (err: unknown) => {
    stats.errors++;
    lastError = err instanceof Error ? err.message : String(err);
  };

  const queue = new WorkQueue({ clock });
  const onPod = (pod: Pod) => {
    const node = pod.spec?.nodeName;
    if (!node || !nodeIndex.has(node)) return;
    const key = keyOf(pod);
    pods.set(key, pod);
    queue.add(key);
  };
  const handlers = {
    add: onPod,
    // Our own status writes come back as updates: only a new uid or a deletion wakes the pod (podsDifferSemantically).
    update: (old: Pod, pod: Pod) => {
      if (old.metadata.uid !== pod.metadata.uid || (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) || old.spec?.nodeName !== pod.spec?.nodeName) onPod(pod);
      else if (pods.has(keyOf(pod))) pods.set(keyOf(pod), pod);
    },
    delete: (pod: Pod) => {
      const key = keyOf(pod);
      if (pods.delete(key)) queue.add(key);
    },
  };
  const newInformer = (fieldSelector: string, watchClient: Client) => {
    const inf = new Informer<Pod>({ client: watchClient, resource: podsResource, fieldSelector, clock, transform: slimPod, onError });
    inf.addHandler(handlers);
    return inf;
  };

  const machineOf = (i: number): MachineInfo => ({
    cpus: options.cpus ?? 8,
    memoryBytes: options.memoryBytes ?? 32 * 1024 ** 3,
    ephemeralStorageBytes: 100 * 1024 ** 3,
    machineID: `sim${i.toString(16).padStart(29, "0")}`,
    systemUUID: `00000000-0000-0000-0000-${i.toString(16).padStart(12, "0")}`,
    bootID: `00000000-0000-0000-0001-${i.toString(16).padStart(12, "0")}`,
    kernelVersion: release(),
    osImage: "k8ts sim",
    operatingSystem: "linux",
    architecture: "amd64",
    hostname: nodeNames[i],
    internalIP: hostIPOf(i),
  });

  const reconcile = async (key: string): Promise<{ requeueAfterMs?: number } | void> => {
    const pod = pods.get(key);
    if (!pod) {
      const s = state.get(key);
      if (s?.phase === "Running") stats.podsRunning--;
      if (state.delete(key)) stats.podsTracked--;
      return;
    }
    const node = nodeIndex.get(pod.spec?.nodeName ?? "");
    if (node === undefined) return;
    const uid = pod.metadata.uid ?? "";
    let s = state.get(key);
    if (!s || s.uid !== uid) {
      if (s?.phase === "Running") stats.podsRunning--;
      if (!s) stats.podsTracked++;
      s = { uid, node, boundAtMs: clock.now(), podIP: podIPOf(node, ipCounter[node]++) };
      state.set(key, s);
    }
    const now = clock.now();
    if (pod.metadata.deletionTimestamp) {
      await terminate(pod, s, now);
      return;
    }
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return;
    const stage = podStage(pod, { boundAtMs: s.boundAtMs, nowMs: now, behaviour: options.behaviour, podIP: s.podIP });
    if (now < stage.startAtMs) return { requeueAfterMs: stage.startAtMs - now };
    const status = computePodStatus({ pod, runtime: stage.runtime, view: stage.view, hostIP: hostIPOf(node), now: rfc3339(now) });
    await write(pod, s, status);
    if (stage.nextChangeAtMs !== undefined && status.phase !== "Succeeded" && status.phase !== "Failed") return { requeueAfterMs: Math.max(1, stage.nextChangeAtMs - now) };
  };

  const write = async (pod: Pod, s: SimPod, status: PodStatus): Promise<void> => {
    const text = canonical(status);
    const hash = fnv1a(text);
    if (hash === s.written || text === canonical(pod.status ?? {})) return;
    try {
      await clientOf(s.node).patch(podsResource, pod.metadata.name ?? "", { status }, { namespace: pod.metadata.namespace, type: "merge", subresource: "status", signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
    stats.statusWrites++;
    s.written = hash;
    if (status.phase !== s.phase) {
      if (s.phase === "Running") stats.podsRunning--;
      if (status.phase === "Running") stats.podsRunning++;
      s.phase = status.phase;
    }
  };

  // A deleted pod: its containers stop, its terminal status is written, then the kubelet
  // deletes it with grace 0 and a uid precondition (status_manager.go canBeDeleted).
  const terminate = async (pod: Pod, s: SimPod, now: number): Promise<void> => {
    if (pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed" && pod.status?.phase !== undefined && pod.status.phase !== "Pending") {
      const stage = podStage(pod, { boundAtMs: s.boundAtMs, nowMs: now, behaviour: options.behaviour, podIP: s.podIP });
      const containers = stage.runtime.containers.map((c) =>
        c.state === ContainerState.CONTAINER_RUNNING ? { ...c, state: ContainerState.CONTAINER_EXITED, finishedAt: `${BigInt(now) * 1_000_000n}`, exitCode: 0, reason: "Completed" } : c,
      );
      const runtime = { sandbox: stage.runtime.sandbox ? { ...stage.runtime.sandbox, ready: false } : undefined, containers };
      await write(pod, s, computePodStatus({ pod, runtime, view: stage.view, hostIP: hostIPOf(s.node), now: rfc3339(now), terminal: true }));
    }
    try {
      await clientOf(s.node).delete(podsResource, pod.metadata.name ?? "", { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: s.uid }, signal });
    } catch (err) {
      if (!isApiError(err, "NotFound") && !isApiError(err, "Conflict")) throw err;
    }
  };

  const informers: Array<Promise<void>> = [];
  const synced: Array<Promise<boolean>> = [];
  const startInformer = (fieldSelector: string, watchClient: Client) => {
    const inf = newInformer(fieldSelector, watchClient);
    informers.push(inf.start(signal).catch(onError));
    synced.push(inf.waitForSync(signal));
  };

  const register = async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, options.nodes) }, async () => {
        while (next < options.nodes && !signal.aborted) {
          const i = next++;
          const agent = new NodeAgent({
            client: clientOf(i),
            nodeName: nodeNames[i],
            machine: machineOf(i),
            health: () => ({ runtimeReady: true, networkReady: true, memoryPressure: false, diskPressure: false, pidPressure: false }),
            containerRuntimeVersion: () => "k8ts-sim://0.1.0",
            podCidr: podCidrOf(i),
            labels: { "node.k8ts.io/sim": "true" },
            maxPods: options.podsPerNode ?? 110,
            kubeletPort: 10250,
            clock,
            onError,
          });
          const nodeSignal = childSignal(signal);
          await agent.register(nodeSignal);
          agents.push(agent);
          agentSignals.push(nodeSignal);
          stats.nodesRegistered++;
          if (options.watchPerNode) startInformer(`spec.nodeName=${nodeNames[i]}`, clientOf(i));
        }
      }),
    );
  };

  const nodeLoops: Array<Promise<void>> = [];
  const ready = (async () => {
    await register();
    // Started after registration so the first renewals and status ticks are spread the way registrations were.
    agents.forEach((agent, i) => nodeLoops.push(agent.run(agentSignals[i])));
    if (!options.watchPerNode) startInformer("spec.nodeName!=", client);
    await Promise.all(synced);
  })();

  const progress = setInterval(() => {
    log(`sim: ${stats.nodesRegistered}/${options.nodes} nodes, ${stats.podsTracked} pods (${stats.podsRunning} running), ${stats.statusWrites} status writes, ${stats.errors} errors${lastError ? ` (last: ${lastError})` : ""}`);
  }, options.progressEveryMs ?? 10_000);
  progress.unref();

  const statusWriters = options.statusWriters ?? Math.max(1, options.nodes);
  const workers = ready.then(() => runWorkers(queue, (key) => reconcile(key), { workers: statusWriters, signal, onError: (_k, err) => onError(err) }));
  const done = (async () => {
    await Promise.allSettled([ready]);
    await Promise.allSettled([workers, ...informers, ...nodeLoops]);
    clearInterval(progress);
  })();
  ready.catch(() => undefined);
  return { nodeNames, stats: () => ({ ...stats }), ready, done };
}

/** Node i's pod CIDR: 10.128.0.0/24 onwards (room for 32,768 nodes). */
export function podCidrOf(i: number): string {
  return `10.${128 + (i >> 8)}.${i & 255}.0/24`;
}

/** Node i's InternalIP: in 100.64.0.0/10. */
export function hostIPOf(i: number): string {
  const n = i + 1;
  return `100.${64 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

function podIPOf(node: number, counter: number): string {
  return `10.${128 + (node >> 8)}.${node & 255}.${(counter % 253) + 2}`;
}

/** What the sim reads of a pod; the rest is dropped from its cache (150,000 pods are a lot of JSON). */
export function slimPod(pod: Pod): Pod {
  const m = pod.metadata;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.annotations ?? {})) if (k.startsWith("sim.k8ts.io/")) annotations[k] = v;
  const slimContainer = (c: NonNullable<Pod["spec"]>["containers"][number]) => ({ name: c.name, image: c.image, command: c.command, args: c.args, readinessProbe: c.readinessProbe, restartPolicy: c.restartPolicy });
  const spec = pod.spec;
  return {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, deletionTimestamp: m.deletionTimestamp, annotations },
    spec: spec
      ? {
          nodeName: spec.nodeName,
          restartPolicy: spec.restartPolicy,
          hostNetwork: spec.hostNetwork,
          readinessGates: spec.readinessGates,
          containers: spec.containers.map(slimContainer),
          initContainers: spec.initContainers?.map(slimContainer),
        }
      : undefined,
    status: pod.status,
  } as Pod;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A signal of one simulated node's own, aborted with `parent`. Every request and sleep adds
 * an abort listener to the signal it is given, and adding one walks the signal's listeners
 * (EventTarget refuses duplicates): 5,000 nodes sharing one signal spent a third of the sim's
 * CPU in addEventListener.
 */
function childSignal(parent: AbortSignal): AbortSignal {
  const child = new AbortController();
  if (parent.aborted) child.abort(parent.reason);
  else parent.addEventListener("abort", () => child.abort(parent.reason), { once: true });
  return child.signal;
}
