import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isIPv4 } from "node:net";
import { parseArgs } from "node:util";
import { agentUsage, parseAgentFlags, runAgent } from "./agent.js";
import { parseSimFlags, runSim, simUsage } from "./sim.js";
import { tokenCommand } from "./token.js";
import { imageCommand } from "./image.js";
import { uninstallCommand } from "./uninstall.js";
import { doctorCommand } from "./doctor.js";
import { debugCommand } from "./debug-bundle.js";
import { RollingLog, logDir, recordEffectiveConfig } from "./log-file.js";
import { invokingUser } from "./user-kubeconfig.js";
import { isStoreBackend, runServer, storeBackendNames, type ServerOptions } from "./server.js";
import { isNetpolMode, netpolModes } from "../netpol/index.js";
import { isProxyMode, proxyModes } from "../proxy/index.js";
import { parseEndpoints } from "../storage/index.js";

/**
 * The `k8ts` command: one program, several roles (`server` now; `agent` and `sim` later).
 * `main` parses argv and returns the exit code; bin/k8ts.js calls it.
 */

const usage = `k8ts — Kubernetes, rebuilt in TypeScript on Node.js

Usage:
  k8ts server [flags]   run the control plane (API server, scheduler, controllers, DNS) and a local agent
  k8ts agent [flags]    run a node agent that joins a server (k8ts agent --help)
  k8ts sim [flags]      run N simulated nodes against a server, for scale tests (k8ts sim --help)
  k8ts token create     create a join token for agents (k8ts token --help)
  k8ts image load FILE  import image archives into this node's containerd (k8ts image --help)
  k8ts uninstall        remove everything k8ts made on this machine (k8ts uninstall --help)
  k8ts doctor           check this machine can run k8ts, with the fix for each problem
  k8ts debug bundle     write logs, events, config and node state to one .tar.gz (k8ts debug --help)
  k8ts version          print the version
  k8ts help             print this help

Server flags:
  --data-dir DIR            state, PKI and kubeconfig (default /var/lib/k8ts as root, ~/.k8ts otherwise)
  --bind-address ADDR       address to listen on (default 127.0.0.1)
  --user-kubeconfig PATH|none  merge the admin context into this kubeconfig (default: the invoking user's
                            ~/.kube/config when --data-dir is not given, backed up first; none otherwise)
  --advertise-address IP    where pods and other machines reach the API server and cluster DNS; a loopback-bound
                            server listens there too (default: the bind address, or the node's primary IPv4 address)
  --https-listen-port PORT  port to listen on (default 6443)
  --store ${storeBackendNames.join("|")}     the store backend (default sqlite)
  --datastore-endpoint etcd://H:P[,H:P]  keep state in this etcd cluster instead (https://H:P for TLS); several
                            servers on one etcd form a highly available control plane
  --datastore-cafile FILE, --datastore-certfile FILE, --datastore-keyfile FILE   TLS files for etcd over https
  --leader-elect true|false              run the scheduler and controller manager only while holding their
                            kube-system Lease (default true with --datastore-endpoint, false otherwise)
  --leader-elect-lease-duration D, --leader-elect-renew-deadline D, --leader-elect-retry-period D   (15s, 10s, 2s)
  --watch-cache true|false               serve watches and LISTs from memory, fed by one store watch (default true)
  --disable-agent           do not run a node agent in this process
  --control-loops-thread true|false    run the scheduler and controllers in a worker thread, on a second core beside
                            the API server's; they reach it through a message channel, not HTTP (default true)
  --proxy-mode nftables|iptables|ipvs|userspace   how the local agent's service proxy programs the node (default nftables;
                            ipvs needs the kernel's ip_vs and ipvsadm)
  --network-policy-mode auto|nftables|iptables   where the local agent's NetworkPolicy rules go (default auto:
                            nftables when nft works, else iptables; K8TS_NETWORK_POLICY_MODE sets the default)
  --node-monitor-grace-period DURATION   silence after which a node is NotReady (default 50s)
  --certificate-renew-before DURATION    renew certificates in DATA_DIR/pki with less than this left, at start and
                            hourly while running, without a restart (default 2160h: 90 days, as k3s)
  --terminated-pod-gc-threshold N        terminated pods kept before the oldest are deleted (default 12500)
  --service-cluster-ip-range CIDR        Service ClusterIPs (default 10.43.0.0/16; .1 is the kubernetes Service, .10 kube-dns)
  --service-node-port-range RANGE        Service NodePorts (default 30000-32767)
  --cluster-cidr CIDR                    pod IPs: each node gets a /24 of it in spec.podCIDR (default 10.42.0.0/16)
  --cluster-dns-port PORT                port of the cluster DNS on the advertise address, UDP and TCP (default 10053; 0: a free port)
  --cluster-domain DOMAIN                the cluster DNS zone (default cluster.local)
  --disable-cluster-dns                  do not run the cluster DNS
  --kubelet-port PORT                    the local agent's HTTPS port for logs, exec, attach, port-forward (default 10250; 0: a free port)
  --metric-resolution DURATION           how often the metrics pipeline scrapes kubelets for metrics.k8s.io (default 15s)
`;

