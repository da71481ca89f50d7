/**
 * `k8ts debug bundle`: what someone helping you needs, in one .tar.gz — k8ts's own logs
 * (DATA_DIR/logs, see log-file.ts) and containerd's, the cluster's events, nodes and pods,
 * versions, the flags the server/agent started with, `k8ts doctor`, the nftables ruleset
 * and iptables-save, routes and links. Files are picked by name (never DATA_DIR/pki, the
 * kubeconfigs or the join token), and every text goes through `redact` before it is
 * packed, so private keys, client keys, bearer tokens and the join token never leave.
 * A part that cannot be collected (server down, command missing) becomes a file saying why.
 */
import { execFile } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { release } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { pack } from "tar-stream";
import { stringify } from "yaml";
import { Client, httpTransport, loadKubeconfig, resources } from "../client/index.js";
import { runChecks } from "./doctor.js";
import { logDir } from "./log-file.js";

export const debugUsage = `Usage: k8ts debug bundle [flags]

Writes one .tar.gz with what is needed to debug this node and cluster: k8ts's logs
(DATA_DIR/logs) and containerd's, events, nodes and pods (YAML), versions, the flags the
server/agent started with, 'k8ts doctor', 'nft list ruleset', iptables-save, routes and
links. Private keys, kubeconfig credentials, bearer and join tokens are left out.

Flags:
  --data-dir DIR    the server's or agent's data dir (default /var/lib/k8ts as root, ~/.k8ts otherwise)
  --output FILE     where to write the archive (default ./k8ts-debug-<time>.tar.gz)
  --kubeconfig FILE the admin kubeconfig for events, nodes and pods (default DATA_DIR/kubeconfig.yaml)
`;

export interface BundleEntry {
  name: string;
  content: string;
}

/** The largest tail of one log file that goes in (containerd.log grows without bound). */
const maxLogBytes = 20 * 1024 * 1024;
const commandTimeoutMs = 15_000;
const apiTimeoutMs = 10_000;

export interface CollectOptions {
  dataDir: string;
  kubeconfig?: string;
  /** Runs a command, resolving to its stdout; injected by tests. */
  exec?: (cmd: string, args: string[]) => Promise<string>;
  /** k8ts's version string. */
  version?: string;
  /** The doctor's checks; injected by tests (they open ports). */
  doctor?: () => Promise<string>;
}

