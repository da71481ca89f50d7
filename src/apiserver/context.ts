import type { AuthorizerServices, KubeObject, ResourceType, RestRequest, TokenServices } from "../api/index.js";
import type { Store } from "../storage/index.js";
import type { KindRegistry } from "../api/index.js";
import type { ResourceRequestInfo } from "./request-info.js";
import type { AllocationPool } from "./allocation/pools.js";
import type { WatchCache } from "./watch-cache/watch-cache.js";
import type { AdmissionPlugin } from "./admission-chain.js";

/** What every verb handler gets: the parsed request, its resource, and the server's parts. */
export interface VerbContext {
  req: RestRequest;
  info: ResourceRequestInfo;
  rt: ResourceType;
  server: ServerParts;
  /** Warnings for the response (`Warning: 299 - "…"` headers), added by admission plugins. */
  warnings?: string[];
}

export interface ServerParts {
  store: Store;
  registry: KindRegistry;
  /** Injected so tests can pin timestamps. */
  now(): Date;
  watch: WatchSettings;
  /** The pools strategies allocate from (Service ClusterIPs, NodePorts), by name. */
  allocationPools: ReadonlyMap<string, AllocationPool>;
  /** The admission chain, in order (admission-chain.ts). */
  admission: readonly AdmissionPlugin[];
  /** Serves watches and not-older-than/consistent LISTs from memory (watch-cache/); absent: every read goes to the store. */
  watchCache?: WatchCache;
  /** Service-account token signing and token authentication (TokenRequest, TokenReview); absent on servers without a signing key. */
  tokens?: TokenServices;
  /** The authorizer chain (Node, RBAC); absent on servers that allow everything (unit tests). */
  authorizer?: AuthorizerServices;
}

export interface WatchSettings {
  /** Server-side watch timeout when the client gives none: [min, 2×min) as upstream's --min-request-timeout. */
  minTimeoutSeconds: number;
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK. */
  bookmarkIntervalMs: number;
}

export type { KubeObject };

/** RFC 3339 at second precision, as metav1.Time serializes. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