/** Thrown for bad command lines: printed with the usage hint, exit code 2. */
class UsageError extends Error {}

export interface MainIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Signals that stop `server`; default SIGTERM and SIGINT on this process. */
  stopSignal?: AbortSignal;
}

const defaultIo: MainIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function main(argv: string[], io: MainIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "server":
        return await serverCommand(rest, io);
      case "agent":
        return await agentCommand(rest, io);
      case "sim":
        return await simCommand(rest, io);
      case "token":
        return await tokenCommand(rest, io, currentUser());
      case "image":
        return await imageCommand(rest, io, currentUser());
      case "uninstall":
        return await uninstallCommand(rest, io, currentUser());
      case "doctor":
        return await doctorCommand(rest, io);
      case "debug":
        return await debugCommand(rest, io, { ...currentUser(), version: packageVersion() });
      case "version":
      case "--version":
        io.out(`k8ts v${packageVersion()} (node ${process.version})\n`);
        return 0;
      case "help":
      case "--help":
      case "-h":
      case undefined:
        io.out(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.err(`k8ts: ${(err as Error).message}\nRun 'k8ts help' for usage.\n`);
      return 2;
    }
    // One clear line for the person at the keyboard; K8TS_DEBUG=1 shows where it came from.
    const detail = err instanceof Error ? (process.env["K8TS_DEBUG"] ? (err.stack ?? err.message) : err.message) : String(err);
    io.err(`k8ts: ${detail}\n`);
    return 1;
  }
}

