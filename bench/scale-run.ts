// The scale benchmark's engine (the CLI is bench/scale.ts; test/scale-smoke.test.ts runs the
// small preset): a real `k8ts server --disable-agent`, a real `k8ts sim` as a separate
// process, pods created through Deployments spread over namespaces, and measurements taken
// from outside, through the API, while the cluster fills.
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpsRequest } from "node:https";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resources, type HttpTransport, type HttpTransportOptions } from "../src/client/index.js";
import { freePort, k8tsBin } from "../test/harness/index.js";

export interface ScaleOptions {
  nodes: number;
  pods: number;
  /** Replicas per Deployment (default 100, fewer when pods are fewer). */
  replicas?: number;
  /** Namespaces the Deployments are spread over (default pods / 3,000, at least 1). */
  namespaces?: number;
  /** The sim's --startup-delay (default "0s": start-up latency is then the control plane's alone). */
  startupDelay?: string;
  watchPerNode?: boolean;
  /** Passed to `k8ts server` (another engineer adds etcd behind it). */
  datastoreEndpoint?: string;
  /** Pods per second the Deployments ask for (0: all at once, the default). */
  rate?: number;
  /** Extra node flags for the server and the sim (`--cpu-prof`, `--heapsnapshot-signal=SIGUSR2`, `--max-old-space-size=…`). */
  serverNodeArgs?: string[];
  /** Extra `k8ts server` flags (e.g. `--metric-resolution=5m`). */
  serverArgs?: string[];
  simNodeArgs?: string[];
  /** Where the JSON, the SVG and the processes' logs go (default a temp dir). */
  outDir?: string;
  /** Give up after this long (default 1 h). */
  timeoutMs?: number;
  /** Called with one progress line every 2 s. */
  progress?: (line: string) => void;
  /** Time the full LIST of every pod at the end (default true). */
  fullList?: boolean;
  /** Once every pod is Running, signal the server (its node args must include --heapsnapshot-signal=SIGUSR2) and wait this long for the snapshot. */
  heapSnapshotWaitMs?: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ScaleResult {
  preset: { nodes: number; pods: number; deployments: number; namespaces: number; startupDelay: string; watchPerNode: boolean; store: string; rate: number };
  machine: { cpus: number; model: string; memoryGiB: number; node: string; loadAverageAtStart: number[] };
  allRunning: boolean;
  running: number;
  durations: { nodesReadySeconds: number; fillSeconds: number };
  scheduler: { meanPodsPerSecond: number; worst10sPodsPerSecond: number; best10sPodsPerSecond: number };
  podStartupMs: Percentiles;
  apiMs: { mutation: Percentiles; get: Percentiles; list: Percentiles; fullListOfAllPods?: number; fullListPaged?: number; fullListError?: string };
  watchDelayMs: Percentiles;
  server: { idleRssMiB: number; peakRssMiB: number; cpuSeconds: number; errorLines: number };
  sim: { peakRssMiB: number; cpuSeconds: number };
  storeBytes: number;
  /** Successful writes (create, update, patch, apply, delete) by resource[/subresource] over the whole run, from the server's apiserver_request_total. */
  writesByResource?: Record<string, number>;
  /** Per second since the load began: pods bound, pods seen Running, server and sim RSS (MiB). */
  series: { t: number; bound: number; running: number; serverRssMiB: number; simRssMiB: number }[];
  files: { json: string; svg: string; serverLog: string; simLog: string };
}

const clockTicks = 100; // USER_HZ on Linux

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function startProcess(args: string[], logFile: string, log: { lines: string[] }): Proc {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const chunks: string[] = [];
  const onData = (d: Buffer) => {
    const text = d.toString();
    chunks.push(text);
    tail = (tail + text).slice(-20_000);
    for (const line of text.split("\n")) if (line) log.lines.push(line);
    if (log.lines.length > 5000) log.lines.splice(0, log.lines.length - 5000);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  // The whole log goes to a file at the end; memory holds it meanwhile (servers log little).
  void exited.then(() => writeFile(logFile, chunks.join("")).catch(() => undefined));
  return { child, exited, output: () => tail };
}

async function waitFor(what: string, proc: Proc, test: (out: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test(proc.output())) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${what} did not get ready in time:\n${proc.output()}`);
    await sleep(100);
  }
}

async function procStats(pid: number | undefined): Promise<{ rss: number; peak: number; cpuSeconds: number } | undefined> {
  if (!pid) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11], [12] are utime, stime (fields 14 and 15 of /proc/PID/stat).
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks;
    return { rss: kb("VmRSS"), peak: kb("VmHWM"), cpuSeconds };
  } catch {
    return undefined;
  }
}

export function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN);
  return { count: s.length, p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), max: round(s.length ? s[s.length - 1] : NaN) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else total += (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function machineInfo(): Promise<ScaleResult["machine"]> {
  const os = await import("node:os");
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "", memoryGiB: Math.round(os.totalmem() / 1024 ** 3), node: process.version, loadAverageAtStart: os.loadavg().map((x) => round(x)) };
}

const deploymentsResource = resources.deployments;

export async function runScaleBench(options: ScaleOptions): Promise<ScaleResult> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outDir = options.outDir ?? (await mkdtemp(join(tmpdir(), "k8ts-bench-scale-")));
  await mkdir(outDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), "k8ts-bench-data-"));
  const base = `scale-${options.nodes}n-${options.pods}p`;
  const files = { json: join(outDir, `${base}.json`), svg: join(outDir, `${base}.svg`), serverLog: join(outDir, `${base}-server.log`), simLog: join(outDir, `${base}-sim.log`) };
  const namespaces = options.namespaces ?? Math.max(1, Math.round(options.pods / 3000));
  const replicas = options.replicas ?? Math.min(100, Math.max(1, Math.ceil(options.pods / namespaces)));
  const deployments = Math.ceil(options.pods / replicas);
  const startupDelay = options.startupDelay ?? "0s";
  const storeName = options.datastoreEndpoint ? options.datastoreEndpoint.replace(/:\/\/.*/, "") : "sqlite";
  const machine = await machineInfo();
  const serverLog = { lines: [] as string[] };
  const simLog = { lines: [] as string[] };
  const procs: Proc[] = [];
  let transport: HttpTransport | undefined;
  let result: ScaleResult | undefined;
  const stop = new AbortController();
  // Interrupted: take the server and the sim down too, then exit.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // SIGUSR2: stop waiting for the fill now and report what was reached (as at the timeout).
  let cutShort = false;
  const onCut = () => {
    cutShort = true;
    progress("scale: SIGUSR2: reporting what the fill reached so far");
  };
  process.on("SIGUSR2", onCut);
  try {
    // ---- server ----
    const port = await freePort();
    const serverArgs = [...(options.serverNodeArgs ?? []), k8tsBin, "server", "--data-dir", dataDir, "--https-listen-port", String(port), "--bind-address", "127.0.0.1", "--disable-agent", "--cluster-dns-port", "0"];
    if (options.datastoreEndpoint) serverArgs.push("--datastore-endpoint", options.datastoreEndpoint);
    serverArgs.push(...(options.serverArgs ?? []));
    const server = startProcess(serverArgs, files.serverLog, serverLog);
    procs.push(server);
    await waitFor("k8ts server", server, (out) => /listening: /.test(out), 60_000);
    const kubeconfig = join(dataDir, "kubeconfig.yaml");
    transport = httpTransport({ ...(await loadKubeconfig(kubeconfig)), maxSockets: 256, userAgent: "k8ts-bench-scale" });
    const client = new Client({ transport });
    for (let i = 0; ; i++) {
      try {
        await client.get(resources.namespaces, "default");
        break;
      } catch (err) {
        if (i > 100) throw err;
        await sleep(100);
      }
    }
    await sleep(3000); // let controllers settle before the idle figure
    const idle = await procStats(server.child.pid);

    // ---- simulated nodes ----
    const t0 = performance.now();
    const simArgs = [...(options.simNodeArgs ?? []), k8tsBin, "sim", "--kubeconfig", kubeconfig, "--nodes", String(options.nodes), "--startup-delay", startupDelay];
    if (options.watchPerNode) simArgs.push("--watch-per-node");
    const sim = startProcess(simArgs, files.simLog, simLog);
    procs.push(sim);
    await waitFor("k8ts sim", sim, (out) => /registered and watching/.test(out), 30 * 60_000);
    const nodesReadySeconds = (performance.now() - t0) / 1000;
    progress(`scale: ${options.nodes} nodes registered in ${nodesReadySeconds.toFixed(1)} s`);

    // ---- watch every bench pod: created → bound → Running ----
    const nsNames = Array.from({ length: namespaces }, (_, i) => `scale-${i}`);
    const nsSet = new Set(nsNames);
    const seen = new Map<string, { created: number; bound?: number; running?: number }>();
    const boundTimes: number[] = [];
    const startup: number[] = [];
    let runningCount = 0;
    const loadStart = performance.now();
    const podWatch = (async () => {
      let rv = (await client.list(resources.pods, { limit: 1 })).metadata.resourceVersion;
      while (!stop.signal.aborted) {
        try {
          for await (const ev of client.watch(resources.pods, { resourceVersion: rv, allowWatchBookmarks: true, signal: stop.signal })) {
            const now = performance.now();
            const obj = ev.object as KubeObject;
            if (obj.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
            if (ev.type !== "ADDED" && ev.type !== "MODIFIED") continue;
            if (!nsSet.has(obj.metadata.namespace ?? "")) continue;
            const uid = obj.metadata.uid ?? "";
            let p = seen.get(uid);
            if (!p) seen.set(uid, (p = { created: now }));
            const nodeName = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
            if (nodeName && p.bound === undefined) {
              p.bound = now;
              boundTimes.push(now - loadStart);
            }
            const phase = (obj.status as { phase?: string } | undefined)?.phase;
            if (phase === "Running" && p.running === undefined) {
              p.running = now;
              runningCount++;
              startup.push(now - p.created);
            }
          }
        } catch (err) {
          if (stop.signal.aborted) break;
          progress(`scale: pod watch ended (${err instanceof Error ? err.message : String(err)}); re-listing`);
          rv = (await client.list(resources.pods, { limit: 1 })).metadata.resourceVersion;
        }
      }
    })();

    // ---- API latency probes and the watch-delay probe, in their own namespace ----
    const probeNs = "scale-probe";
    await client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: probeNs } });
    for (const ns of nsNames) await client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const mutationMs: number[] = [];
    const getMs: number[] = [];
    const listMs: number[] = [];
    const watchDelay: number[] = [];
    const pendingAcks = new Map<string, number>();
    const probeWatch = (async () => {
      const rv = (await client.list(resources.configmaps, { namespace: probeNs })).metadata.resourceVersion;
      try {
        for await (const ev of client.watch(resources.configmaps, { namespace: probeNs, resourceVersion: rv, signal: stop.signal })) {
          const now = performance.now();
          const rvs = ev.object.metadata?.resourceVersion ?? "";
          const ack = pendingAcks.get(rvs);
          if (ack !== undefined) {
            pendingAcks.delete(rvs);
            watchDelay.push(Math.max(0, now - ack));
          } else if (ev.type === "MODIFIED" || ev.type === "ADDED") pendingAcks.set(rvs, -now); // event before the ack
        }
      } catch {
        // stopped
      }
    })();
    const ackWrite = (rv: string | undefined, at: number) => {
      if (!rv) return;
      const early = pendingAcks.get(rv);
      if (early !== undefined && early < 0) {
        pendingAcks.delete(rv);
        watchDelay.push(0); // the event beat the acknowledgement
      } else pendingAcks.set(rv, at);
    };
    let probeSeq = 0;
    const probes = (async () => {
      const probeCm = await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "probe", namespace: probeNs }, data: { n: "0" } });
      ackWrite(probeCm.metadata.resourceVersion, performance.now());
      let tick = 0;
      while (!stop.signal.aborted) {
        tick++;
        try {
          let t = performance.now();
          const created = await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `probe-${probeSeq++}`, namespace: probeNs }, data: { n: String(tick) } });
          let now = performance.now();
          mutationMs.push(now - t);
          ackWrite(created.metadata.resourceVersion, now);
          t = performance.now();
          const patched = await client.patch(resources.configmaps, "probe", { data: { n: String(tick) } }, { namespace: probeNs, type: "merge" });
          now = performance.now();
          mutationMs.push(now - t);
          ackWrite(patched.metadata.resourceVersion, now);
          t = performance.now();
          await client.get(resources.configmaps, "probe", { namespace: probeNs });
          getMs.push(performance.now() - t);
          const anyPod = seen.size ? nsNames[tick % namespaces] : undefined;
          if (anyPod) {
            t = performance.now();
            await client.get(resources.namespaces, anyPod);
            getMs.push(performance.now() - t);
          }
          if (tick % 5 === 0) {
            t = performance.now();
            await client.list(resources.pods, { namespace: nsNames[tick % namespaces], limit: 500 });
            listMs.push(performance.now() - t);
          }
        } catch (err) {
          if (!stop.signal.aborted) progress(`scale: probe failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        await sleep(100);
      }
    })();

    // ---- resources, once a second ----
    const series: ScaleResult["series"] = [];
    let serverCpu = 0;
    let simCpu = 0;
    let serverPeak = 0;
    let simPeak = 0;
    const sampler = setInterval(() => {
      void Promise.all([procStats(server.child.pid), procStats(sim.child.pid)]).then(([s, m]) => {
        if (s) {
          serverCpu = s.cpuSeconds;
          serverPeak = Math.max(serverPeak, s.peak);
        }
        if (m) {
          simCpu = m.cpuSeconds;
          simPeak = Math.max(simPeak, m.peak);
        }
        series.push({ t: Math.round((performance.now() - loadStart) / 1000), bound: boundTimes.length, running: runningCount, serverRssMiB: s ? mib(s.rss) : 0, simRssMiB: m ? mib(m.rss) : 0 });
      });
    }, 1000);

    // ---- the load: Deployments, at `rate` pods/s or all at once ----
    const fillStart = performance.now();
    let createdDeployments = 0;
    const rate = options.rate ?? 0;
    const creator = (async () => {
      let next = 0;
      const width = rate > 0 ? 1 : 16;
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (next < deployments && !stop.signal.aborted) {
            const i = next++;
            const n = Math.min(replicas, options.pods - i * replicas);
            if (rate > 0) {
              const due = fillStart + ((i * replicas) / rate) * 1000;
              if (due > performance.now()) await sleep(due - performance.now());
            }
            await client.create(deploymentsResource, deployment(`scale-${i}`, nsNames[i % namespaces], n));
            createdDeployments++;
          }
        }),
      );
    })();

    const timeoutMs = options.timeoutMs ?? 3_600_000;
    let lastBound = 0;
    let lastAt = performance.now();
    while (runningCount < options.pods) {
      await sleep(2000);
      if (server.child.exitCode !== null) throw new Error(`k8ts server exited (${server.child.exitCode}):\n${server.output().slice(-3000)}`);
      if (sim.child.exitCode !== null) throw new Error(`k8ts sim exited (${sim.child.exitCode}):\n${sim.output().slice(-3000)}`);
      const now = performance.now();
      const rateNow = ((boundTimes.length - lastBound) * 1000) / (now - lastAt);
      lastBound = boundTimes.length;
      lastAt = now;
      const last = series[series.length - 1];
      progress(
        `scale: ${((now - fillStart) / 1000).toFixed(0)}s deployments ${createdDeployments}/${deployments} pods seen ${seen.size} bound ${boundTimes.length} (${rateNow.toFixed(0)}/s) running ${runningCount}/${options.pods}` +
          (last ? ` | server ${last.serverRssMiB} MiB ${serverCpu.toFixed(0)} cpu-s, sim ${last.simRssMiB} MiB ${simCpu.toFixed(0)} cpu-s` : ""),
      );
      if (now - fillStart > timeoutMs || cutShort) break;
    }
    const fillSeconds = (performance.now() - fillStart) / 1000;
    if (options.heapSnapshotWaitMs) {
      progress("scale: asking the server for a heap snapshot (SIGUSR2)");
      server.child.kill("SIGUSR2");
      await sleep(options.heapSnapshotWaitMs);
    }
    await creator.catch((err: unknown) => progress(`scale: creating deployments failed: ${String(err)}`));

    // ---- the full LIST of every pod ----
    let fullListOfAllPods: number | undefined;
    let fullListPaged: number | undefined;
    let fullListError: string | undefined;
    if (options.fullList !== false) {
      try {
        // One request, as a client asking for everything: the body is counted as it streams
        // (150,000 pods are ~500 MB, more than one JavaScript string holds), not parsed.
        const t = performance.now();
        const { bytes, items } = await streamedList(await loadKubeconfig(kubeconfig), "/api/v1/pods", 300_000);
        fullListOfAllPods = Math.round(performance.now() - t);
        progress(`scale: LIST of all pods in one request: ${items} pods, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${fullListOfAllPods} ms`);
        // As `kubectl get pods -A` reads them: pages of 500 with continue tokens.
        const t2 = performance.now();
        let count = 0;
        let token: string | undefined;
        do {
          const page = await client.list(resources.pods, { limit: 500, continue: token, signal: AbortSignal.timeout(120_000) });
          count += page.items.length;
          token = page.metadata?.continue || undefined;
        } while (token);
        fullListPaged = Math.round(performance.now() - t2);
        progress(`scale: LIST of all ${count} pods in pages of 500 in ${fullListPaged} ms`);
      } catch (err) {
        fullListError = err instanceof Error ? err.message : String(err);
      }
    }
    clearInterval(sampler);
    stop.abort();
    await Promise.allSettled([podWatch, probeWatch, probes]);
    const finalServer = await procStats(server.child.pid);
    const finalSim = await procStats(sim.child.pid);

    // ---- scheduler throughput from binding times ----
    const sched = throughput(boundTimes);
    const storeBytes = await dirSize(join(dataDir, "db"));
    const errorLines = serverLog.lines.filter((l) => /\berror\b|panic|unhandled|exception/i.test(l)).length;
    const writes = await writesByResource(transport).catch(() => undefined);
    result = {
      preset: { nodes: options.nodes, pods: options.pods, deployments, namespaces, startupDelay, watchPerNode: options.watchPerNode === true, store: storeName, rate },
      machine,
      allRunning: runningCount >= options.pods,
      running: runningCount,
      durations: { nodesReadySeconds: round(nodesReadySeconds), fillSeconds: round(fillSeconds) },
      scheduler: sched,
      podStartupMs: percentiles(startup),
      apiMs: { mutation: percentiles(mutationMs), get: percentiles(getMs), list: percentiles(listMs), fullListOfAllPods, fullListPaged, fullListError },
      watchDelayMs: percentiles(watchDelay),
      server: { idleRssMiB: idle ? mib(idle.rss) : NaN, peakRssMiB: mib(Math.max(serverPeak, finalServer?.peak ?? 0)), cpuSeconds: round(finalServer?.cpuSeconds ?? serverCpu), errorLines },
      sim: { peakRssMiB: mib(Math.max(simPeak, finalSim?.peak ?? 0)), cpuSeconds: round(finalSim?.cpuSeconds ?? simCpu) },
      storeBytes,
      writesByResource: writes,
      series,
      files,
    };
    await writeFile(files.json, JSON.stringify(result, null, 2) + "\n");
    await writeFile(files.svg, chart(result));
    return result;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGUSR2", onCut);
    stop.abort();
    transport?.close();
    // SIGTERM so --cpu-prof profiles are written; SIGKILL if they hang.
    for (const p of procs.reverse()) {
      if (p.child.exitCode === null) p.child.kill("SIGTERM");
      const timer = setTimeout(() => p.child.kill("SIGKILL"), 180_000);
      await p.exited;
      clearTimeout(timer);
    }
    await sleep(200);
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Successful writes (POST, PUT, PATCH, APPLY, DELETE: upstream's verb labels) by resource[/subresource], from the server's apiserver_request_total:
 * every write the server acknowledged, which the store's log no longer shows once
 * compaction has removed superseded revisions.
 */
async function writesByResource(transport: HttpTransport | undefined): Promise<Record<string, number> | undefined> {
  if (!transport) return undefined;
  const res = await transport({ method: "GET", path: "/metrics", query: {} });
  const text = res.text ?? (typeof res.body === "string" ? res.body : "");
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^apiserver_request_total\{(.*)\} ([\d.e+]+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (!["POST", "PUT", "PATCH", "APPLY", "DELETE"].includes(labels.verb ?? "") || !/^2/.test(labels.code ?? "")) continue;
    const name = labels.subresource ? `${labels.resource}/${labels.subresource}` : (labels.resource ?? "");
    out[name] = (out[name] ?? 0) + Number(m[2]);
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

function deployment(name: string, namespace: string, replicas: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] },
      },
    },
  } as KubeObject;
}

