// Scale benchmark (not a test): `npm run bench:scale -- --preset small|medium|full` or
// `--nodes N --pods P`. Starts `k8ts server --disable-agent` (SQLite unless
// --datastore-endpoint) and `k8ts sim` as separate processes, creates the pods through
// Deployments spread over namespaces, waits until every pod is Running with a progress
// line, then prints the figures and writes them as JSON plus an SVG chart.
//
//   npm run bench:scale -- --preset small
//   npm run bench:scale -- --nodes 5000 --pods 150000 --out docs/benchmarks
//   npm run bench:scale -- --preset medium "--server-node-args=--cpu-prof --cpu-prof-dir=/tmp/prof"
//   npm run bench:scale -- --preset small "--server-node-args=--heapsnapshot-signal=SIGUSR2" --heap-snapshot-wait-seconds 30
//   (a heap snapshot lands in the server's working directory once every pod is Running)
// `kill -USR2 <bench pid>` ends the fill early and reports what it reached (as --timeout-minutes does).
import { parseArgs } from "node:util";
import { runScaleBench, type ScaleResult } from "./scale-run.js";

const presets: Record<string, { nodes: number; pods: number }> = {
  small: { nodes: 100, pods: 3000 },
  medium: { nodes: 1000, pods: 30_000 },
  full: { nodes: 5000, pods: 150_000 },
};

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    preset: { type: "string" },
    nodes: { type: "string" },
    pods: { type: "string" },
    replicas: { type: "string" },
    namespaces: { type: "string" },
    "startup-delay": { type: "string", default: "0s" },
    "watch-per-node": { type: "boolean", default: false },
    "datastore-endpoint": { type: "string" },
    rate: { type: "string", default: "0" },
    "server-node-args": { type: "string" },
    "server-args": { type: "string" },
    "sim-node-args": { type: "string" },
    out: { type: "string" },
    "timeout-minutes": { type: "string", default: "60" },
    "no-full-list": { type: "boolean", default: false },
    "heap-snapshot-wait-seconds": { type: "string" },
  },
});

const preset = values.preset ? presets[values.preset] : undefined;
if (values.preset && !preset) throw new Error(`--preset: "${values.preset}" is not one of ${Object.keys(presets).join(", ")}`);
const nodes = Number(values.nodes ?? preset?.nodes ?? presets.small.nodes);
const pods = Number(values.pods ?? preset?.pods ?? presets.small.pods);
const split = (s: string | undefined) => (s ? s.split(/\s+/).filter(Boolean) : undefined);

const r: ScaleResult = await runScaleBench({
  nodes,
  pods,
  replicas: values.replicas ? Number(values.replicas) : undefined,
  namespaces: values.namespaces ? Number(values.namespaces) : undefined,
  startupDelay: values["startup-delay"],
  watchPerNode: values["watch-per-node"],
  datastoreEndpoint: values["datastore-endpoint"],
  rate: Number(values.rate),
  serverNodeArgs: split(values["server-node-args"]),
  serverArgs: split(values["server-args"]),
  simNodeArgs: split(values["sim-node-args"]),
  outDir: values.out,
  timeoutMs: Number(values["timeout-minutes"]) * 60_000,
  fullList: !values["no-full-list"],
  heapSnapshotWaitMs: values["heap-snapshot-wait-seconds"] ? Number(values["heap-snapshot-wait-seconds"]) * 1000 : undefined,
});

const p = (x: { p50: number; p90?: number; p99: number }) => `p50 ${x.p50} ms${x.p90 !== undefined ? ` / p90 ${x.p90} ms` : ""} / p99 ${x.p99} ms`;
const rows: [string, string][] = [
  ["preset", `${r.preset.nodes} nodes, ${r.preset.pods} pods in ${r.preset.deployments} Deployments over ${r.preset.namespaces} namespaces, ${r.preset.store}, startup delay ${r.preset.startupDelay}, ${r.preset.watchPerNode ? "a watch per node" : "one shared watch"}`],
  ["machine", `${r.machine.cpus} × ${r.machine.model}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load average at start ${r.machine.loadAverageAtStart.join(" ")}`],
  ["all Running", `${r.allRunning} (${r.running}/${r.preset.pods})`],
  ["nodes registered", `${r.durations.nodesReadySeconds} s`],
  ["fill (first Deployment → all Running)", `${r.durations.fillSeconds} s`],
  ["scheduler throughput", `mean ${r.scheduler.meanPodsPerSecond} pods/s, worst 10 s ${r.scheduler.worst10sPodsPerSecond}/s, best 10 s ${r.scheduler.best10sPodsPerSecond}/s`],
  ["pod start-up (created → Running)", p(r.podStartupMs)],
  ["API mutations", `${p(r.apiMs.mutation)} (${r.apiMs.mutation.count} samples)`],
  ["API GETs", `${p(r.apiMs.get)} (${r.apiMs.get.count})`],
  ["API LISTs (one namespace's pods, limit 500)", `${p(r.apiMs.list)} (${r.apiMs.list.count})`],
  ["LIST of all pods (one request / pages of 500)", r.apiMs.fullListOfAllPods !== undefined ? `${r.apiMs.fullListOfAllPods} ms / ${r.apiMs.fullListPaged ?? "–"} ms` : (r.apiMs.fullListError ?? "skipped")],
  ["watch delay (ack → event)", p(r.watchDelayMs)],
  ["server RSS", `idle ${r.server.idleRssMiB} MiB, peak ${r.server.peakRssMiB} MiB; ${r.server.cpuSeconds} CPU s; ${r.server.errorLines} error lines in its log`],
  ["sim RSS", `peak ${r.sim.peakRssMiB} MiB; ${r.sim.cpuSeconds} CPU s`],
  ["store on disk", `${(r.storeBytes / 1024 / 1024).toFixed(1)} MiB`],
];
if (r.writesByResource) {
  const top = Object.entries(r.writesByResource).slice(0, 8);
  rows.push(["writes by resource (apiserver_request_total)", top.map(([k, n]) => `${k} ${n}`).join(", ")]);
}
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`\nJSON ${r.files.json}\nSVG  ${r.files.svg}\nlogs ${r.files.serverLog} ${r.files.simLog}`);
process.exitCode = r.allRunning ? 0 : 1;
