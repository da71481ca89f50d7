import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { builtinRegistry, type RestHandler } from "../api/index.js";
import { Client, inProcessTransport } from "../client/index.js";
import { startControllers } from "./controllers.js";
import { startScheduler } from "../scheduler/index.js";
import { startApiServer, type StartApiServerOptions } from "../apiserver/index.js";
import { MemoryStore, SqliteStore, type Store } from "../storage/index.js";
import { serverUrl, writeKubeconfig } from "./kubeconfig.js";
import { ensurePki } from "./pki.js";

/**
 * `k8ts server`: the control plane of one cluster on this machine.
 *
 * Start-up order: data dir → PKI (created once, reused after) → admin kubeconfig → store
 * → API server. Shutdown is the reverse: stop serving, then close the store, so every
 * acknowledged write is already durable when the process exits.
 *
 *   const ac = new AbortController();
 *   process.once("SIGTERM", () => ac.abort());
 *   await runServer({ dataDir, bindAddress: "127.0.0.1", port: 6443, store: "sqlite", disableAgent: false }, ac.signal);
 */
export interface ServerOptions {
  dataDir: string;
  bindAddress: string;
  /** 0 picks a free port (tests). */
  port: number;
  store: StoreBackend;
  /** Accepted now; the local node agent arrives with the kubelet issue. */
  disableAgent: boolean;
  /** Where progress lines go; default stdout. */
  log?: (line: string) => void;
  /** --node-monitor-grace-period in ms (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --terminated-pod-gc-threshold (default 12500). */
  terminatedPodGCThreshold?: number;
}

export interface RunningServer {
  /** The URL clients on this machine use (also in the kubeconfig). */
  url: string;
  kubeconfigPath: string;
  /** Stop serving, then close the store. Safe to call more than once. */
  close(): Promise<void>;
}

/** The store backends, picked by `--store`; an explicit map, not registration by import side effect. */
const storeBackends = {
  sqlite: (dataDir: string): Promise<Store> => openSqlite(dataDir),
  memory: async (): Promise<Store> => new MemoryStore(),
} satisfies Record<string, (dataDir: string) => Promise<Store>>;

export type StoreBackend = keyof typeof storeBackends;

export const storeBackendNames = Object.keys(storeBackends) as StoreBackend[];

export function isStoreBackend(name: string): name is StoreBackend {
  return Object.hasOwn(storeBackends, name);
}

/** Starts the server and returns once it serves; `close()` stops it. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });

  const pki = await ensurePki(join(options.dataDir, "pki"), { bindAddress: options.bindAddress });

  const store = await storeBackends[options.store](options.dataDir);
  let api: ApiServing;
  try {
    api = await serveApi({ store, tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert }, host: options.bindAddress, port: options.port });
  } catch (err) {
    await store.close();
    throw err;
  }

  // The kubeconfig names the port actually bound (differs from the flag only for port 0).
  const url = serverUrl(options.bindAddress, Number(new URL(api.url).port));
  const kubeconfigPath = await writeKubeconfig(join(options.dataDir, "kubeconfig.yaml"), {
    server: url,
    caCert: pki.ca.cert,
    clientCert: pki.admin.cert,
    clientKey: pki.admin.key,
  });
  log(`kubeconfig: ${kubeconfigPath}`);
  log(`store: ${options.store}${options.store === "sqlite" ? ` (${sqlitePath(options.dataDir)})` : ""}`);
  log(`listening: ${api.url}`);

  // The control loops talk to the API through the in-process transport: same verbs, no HTTP.
  const controllersStop = new AbortController();
  const client = new Client({ transport: inProcessTransport(api.handler) });
  const controllersDone = startControllers({
    client,
    signal: controllersStop.signal,
    nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs,
    terminatedPodGCThreshold: options.terminatedPodGCThreshold,
    onError: (controller, key, err) => log(`controller ${controller}: ${key}: ${err instanceof Error ? err.message : String(err)}`),
  });
  const schedulerDone = startScheduler({
    client,
    signal: controllersStop.signal,
    onError: (key, err) => log(`scheduler: ${key}: ${err instanceof Error ? err.message : String(err)}`),
  }).catch((err: unknown) => log(`scheduler stopped: ${err instanceof Error ? err.message : String(err)}`));

  let closing: Promise<void> | undefined;
  return {
    url,
    kubeconfigPath,
    close: () => {
      closing ??= (async () => {
        try {
          controllersStop.abort();
          await controllersDone;
          await schedulerDone;
          await api.close();
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}

/** Runs the server until `signal` aborts, then shuts it down cleanly. */
export async function runServer(options: ServerOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const server = await startServer(options);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  log("shutting down");
  await server.close();
  log("stopped");
}

/** The database file of the sqlite backend, inside the data dir. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, "db", "state.db");
}

async function openSqlite(dataDir: string): Promise<Store> {
  await mkdir(join(dataDir, "db"), { recursive: true, mode: 0o700 });
  return SqliteStore.open({ path: sqlitePath(dataDir) });
}

interface ApiServing {
  url: string;
  handler: RestHandler;
  close(): Promise<void>;
}

/** The one place `k8ts server` starts the API server: every built-in kind, over HTTPS. */
function serveApi(options: Omit<StartApiServerOptions, "registry">): Promise<ApiServing> {
  return startApiServer({ ...options, registry: builtinRegistry() });
}