/** Mean binding rate over the binding period, and the worst and best 10 s windows in it. */
export function throughput(boundMs: number[]): ScaleResult["scheduler"] {
  if (boundMs.length < 2) return { meanPodsPerSecond: NaN, worst10sPodsPerSecond: NaN, best10sPodsPerSecond: NaN };
  const s = [...boundMs].sort((a, b) => a - b);
  const first = s[0];
  const last = s[s.length - 1];
  const span = last - first;
  const mean = ((s.length - 1) * 1000) / Math.max(1, span);
  if (span < 10_000) return { meanPodsPerSecond: round(mean), worst10sPodsPerSecond: round(mean), best10sPodsPerSecond: round(mean) };
  // 1 s buckets, then every 10-bucket window that lies inside [first, last].
  const buckets = new Array<number>(Math.floor(span / 1000) + 1).fill(0);
  for (const t of s) buckets[Math.min(buckets.length - 1, Math.floor((t - first) / 1000))]++;
  let worst = Infinity;
  let best = 0;
  let sum = 0;
  for (let i = 0; i < buckets.length; i++) {
    sum += buckets[i];
    if (i >= 10) sum -= buckets[i - 10];
    if (i >= 9) {
      worst = Math.min(worst, sum / 10);
      best = Math.max(best, sum / 10);
    }
  }
  return { meanPodsPerSecond: round(mean), worst10sPodsPerSecond: round(worst), best10sPodsPerSecond: round(best) };
}

