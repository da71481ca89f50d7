import type { NodeInfo, ServicePortInfo } from "./service-table.js";

/**
 * A way of programming the node: the proxy hands it the whole desired table on every
 * sync; the back-end works out what to change.
 *
 * Promises: `sync` either programs all of `table` or throws (and the next sync starts
 * from scratch); `retryAfterMs` asks for another sync later (stale chains to delete).
 * `cleanup` removes everything the back-end ever added.
 */
export interface ProxyBackend {
  readonly mode: ProxyMode;
  sync(table: readonly ServicePortInfo[], node: NodeInfo): Promise<{ full: boolean; retryAfterMs?: number }>;
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

export type ProxyMode = "nftables" | "iptables" | "ipvs" | "userspace";

export const proxyModes: readonly ProxyMode[] = ["nftables", "iptables", "ipvs", "userspace"];

export function isProxyMode(mode: string): mode is ProxyMode {
  return (proxyModes as readonly string[]).includes(mode);
}
