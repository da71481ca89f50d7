/**
 * `k8ts server` with its node agent on real containerd, for the serial end-to-end tests:
 * bound to loopback, free ports, and resolved once the agent registered its Node. A
 * server that does not come up is stopped before the error is thrown.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { k8tsBin } from "./k8ts-process.js";

export interface AgentServer {
  proc: ChildProcess;
  dataDir: string;
  port: number;
  kubeconfig: string;
  log: string[];
  /** Sends `signal` (default SIGTERM) and resolves once the process exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startAgentServer(options: { dataDir: string; port: number; args?: string[]; timeoutMs?: number }): Promise<AgentServer> {
  const log: string[] = [];
  const args = [k8tsBin, "server", "--data-dir", options.dataDir, "--https-listen-port", String(options.port), "--bind-address", "127.0.0.1", "--kubelet-port", "0", ...(options.args ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill(signal);
    await exited;
  };
  const server: AgentServer = { proc, dataDir: options.dataDir, port: options.port, kubeconfig: join(options.dataDir, "kubeconfig.yaml"), log, stop };
  const timeoutMs = options.timeoutMs ?? 90_000;
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (buf: Buffer) => {
      for (const line of buf.toString().split("\n")) {
        if (line) log.push(line);
        if (line.includes("registered, pod CIDR")) resolve();
        if (line.startsWith("agent: not started")) reject(new Error(line));
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`k8ts server exited ${code}: ${log.join("\n")}`)));
    setTimeout(() => reject(new Error(`agent did not register in ${timeoutMs / 1000}s: ${log.join("\n")}`)), timeoutMs).unref();
  });
  await ready.catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return server;
}