/** Collects the bundle's files, each already redacted. */
export async function collectBundle(options: CollectOptions): Promise<BundleEntry[]> {
  const exec = options.exec ?? runCommand;
  const secrets = knownSecrets(options.dataDir);
  const entries: BundleEntry[] = [];
  const add = (name: string, content: string) => entries.push({ name, content: redact(content, secrets) });
  const attempt = async (name: string, get: () => Promise<string>) => {
    try {
      add(name, await get());
    } catch (err) {
      add(`${name}.error`, `not collected: ${errMessage(err)}\n`);
    }
  };

  // k8ts's own logs and effective config, containerd's log.
  const logs = logDir(options.dataDir);
  if (existsSync(logs)) {
    for (const f of readdirSync(logs).sort()) {
      if (/\.log(\.\d+)?$/.test(f) || f.endsWith(".flags.json")) await attempt(`logs/${f}`, () => readTail(join(logs, f)));
    }
  } else add("logs/README", `no ${logs}: k8ts server/agent wrote no log file in this data dir\n`);
  // containerd of `k8ts server`'s agent (DATA_DIR/agent) or of `k8ts agent` (DATA_DIR).
  for (const path of [join(options.dataDir, "agent", "containerd", "containerd.log"), join(options.dataDir, "containerd", "containerd.log")]) {
    if (existsSync(path) && !entries.some((e) => e.name.startsWith("logs/containerd.log"))) await attempt("logs/containerd.log", () => readTail(path));
  }
  for (const [name, path] of [
    ["config/containerd.toml", join(options.dataDir, "agent", "containerd", "config.toml")],
    ["config/containerd.toml", join(options.dataDir, "containerd", "config.toml")],
  ] as const) {
    if (existsSync(path) && !entries.some((e) => e.name === name)) await attempt(name, async () => readFileSync(path, "utf8"));
  }

  // The cluster, through the admin kubeconfig.
  const kubeconfig = options.kubeconfig ?? join(options.dataDir, "kubeconfig.yaml");
  let client: Client | undefined;
  try {
    client = new Client({ transport: httpTransport(await loadKubeconfig(kubeconfig)) });
  } catch (err) {
    add("cluster/README", `cluster state not collected: ${kubeconfig}: ${errMessage(err)}\n`);
  }
  let serverVersion: unknown;
  if (client) {
    try {
      serverVersion = await client.raw("GET", "/version", { signal: AbortSignal.timeout(apiTimeoutMs) });
      add("cluster/version.json", `${JSON.stringify(serverVersion, null, 2)}\n`);
    } catch (err) {
      add("cluster/README", `cluster state not collected: the API server in ${kubeconfig} did not answer: ${errMessage(err)}\n`);
    }
  }
  if (client && serverVersion !== undefined) {
    const c = client;
    await attempt("cluster/events.txt", async () => eventsTable((await c.list(resources.events, { signal: AbortSignal.timeout(apiTimeoutMs) })).items as EventLike[]));
    await attempt("cluster/nodes.yaml", async () => listYaml("NodeList", (await c.list(resources.nodes, { signal: AbortSignal.timeout(apiTimeoutMs) })).items));
    await attempt("cluster/pods.yaml", async () => listYaml("PodList", (await c.list(resources.pods, { signal: AbortSignal.timeout(apiTimeoutMs) })).items));
  }

  // This machine.
  add(
    "versions.txt",
    [`k8ts: ${options.version ?? "unknown"}`, `node: ${process.version}`, `kernel: ${release()}`, ...(await Promise.all(["containerd", "runc"].map(async (b) => `${b}: ${(await exec(b, ["--version"]).catch((e: unknown) => `not available (${errMessage(e)})`)).trim().split("\n")[0]}`)))].join("\n") + "\n",
  );
  await attempt("doctor.txt", options.doctor ?? doctorText);
  await attempt("network/nft-ruleset.txt", () => exec("nft", ["list", "ruleset"]));
  await attempt("network/iptables-save.txt", () => exec("iptables-save", []));
  await attempt("network/ip-addr.txt", () => exec("ip", ["addr"]));
  await attempt("network/ip-route.txt", () => exec("ip", ["route"]));
  await attempt("mounts.txt", async () =>
    readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .filter((l) => l.includes(options.dataDir))
      .join("\n") + "\n",
  );
  return entries;
}

/** Writes the entries to a .tar.gz at `path`. */
export async function writeBundle(path: string, entries: BundleEntry[], now = new Date()): Promise<void> {
  const p = pack();
  const root = `k8ts-debug-${stamp(now)}`;
  for (const e of entries) p.entry({ name: `${root}/${e.name}`, mode: 0o600, mtime: now }, e.content);
  p.finalize();
  await pipeline(p, createGzip(), createWriteStream(path, { mode: 0o600 }));
}

// ---- redaction ----

/** The secret strings this data dir knows: the join token (file), and agents' recorded tokens. */
export function knownSecrets(dataDir: string): string[] {
  const found: string[] = [];
  for (const f of [join(dataDir, "join-token"), join(dataDir, "agent", "join-token")]) {
    try {
      const t = readFileSync(f, "utf8").trim();
      if (t) found.push(t);
    } catch {
      // none
    }
  }
  return found;
}

/**
 * Removes secrets from a text: PEM private keys, kubeconfig credentials (client-key-data,
 * token, password), bearer tokens, `--token` values, K8TS join tokens, and the exact
 * strings in `secrets`.
 */
