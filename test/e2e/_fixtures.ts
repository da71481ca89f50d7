// Small helpers shared by the end-to-end tests in this folder: one real `k8ts server`
// per test file, driven by the official kubectl (from `npm run tools`).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubectl, kubectlBin, run, startK8tsServer, type K8tsServerProcess, type RunResult } from "../harness/index.js";

/** `describe` option: skip the whole file, with the reason, when kubectl is not installed. */
export const needsKubectl = { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" } as const;

/** Starts one server for a test file; `stop()` ends it and removes its data dir. */
export async function startServer(): Promise<K8tsServerProcess & { close(): Promise<void> }> {
  const server = await startK8tsServer();
  return Object.assign(server, {
    async close() {
      await server.stop();
      await server.cleanup();
    },
  });
}

/** Runs kubectl and asserts exit 0; returns its stdout. */
export async function kubectlOk(server: K8tsServerProcess, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<string> {
  const r = await kubectlRun(server, args, options);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** kubectl with an optional environment (e.g. EDITOR); never throws for a non-zero exit. */
export function kubectlRun(server: K8tsServerProcess, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  if (!options.env) return kubectl(server, args, { stdin: options.stdin });
  return run(kubectlBin, ["--kubeconfig", server.kubeconfig, ...args], options);
}

/** `kubectl get ... -o json`, parsed. */
export async function kubectlJson<T = KubeObject>(server: K8tsServerProcess, args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk(server, [...args, "-o", "json"])) as T;
}

/** The loose shape of any object kubectl prints with `-o json`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  // The rest differs per kind; tests narrow what they read.
  // any: spec and status differ per kind, and tests only read the few fields they check.
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  items?: KubeObject[];
}

/** Splits a table's text into rows of whitespace-separated cells (header first). */
export function tableRows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.trim().split(/\s{2,}|\t/));
}

/** A long-running kubectl (e.g. `get -w`), its output collected as it comes. */
export interface KubectlStream {
  output(): string;
  /** Resolves once the output matches `pattern`; rejects with the output so far after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export function spawnKubectl(server: K8tsServerProcess, args: string[]): KubectlStream {
  const child = spawn(kubectlBin, ["--kubeconfig", server.kubeconfig, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    output: () => out,
    waitFor: (pattern, timeoutMs = 10_000) => waitUntil(() => pattern.test(out), { timeoutMs, what: () => `${pattern} in kubectl output:\n${out}` }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls `check` every 50 ms until it is true; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, options: { timeoutMs?: number; what?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what?.() ?? "a condition"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A temporary directory for files a test hands to kubectl (manifests, an EDITOR script). */
export async function scratchDir(): Promise<{ path: string; write(name: string, text: string, mode?: number): Promise<string>; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "k8ts-e2e-files-"));
  return {
    path,
    async write(name, text, mode) {
      const file = join(path, name);
      await writeFile(file, text);
      if (mode !== undefined) await chmod(file, mode);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
