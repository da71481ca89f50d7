import type { KindRegistry, RestHandler } from "../api/index.js";
import { decodeKubernetesProtobuf } from "../api/index.js";
import type { Store } from "../storage/index.js";
import { ApiServer } from "./api-server.js";
import type { WatchSettings } from "./context.js";
import { bootstrapCluster } from "./bootstrap.js";
import { startCompactor } from "./compactor.js";
import { startHttpsEdge } from "./http-server.js";
import type { TokenAuthenticator } from "./authn.js";
import { serveDiscovery } from "./discovery.js";
import { serveOpenApi } from "./openapi.js";

export interface StartApiServerOptions {
  store: Store;
  registry: KindRegistry;
  tls: { key: string; cert: string; ca: string };
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tokens?: TokenAuthenticator;
  watch?: Partial<WatchSettings>;
  /** How often history is compacted (default 5 minutes, as upstream). */
  compactionIntervalMs?: number;
}

export interface RunningApiServer {
  /** https://host:port */
  url: string;
  /** The in-process transport: the same handler the HTTPS edge calls. */
  handler: RestHandler;
  close(): Promise<void>;
}

/** Builds the API server, bootstraps a new cluster's objects and serves it over HTTPS. */
export async function startApiServer(options: StartApiServerOptions): Promise<RunningApiServer> {
  const apiServer = createApiServer(options);
  await bootstrapCluster(apiServer.handle);
  const stop = new AbortController();
  startCompactor(options.store, { intervalMs: options.compactionIntervalMs, signal: stop.signal, onError: (err) => console.error("k8ts apiserver: compaction:", err) });
  const edge = await startHttpsEdge({
    handler: apiServer.handle,
    tls: options.tls,
    host: options.host,
    port: options.port,
    tokens: options.tokens,
    decodeProtobuf: (raw) => decodeKubernetesProtobuf(raw, options.registry),
  });
  return {
    url: edge.url,
    handler: apiServer.handle,
    close: () => {
      stop.abort();
      return edge.close();
    },
  };
}

export function createApiServer(options: { store: Store; registry: KindRegistry; watch?: Partial<WatchSettings>; now?: () => Date }): ApiServer {
  return new ApiServer({
    store: options.store,
    registry: options.registry,
    watch: options.watch,
    now: options.now,
    extraRoutes: [(req) => serveDiscovery(req, options.registry), (req) => serveOpenApi(req, options.registry)],
  });
}
