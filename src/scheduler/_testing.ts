// Builders for the scheduler's unit tests: nodes, pods and a cache-backed snapshot.
import type { Affinity, Container, Node, Pod, Taint, Toleration, TopologySpreadConstraint } from "../api/index.js";
import { SchedulerCache } from "./cache/cache.js";
import { Framework, type ProfilePlugin } from "./framework/framework.js";
import type { Plugin } from "./framework/plugin.js";
import { newPodInfo } from "./framework/pod-info.js";
import type { Status } from "./framework/status.js";

export interface NodeSpecForTest {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function makeNode(name: string, o: NodeSpecForTest = {}): Node {
  const allocatable = { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: o.pods ?? "110", ...o.extra };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable, capacity: allocatable },
  };
}

export interface PodSpecForTest {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  hostPort?: number;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  spread?: TopologySpreadConstraint[];
  initContainers?: Container[];
  containers?: Container[];
  overhead?: Record<string, string>;
  created?: string;
  terminating?: boolean;
}

export function makePod(name: string, o: PodSpecForTest = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const container: Container = { name: "c", image: "busybox", resources: { requests }, ports: o.hostPort ? [{ containerPort: 80, hostPort: o.hostPort }] : undefined };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      uid: `uid-${name}`,
      labels: o.labels,
      creationTimestamp: o.created ?? "2026-01-01T00:00:00Z",
      deletionTimestamp: o.terminating ? "2026-01-01T00:00:00Z" : undefined,
    },
    spec: {
      containers: o.containers ?? [container],
      initContainers: o.initContainers,
      nodeName: o.nodeName,
      priority: o.priority ?? 0,
      tolerations: o.tolerations,
      nodeSelector: o.nodeSelector,
      affinity: o.affinity,
      topologySpreadConstraints: o.spread,
      overhead: o.overhead,
      schedulerName: "default-scheduler",
    },
    status: { phase: "Pending" },
  };
}

/** A snapshot holding these nodes and the pods bound to them. */
export function makeSnapshot(nodes: Node[], pods: Pod[] = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) cache.addPod(p);
  return cache;
}

/** Runs one plugin's PreFilter and Filter for `pod` over every node: node name → status. */
export function filterEach(plugin: Plugin | ProfilePlugin[], pod: Pod, snapshot: SchedulerCache): Map<string, Status> {
  const fw = new Framework(Array.isArray(plugin) ? plugin : [{ plugin }]);
  const ctx = fw.newCycle(snapshot);
  const pi = newPodInfo(pod);
  const pre = fw.runPreFilter(ctx, pi);
  const out = new Map<string, Status>();
  for (const n of snapshot.nodes()) out.set(n.name, pre.code === "Success" ? fw.runFilter(ctx, pi, n) : pre);
  return out;
}

/** Filter outcome per node as "ok" or the reasons joined by "; " — easy to compare in tables. */
export function filterSummary(plugin: Plugin | ProfilePlugin[], pod: Pod, snapshot: SchedulerCache): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of filterEach(plugin, pod, snapshot)) out[name] = s.code === "Success" ? "ok" : `${s.code}: ${s.reasons.join("; ")}`;
  return out;
}

/** PreScore + Score + NormalizeScore of one plugin over every node (all assumed feasible). */
export function scoreEach(plugin: Plugin, pod: Pod, snapshot: SchedulerCache): Record<string, number> {
  const fw = new Framework([{ plugin }]);
  const ctx = fw.newCycle(snapshot);
  const scores = fw.runScore(ctx, newPodInfo(pod), snapshot.nodes());
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}
