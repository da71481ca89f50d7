// Scheduler micro-benchmark (not a test): the scheduling cycle alone, in-process, over a
// cache of NODES nodes already holding EXISTING pods, then PODS pods scheduled one after
// another (schedulePod + assume, as Scheduler.scheduleOne does, without the API).
//
//   NODES=5000 EXISTING=100000 PODS=5000 node dist/bench/scheduler.js
import type { Node, Pod } from "../src/api/index.js";
import { Framework, SchedulerCache, defaultProfile, newPodInfo, schedulePod } from "../src/scheduler/index.js";

const nodes = Number(process.env.NODES ?? 5000);
const existing = Number(process.env.EXISTING ?? 100_000);
const pods = Number(process.env.PODS ?? 5000);
const perDeployment = 100;

function node(i: number): Node {
  const allocatable = { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" };
  const name = `sim-node-${i}`;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": `zone-${i % 3}` } },
    spec: {},
    status: { allocatable, capacity: allocatable, conditions: [{ type: "Ready", status: "True" }] },
  } as Node;
}

function pod(i: number, nodeName?: string): Pod {
  const app = `scale-${Math.floor(i / perDeployment)}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `${app}-${i}`, namespace: `scale-${Math.floor(i / perDeployment) % 50}`, uid: `uid-${i}`, labels: { app, "pod-template-hash": "abc" } },
    spec: { nodeName, schedulerName: "default-scheduler", priority: 0, containers: [{ name: "app", image: "pause", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] },
    status: { phase: nodeName ? "Running" : "Pending" },
  } as Pod;
}

const cache = new SchedulerCache();
for (let i = 0; i < nodes; i++) cache.addNode(node(i));
for (let i = 0; i < existing; i++) cache.addPod(pod(i, `sim-node-${i % nodes}`));
const framework = new Framework(defaultProfile());
let start = 0;
const times: number[] = [];
const t0 = performance.now();
for (let i = existing; i < existing + pods; i++) {
  const p = pod(i);
  const pi = newPodInfo(p);
  const t = performance.now();
  const r = schedulePod({ framework, snapshot: cache, pod: pi, priorityOf: (x) => x.spec?.priority ?? 0, startIndex: start });
  start = r.nextStartIndex;
  if (r.kind !== "scheduled") throw new Error(`pod ${i} unschedulable`);
  cache.assumePod(newPodInfo({ ...p, spec: { ...p.spec!, nodeName: r.nodeName } }), r.nodeName);
  times.push(performance.now() - t);
}
const total = performance.now() - t0;
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(`${nodes} nodes, ${existing} pods placed: ${pods} pods scheduled in ${(total / 1000).toFixed(2)} s = ${((pods * 1000) / total).toFixed(0)} pods/s; per pod p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