/** Parses `server` flags into options; throws UsageError on bad values. */
export function parseServerFlags(args: string[], env: { isRoot: boolean; home: string } = currentUser()): ServerOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      "data-dir": { type: "string" },
      "bind-address": { type: "string", default: "127.0.0.1" },
      "advertise-address": { type: "string" },
      "user-kubeconfig": { type: "string" },
      "https-listen-port": { type: "string", default: "6443" },
      store: { type: "string", default: "sqlite" },
      "datastore-endpoint": { type: "string" },
      "datastore-cafile": { type: "string" },
      "datastore-certfile": { type: "string" },
      "datastore-keyfile": { type: "string" },
      "leader-elect": { type: "string" },
      "watch-cache": { type: "string" },
      "leader-elect-lease-duration": { type: "string" },
      "leader-elect-renew-deadline": { type: "string" },
      "leader-elect-retry-period": { type: "string" },
      "disable-agent": { type: "boolean", default: false },
      "control-loops-thread": { type: "string" },
      "proxy-mode": { type: "string" },
      "network-policy-mode": { type: "string" },
      "node-monitor-grace-period": { type: "string" },
      "certificate-renew-before": { type: "string" },
      "terminated-pod-gc-threshold": { type: "string" },
      "service-cluster-ip-range": { type: "string" },
      "cluster-cidr": { type: "string" },
      "service-node-port-range": { type: "string" },
      "cluster-dns-port": { type: "string", default: "10053" },
      "cluster-domain": { type: "string", default: "cluster.local" },
      "disable-cluster-dns": { type: "boolean", default: false },
      "kubelet-port": { type: "string", default: "10250" },
      "metric-resolution": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  const port = Number(values["https-listen-port"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--https-listen-port: "${values["https-listen-port"]}" is not a port number`);
  }
  const store = values.store;
  if (!isStoreBackend(store)) throw new UsageError(`--store: "${store}" is not one of ${storeBackendNames.join(", ")}`);
  const bindAddress = values["bind-address"];
  if (bindAddress === "") throw new UsageError("--bind-address: must not be empty");
  const dataDir = values["data-dir"] ?? (env.isRoot ? "/var/lib/k8ts" : join(env.home, ".k8ts"));
  const options: ServerOptions = { dataDir: resolve(dataDir), bindAddress, port, store, disableAgent: values["disable-agent"] };
  // The admin context goes into the invoking user's ~/.kube/config for the standard install (the default data dir) only.
  const userKubeconfig = values["user-kubeconfig"] ?? (values["data-dir"] === undefined ? "" : "none");
  if (userKubeconfig !== "none") {
    const who = invokingUser(process.env, env.home);
    options.userKubeconfig = { path: userKubeconfig || join(who.home, ".kube", "config"), ...(who.uid !== undefined ? { uid: who.uid, gid: who.gid } : {}) };
  }
  const advertise = values["advertise-address"];
  if (advertise !== undefined) {
    if (!isIPv4(advertise)) throw new UsageError(`--advertise-address: "${advertise}" is not an IPv4 address`);
    options.advertiseAddress = advertise;
  }
  const proxyMode = values["proxy-mode"];
  if (proxyMode !== undefined) {
    if (!isProxyMode(proxyMode)) throw new UsageError(`--proxy-mode: "${proxyMode}" is not one of ${proxyModes.join(", ")}`);
    options.proxyMode = proxyMode;
  }
  const networkPolicyMode = values["network-policy-mode"];
  if (networkPolicyMode !== undefined) {
    if (!isNetpolMode(networkPolicyMode)) throw new UsageError(`--network-policy-mode: "${networkPolicyMode}" is not one of ${netpolModes.join(", ")}`);
    options.networkPolicyMode = networkPolicyMode;
  }
  const grace = values["node-monitor-grace-period"];
  if (grace !== undefined) {
    const ms = parseDurationMs(grace);
    if (ms === undefined || ms <= 0) throw new UsageError(`--node-monitor-grace-period: "${grace}" is not a duration like 40s or 1m`);
    options.nodeMonitorGracePeriodMs = ms;
  }
  const renewBefore = values["certificate-renew-before"];
  if (renewBefore !== undefined) {
    const ms = parseDurationMs(renewBefore);
    if (ms === undefined || ms <= 0) throw new UsageError(`--certificate-renew-before: "${renewBefore}" is not a duration like 2160h`);
    options.certificateRenewBeforeMs = ms;
  }
  const gcThreshold = values["terminated-pod-gc-threshold"];
  if (gcThreshold !== undefined) {
    const n = Number(gcThreshold);
    if (!/^\d+$/.test(gcThreshold) || !Number.isSafeInteger(n)) throw new UsageError(`--terminated-pod-gc-threshold: "${gcThreshold}" is not a whole number`);
    options.terminatedPodGCThreshold = n;
  }
  const ipRange = values["service-cluster-ip-range"];
  if (ipRange !== undefined) {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(ipRange)) throw new UsageError(`--service-cluster-ip-range: "${ipRange}" is not an IPv4 CIDR like 10.43.0.0/16`);
    options.serviceClusterIPRange = ipRange;
  }
  const clusterCidr = values["cluster-cidr"];
  if (clusterCidr !== undefined) {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(clusterCidr) || Number(clusterCidr.split("/")[1]) > 24) throw new UsageError(`--cluster-cidr: "${clusterCidr}" is not an IPv4 CIDR of /24 or wider like 10.42.0.0/16`);
    options.clusterCidr = clusterCidr;
  }
  const portRange = values["service-node-port-range"];
  if (portRange !== undefined) {
    if (!/^\d+-\d+$/.test(portRange)) throw new UsageError(`--service-node-port-range: "${portRange}" is not a range like 30000-32767`);
    options.serviceNodePortRange = portRange;
  }
  const dnsPort = Number(values["cluster-dns-port"]);
  if (!Number.isInteger(dnsPort) || dnsPort < 0 || dnsPort > 65535) throw new UsageError(`--cluster-dns-port: "${values["cluster-dns-port"]}" is not a port number`);
  if (!values["disable-cluster-dns"]) options.clusterDnsPort = dnsPort;
  options.clusterDomain = values["cluster-domain"];
  const kubeletPort = Number(values["kubelet-port"]);
  if (!Number.isInteger(kubeletPort) || kubeletPort < 0 || kubeletPort > 65535) throw new UsageError(`--kubelet-port: "${values["kubelet-port"]}" is not a port number`);
  options.kubeletPort = kubeletPort;
  const resolution = values["metric-resolution"];
  if (typeof resolution === "string") {
    const ms = parseDurationMs(resolution);
    if (ms === undefined || ms <= 0) throw new UsageError(`--metric-resolution: "${resolution}" is not a duration like 15s or 1m`);
    options.metricResolutionMs = ms;
  }
  parseHaFlags(values, options);
  return options;
}

/** --datastore-* (etcd) and --leader-elect* into options. */
function parseHaFlags(values: Record<string, string | boolean | undefined>, options: ServerOptions): void {
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const endpoint = str("datastore-endpoint");
  if (endpoint !== undefined) {
    try {
      parseEndpoints(endpoint);
    } catch (err) {
      throw new UsageError(`--datastore-endpoint: ${(err as Error).message}`);
    }
    options.datastoreEndpoint = endpoint;
    options.datastoreTls = { caFile: str("datastore-cafile"), certFile: str("datastore-certfile"), keyFile: str("datastore-keyfile") };
  } else {
    for (const f of ["datastore-cafile", "datastore-certfile", "datastore-keyfile"]) if (str(f) !== undefined) throw new UsageError(`--${f}: needs --datastore-endpoint`);
  }
  const watchCache = str("watch-cache");
  if (watchCache !== undefined) {
    if (watchCache !== "true" && watchCache !== "false") throw new UsageError(`--watch-cache: "${watchCache}" is not true or false`);
    options.watchCache = watchCache === "true";
  }
  const loopsThread = str("control-loops-thread");
  if (loopsThread !== undefined) {
    if (loopsThread !== "true" && loopsThread !== "false") throw new UsageError(`--control-loops-thread: "${loopsThread}" is not true or false`);
    options.controlLoopsThread = loopsThread === "true";
  }
  const elect = str("leader-elect");
  if (elect !== undefined) {
    if (elect !== "true" && elect !== "false") throw new UsageError(`--leader-elect: "${elect}" is not true or false`);
    options.leaderElect = elect === "true";
  }
  const timings: NonNullable<ServerOptions["leaderElection"]> = {};
  for (const [flag, field] of [
    ["leader-elect-lease-duration", "leaseDurationMs"],
    ["leader-elect-renew-deadline", "renewDeadlineMs"],
    ["leader-elect-retry-period", "retryPeriodMs"],
  ] as const) {
    const text = str(flag);
    if (text === undefined) continue;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0) throw new UsageError(`--${flag}: "${text}" is not a duration like 15s`);
    timings[field] = ms;
  }
  const t = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...timings };
  if (t.leaseDurationMs <= t.renewDeadlineMs) throw new UsageError("--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline");
  if (t.renewDeadlineMs <= t.retryPeriodMs * 1.2) throw new UsageError("--leader-elect-renew-deadline must be greater than 1.2 × --leader-elect-retry-period");
  if (Object.keys(timings).length > 0) options.leaderElection = timings;
}

/** A Go duration ("50s", "1m30s", "500ms", "1h") in milliseconds; undefined if malformed. */
export function parseDurationMs(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    at = re.lastIndex;
  }
  return at === text.length && at > 0 ? total : undefined;
}

class HelpRequested extends Error {}

async function agentCommand(args: string[], io: MainIo): Promise<number> {
  let options;
  try {
    options = await parseAgentFlags(args, currentUser());
  } catch (err) {
    if (isParseArgsError(err)) throw err;
    throw new UsageError((err as Error).message);
  }
  if (options === "help") {
    io.out(agentUsage);
    return 0;
  }
  const stop = io.stopSignal ?? processStopSignal(io);
  recordEffectiveConfig(options.dataDir, "agent", args, options);
  const logFile = new RollingLog({ path: join(logDir(options.dataDir), "k8ts-agent.log") });
  await runAgent({ ...options, log: (line) => (io.out(`${line}\n`), logFile.write(line)) }, stop);
  return 0;
}

async function simCommand(args: string[], io: MainIo): Promise<number> {
  let options;
  try {
    options = await parseSimFlags(args);
  } catch (err) {
    if (isParseArgsError(err)) throw err;
    throw new UsageError((err as Error).message);
  }
  if (options === "help") {
    io.out(simUsage);
    return 0;
  }
  const stop = io.stopSignal ?? processStopSignal(io);
  await runSim({ ...options, log: (line) => io.out(`${line}\n`) }, stop);
  return 0;
}

async function serverCommand(args: string[], io: MainIo): Promise<number> {
  let options: ServerOptions;
  try {
    options = parseServerFlags(args);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.out(usage);
      return 0;
    }
    throw err;
  }
  const stop = io.stopSignal ?? processStopSignal(io);
  recordEffectiveConfig(options.dataDir, "server", args, options);
  const logFile = new RollingLog({ path: join(logDir(options.dataDir), "k8ts-server.log") });
  await runServer({ ...options, log: (line) => (io.out(`${line}\n`), logFile.write(line)) }, stop);
  return 0;
}

/** Aborts on the first SIGTERM or SIGINT; a second one exits at once. */
function processStopSignal(io: MainIo): AbortSignal {
  const ac = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      io.err(`k8ts: ${name} again, exiting without a clean shutdown\n`);
      process.exit(130);
    }
    ac.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return ac.signal;
}

function currentUser(): { isRoot: boolean; home: string } {
  return { isRoot: process.getuid?.() === 0, home: homedir() };
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/** The version in package.json, found by walking up from this file (src/cmd or dist/src/cmd). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "k8ts" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // no package.json here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

// Run directly (`npx tsx src/cmd/main.ts server`) as well as through bin/k8ts.js.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(await main(process.argv.slice(2)));
}