/** Three panels over time: pods bound and Running (cumulative), binding rate, RSS. */
export function chart(r: ScaleResult): string {
  const w = 900;
  const panelH = 200;
  const pad = 50;
  const series = r.series;
  const tMax = Math.max(1, ...series.map((s) => s.t));
  const x = (t: number) => pad + ((w - 2 * pad) * t) / tMax;
  const panels: string[] = [];
  const panel = (index: number, title: string, lines: { label: string; color: string; values: number[] }[]) => {
    const top = 40 + index * (panelH + 50);
    const yMax = Math.max(1, ...lines.flatMap((l) => l.values));
    const y = (v: number) => top + panelH - (panelH * v) / yMax;
    const parts = [`<text x="${pad}" y="${top - 8}" font-size="13" font-weight="bold">${esc(title)}</text>`, `<rect x="${pad}" y="${top}" width="${w - 2 * pad}" height="${panelH}" fill="none" stroke="#999"/>`];
    parts.push(`<text x="${pad - 4}" y="${top + 10}" font-size="10" text-anchor="end">${fmt(yMax)}</text><text x="${pad - 4}" y="${top + panelH}" font-size="10" text-anchor="end">0</text>`);
    parts.push(`<text x="${w - pad}" y="${top + panelH + 14}" font-size="10" text-anchor="end">${tMax} s</text>`);
    lines.forEach((l, i) => {
      const pts = series.map((s, k) => `${x(s.t).toFixed(1)},${y(l.values[k]).toFixed(1)}`).join(" ");
      parts.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.5" points="${pts}"/>`);
      parts.push(`<text x="${pad + 10 + i * 190}" y="${top + 16}" font-size="11" fill="${l.color}">${esc(l.label)}</text>`);
    });
    panels.push(parts.join(""));
  };
  const rates = series.map((s, i) => (i === 0 ? 0 : (s.bound - series[i - 1].bound) / Math.max(1, s.t - series[i - 1].t)));
  panel(0, `k8ts scale: ${r.preset.nodes} nodes, ${r.preset.pods} pods (${r.preset.store}) — pods over time`, [
    { label: "bound", color: "#1f77b4", values: series.map((s) => s.bound) },
    { label: "Running", color: "#2ca02c", values: series.map((s) => s.running) },
  ]);
  panel(1, `scheduler: pods bound per second (mean ${fmt(r.scheduler.meanPodsPerSecond)}, worst 10 s ${fmt(r.scheduler.worst10sPodsPerSecond)})`, [{ label: "bound/s", color: "#d62728", values: rates }]);
  panel(2, `RSS (MiB): server peak ${r.server.peakRssMiB}, sim peak ${r.sim.peakRssMiB}`, [
    { label: "server", color: "#9467bd", values: series.map((s) => s.serverRssMiB) },
    { label: "sim", color: "#8c564b", values: series.map((s) => s.simRssMiB) },
  ]);
  const h = 40 + 3 * (panelH + 50);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${panels.join("")}</svg>\n`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "–";
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

/** GET `path` and count the body's bytes and items (`"kind":"Pod"`… would be fragile: count item starts after `"items":[`). */
function streamedList(options: HttpTransportOptions, path: string, timeoutMs: number): Promise<{ bytes: number; items: number }> {
  const url = new URL(options.server);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ hostname: url.hostname, port: url.port, path, method: "GET", ca: options.ca, cert: options.cert, key: options.key, headers: { Accept: "application/json", ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) }, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let bytes = 0;
      let items = 0;
      // Items are the objects at depth 2 inside "items": count each `{` that opens one.
      let depth = 0;
      let inString = false;
      let escaped = false;
      let inItems = false;
      let tail = "";
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        const text = chunk.toString("latin1");
        for (let i = 0; i < text.length; i++) {
          const c = text[i];
          if (inString) {
            if (escaped) escaped = false;
            else if (c === "\\") escaped = true;
            else if (c === '"') inString = false;
            continue;
          }
          if (c === '"') {
            inString = true;
            if (depth === 1) tail = text.slice(i, i + 8);
          } else if (c === "{" || c === "[") {
            if (depth === 1 && c === "[" && tail.startsWith('"items"')) inItems = true;
            depth++;
            if (inItems && depth === 3 && c === "{") items++;
          } else if (c === "}" || c === "]") {
            depth--;
            if (depth === 1) inItems = false;
          }
        }
      });
      res.on("end", () => (res.statusCode === 200 ? resolve({ bytes, items }) : reject(new Error(`LIST answered ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
