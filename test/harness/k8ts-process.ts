import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, from dist/test/harness or test/harness. */
export const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), fileURLToPath(import.meta.url).includes("/dist/") ? "../../.." : "../..");
export const k8tsBin = join(repoRoot, "bin", "k8ts.js");
export const kubectlBin = join(repoRoot, ".tools", "bin", "kubectl");
export const helmBin = join(repoRoot, ".tools", "bin", "helm");

export interface K8tsServerProcess {
  child: ChildProcess;
  dataDir: string;
  port: number;
  kubeconfig: string;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Remove the data dir (after stop/kill). */
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the real `k8ts server` binary on a free loopback port and a temp (or given)
 * data dir, and resolves once it prints its kubeconfig path and answers /readyz.
 */
export async function startK8tsServer(options: { dataDir?: string; port?: number; extraArgs?: string[] } = {}): Promise<K8tsServerProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "k8ts-e2e-")));
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [k8tsBin, "server", "--data-dir", dataDir, "--https-listen-port", String(port), "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--disable-agent", "--cluster-dns-port", "0", ...(options.extraArgs ?? [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!/listening: /.test(out)) {
    if (child.exitCode !== null) throw new Error(`k8ts server exited early:\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`k8ts server did not start in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    dataDir,
    port,
    kubeconfig: join(dataDir, "kubeconfig.yaml"),
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
    async cleanup() {
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion, feeding `stdin`; never throws for a non-zero exit. */
export function run(bin: string, args: string[], options: { stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

/** kubectl against a server's admin kubeconfig. */
export function kubectl(server: { kubeconfig: string }, args: string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(kubectlBin, ["--kubeconfig", server.kubeconfig, ...args], options);
}
