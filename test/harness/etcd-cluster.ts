/**
 * A real etcd cluster for tests: Debian's `etcd-server` (etcd 3.4 on bookworm) started as
 * N members on free loopback ports with temp data dirs, removed by `close()`.
 *
 *   const etcd = await startEtcdCluster({ members: 3 });
 *   const store = await EtcdStore.open({ endpoints: etcd.endpoints });
 *   await etcd.members[await etcd.leaderIndex()]!.kill();
 *   await etcd.close();
 *
 * Members can be killed (SIGKILL) and started again on the same data dir, or paused
 * (SIGSTOP) and resumed. Tests that need etcd skip when the binary is missing
 * (`etcdAvailable()`); .ci/run installs it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./k8ts-process.js";

const ETCD = "/usr/bin/etcd";
const ETCDCTL = "/usr/bin/etcdctl";

export function etcdAvailable(): boolean {
  return existsSync(ETCD);
}

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  readonly running: boolean;
  readonly paused: boolean;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Start again on the same data dir (after kill); resolves when it answers /health... or at once if the cluster has no quorum. */
  start(): Promise<void>;
  /** SIGSTOP: the process hangs, connections stay open. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  output(): string;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Client URLs of every member. */
  endpoints: string[];
  /** Index of the member that currently leads (asks etcdctl). */
  leaderIndex(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export interface EtcdClusterOptions {
  members?: number;
  heartbeatMs?: number;
  electionMs?: number;
  /**
   * Serve clients over https with these PEM files, requiring client certificates signed by
   * `caFile`; `clientCertFile`/`clientKeyFile` are what the harness itself (etcdctl) presents.
   */
  tls?: { certFile: string; keyFile: string; caFile: string; clientCertFile: string; clientKeyFile: string };
}

export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const n = options.members ?? 3;
  const root = await mkdtemp(join(tmpdir(), "k8ts-etcd-"));
  const ports: Array<{ client: number; peer: number }> = [];
  for (let i = 0; i < n; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const names = ports.map((_, i) => `m${i}`);
  const initialCluster = ports.map((p, i) => `${names[i]}=http://127.0.0.1:${p.peer}`).join(",");
  const token = `k8ts-test-${process.pid}-${Date.now()}`;

  const members = ports.map((p, i) => {
    const name = names[i]!;
    const dataDir = join(root, name);
    const clientUrl = `${options.tls ? "https" : "http"}://127.0.0.1:${p.client}`;
    const peerUrl = `http://127.0.0.1:${p.peer}`;
    let child: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();
    let out = "";
    let paused = false;
    const args = (state: "new" | "existing") => [
      "--name", name,
      "--data-dir", dataDir,
      "--listen-client-urls", clientUrl,
      "--advertise-client-urls", clientUrl,
      "--listen-peer-urls", peerUrl,
      "--initial-advertise-peer-urls", peerUrl,
      "--initial-cluster", initialCluster,
      "--initial-cluster-state", state,
      "--initial-cluster-token", token,
      "--heartbeat-interval", String(options.heartbeatMs ?? 100),
      "--election-timeout", String(options.electionMs ?? 1000),
      // Room for the Store's 1.5 MiB values plus the request around them.
      "--max-request-bytes", String(2 * 1024 * 1024),
      ...(options.tls ? ["--cert-file", options.tls.certFile, "--key-file", options.tls.keyFile, "--trusted-ca-file", options.tls.caFile, "--client-cert-auth"] : []),
      "--logger", "zap",
      "--log-level", "warn",
    ];
    let started = false;
    const launch = () => {
      const c = spawn(ETCD, args(started ? "existing" : "new"), { stdio: ["ignore", "pipe", "pipe"] });
      started = true;
      child = c;
      c.stdout!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
      c.stderr!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
      exited = new Promise<void>((r) => c.once("exit", () => r()));
    };
    const member: EtcdMember = {
      name,
      clientUrl,
      peerUrl,
      dataDir,
      get running() {
        return child !== undefined && child.exitCode === null && child.signalCode === null;
      },
      get paused() {
        return paused;
      },
      async kill() {
        if (paused) member.resume();
        if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      },
      async start() {
        if (member.running) return;
        launch();
      },
      pause() {
        if (child && member.running && !paused) {
          child.kill("SIGSTOP");
          paused = true;
        }
      },
      resume() {
        if (child && paused) {
          child.kill("SIGCONT");
          paused = false;
        }
      },
      output: () => out,
    };
    return { member, launch };
  });

  for (const m of members) m.launch();
  const cluster: EtcdCluster = {
    members: members.map((m) => m.member),
    endpoints: members.map((m) => m.member.clientUrl),
    async leaderIndex(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const live = cluster.members.filter((m) => m.running && !m.paused).map((m) => m.clientUrl);
        const tlsArgs = options.tls ? ["--cacert", options.tls.caFile, "--cert", options.tls.clientCertFile, "--key", options.tls.clientKeyFile] : [];
        const r = spawnSync(ETCDCTL, ["--endpoints", live.join(","), ...tlsArgs, "endpoint", "status", "-w", "json", "--command-timeout=2s"], {
          env: { ...process.env, ETCDCTL_API: "3" },
          encoding: "utf8",
          timeout: 5_000,
        });
        try {
          const rows = JSON.parse(r.stdout) as Array<{ Endpoint: string; Status: { header: { member_id: number }; leader: number } }>;
          const leader = rows.find((row) => row.Status.leader !== 0 && String(row.Status.header.member_id) === String(row.Status.leader));
          if (leader) return cluster.endpoints.indexOf(leader.Endpoint);
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`no etcd leader within ${timeoutMs} ms:\n${r.stderr}\n${cluster.members.map((m) => m.output()).join("\n")}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    },
    async close() {
      await Promise.all(cluster.members.map((m) => m.kill()));
      await rm(root, { recursive: true, force: true });
    },
  };
  try {
    await cluster.leaderIndex(30_000);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}