export function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("<redacted>");
  out = out.replace(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, "<redacted private key>");
  out = out.replace(/^(\s*(?:client-key-data|client-key|token|password|id-token|refresh-token|access-token)\s*:\s*).+$/gim, "$1<redacted>");
  out = out.replace(/("(?:client-key-data|token|password)"\s*:\s*)"[^"]*"/gi, '$1"<redacted>"');
  out = out.replace(/(Bearer\s+)[A-Za-z0-9._~+/:=-]+/g, "$1<redacted>");
  out = out.replace(/(--token[= ])\S+/g, "$1<redacted>");
  out = out.replace(/\bK8TS[0-9a-f]{16,}\b/g, "<redacted>");
  // Bootstrap tokens (abcdef.0123456789abcdef).
  out = out.replace(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, "<redacted>");
  return out;
}

// ---- parts ----

interface EventLike {
  metadata?: { namespace?: string; name?: string; creationTimestamp?: string };
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
  regarding?: { kind?: string; name?: string };
}

/** `kubectl get events -A` columns, oldest first (as kubectl sorts by last-seen). */
export function eventsTable(events: EventLike[], now = Date.now()): string {
  const when = (e: EventLike) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "") || 0;
  const rows = [...events]
    .sort((a, b) => when(a) - when(b))
    .map((e) => {
      const obj = e.involvedObject ?? e.regarding ?? {};
      return [e.metadata?.namespace ?? "", age(now - when(e)), e.type ?? "", e.reason ?? "", `${(obj.kind ?? "").toLowerCase()}/${obj.name ?? ""}`, (e.message ?? "").replace(/\n/g, " ")];
    });
  const header = ["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join("").trimEnd()).join("\n") + "\n";
}

function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function listYaml(kind: string, items: unknown[]): string {
  return stringify({ apiVersion: "v1", kind, items });
}

async function doctorText(): Promise<string> {
  const checks = await runChecks({ host: "127.0.0.1", ports: [] });
  return checks.map((c) => `${c.level.padEnd(4)} ${c.name}${c.detail ? `: ${c.detail}` : ""}${c.fix ? `\n     fix: ${c.fix}` : ""}`).join("\n") + "\n";
}

async function readTail(path: string): Promise<string> {
  const size = statSync(path).size;
  if (size <= maxLogBytes) return readFileSync(path, "utf8");
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(maxLogBytes);
    await fh.read(buf, 0, maxLogBytes, size - maxLogBytes);
    return `[first ${size - maxLogBytes} bytes left out]\n${buf.toString("utf8")}`;
  } finally {
    await fh.close();
  }
}

function runCommand(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { timeout: commandTimeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")}: ${(stderr || err.message).trim().split("\n")[0]}`));
      else resolvePromise(stdout);
    });
  });
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---- the command ----

export async function debugCommand(args: string[], io: { out: (t: string) => void }, env: { isRoot: boolean; home: string; version?: string }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    io.out(debugUsage);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "bundle") throw new Error(`debug: unknown subcommand "${sub}" (only "bundle")`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: { "data-dir": { type: "string" }, output: { type: "string" }, kubeconfig: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.out(debugUsage);
    return 0;
  }
  const dataDir = resolve(values["data-dir"] ?? (env.isRoot ? "/var/lib/k8ts" : join(env.home, ".k8ts")));
  if (!existsSync(dataDir)) throw new Error(`debug bundle: data dir ${dataDir} does not exist (--data-dir)`);
  const now = new Date();
  const output = resolve(values.output ?? `k8ts-debug-${stamp(now)}.tar.gz`);
  io.out(`collecting from ${dataDir}...\n`);
  const entries = await collectBundle({ dataDir, kubeconfig: values.kubeconfig, version: env.version });
  try {
    await writeBundle(output, entries, now);
  } catch (err) {
    throw new Error(`debug bundle: cannot write ${output}: ${errMessage(err)}`);
  }
  const missing = entries.filter((e) => e.name.endsWith(".error")).map((e) => e.name.replace(/\.error$/, ""));
  io.out(`wrote ${output} (${entries.length} files, ${statSync(output).size} bytes)${missing.length ? `; not collected: ${missing.join(", ")}` : ""}\n`);
  return 0;
}
