// The userspace mode's plan: which address:port to listen on and where each forwards.
// Pure, like the kernel rule generators.
import { categorizeEndpoints, type NodeInfo, type ServicePortInfo } from "./service-table.js";

export interface ListenerSpec {
  /** "ip:port/proto": one socket. */
  key: string;
  protocol: "tcp" | "udp";
  ip: string;
  port: number;
  /** Affinity is kept per service port, across its addresses (as upstream). */
  group: string;
  endpoints: ReadonlyArray<{ ip: string; port: number }>;
  affinityTimeoutSeconds?: number;
}

export interface UserspacePlan {
  listeners: ListenerSpec[];
  /** Service addresses that must be local to the node for their sockets (ClusterIPs, external IPs). */
  addresses: string[];
}

/**
 * One listener per ClusterIP:port, external/LB IP:port and NodeIP:NodePort that has
 * endpoints for its kind of traffic. A Service without endpoints keeps its address but
 * gets no socket, so the kernel refuses connections to it (RST / ICMP port unreachable).
 */
export function userspacePlan(table: readonly ServicePortInfo[], node: NodeInfo): UserspacePlan {
  const listeners = new Map<string, ListenerSpec>();
  const addresses = new Set<string>();
  const nodeIPs = node.nodeIPs.length > 0 ? node.nodeIPs : ["0.0.0.0"];
  for (const sp of table) {
    if (sp.protocol === "sctp") continue;
    const { clusterEndpoints, localEndpoints } = categorizeEndpoints(sp);
    const internal = sp.internalPolicyLocal ? localEndpoints : clusterEndpoints;
    const external = sp.externalPolicyLocal ? localEndpoints : clusterEndpoints;
    const group = `${sp.nameString}/${sp.protocol}`;
    const add = (ip: string, port: number, eps: typeof internal) => {
      if (eps.length === 0) return;
      const key = `${ip}:${port}/${sp.protocol}`;
      listeners.set(key, {
        key,
        protocol: sp.protocol as "tcp" | "udp",
        ip,
        port,
        group,
        endpoints: eps.map((ep) => ({ ip: ep.ip, port: ep.port })),
        affinityTimeoutSeconds: sp.affinityTimeoutSeconds,
      });
    };
    addresses.add(sp.clusterIP);
    add(sp.clusterIP, sp.port, internal);
    for (const ip of sp.externalIPs) {
      addresses.add(ip);
      add(ip, sp.port, external);
    }
    for (const ip of sp.loadBalancerIPs) {
      if (!node.nodeIPs.includes(ip)) addresses.add(ip);
      add(ip, sp.port, external);
    }
    if (sp.nodePort) for (const ip of nodeIPs) add(ip, sp.nodePort, external);
  }
  return { listeners: [...listeners.values()], addresses: [...addresses].sort() };
}
