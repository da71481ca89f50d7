import { servicePools } from "../../api/index.js";
import { ipv4Pool, portPool, type AllocationPool } from "./pools.js";

export const defaultServiceClusterIPRange = "10.43.0.0/16";
export const defaultServiceNodePortRange = "30000-32767";

export interface ServiceNetworkOptions {
  /** --service-cluster-ip-range: one IPv4 CIDR (IPv6 and dual-stack ranges are not served yet). */
  clusterIPRange?: string;
  /** --service-node-port-range: "30000-32767". */
  nodePortRange?: string;
}

/** The Service pools from the server's flags; throws with a flag-sized message when a range is malformed. */
export function servicePoolsOf(options: ServiceNetworkOptions = {}): Map<string, AllocationPool> {
  const cidrs = (options.clusterIPRange ?? defaultServiceClusterIPRange).split(",").map((s) => s.trim());
  if (cidrs.length !== 1 || cidrs[0]!.includes(":")) {
    throw new Error(`service cluster IP range "${options.clusterIPRange}": only a single IPv4 range is supported`);
  }
  return new Map([
    [servicePools.IPv4, ipv4Pool(cidrs[0]!)],
    [servicePools.nodePort, portPool(options.nodePortRange ?? defaultServiceNodePortRange)],
  ]);
}
