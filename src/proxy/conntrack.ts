// Conntrack clean-up, as upstream's pkg/proxy/conntrack/cleanup.go: UDP has no
// connection to end, so a conntrack entry keeps sending a client's datagrams to an
// endpoint that is gone (or keeps a rejection cached) until it is deleted.
import type { CommandRunner } from "./exec.js";
import { categorizeEndpoints, servicePortKey, type ServicePortInfo } from "./service-table.js";

/**
 * The `conntrack -D` argument lists that moving from `prev` to `next` calls for:
 * - an endpoint no longer reachable: entries NATed to it from each service IP and the NodePort;
 * - a service port that gained its first endpoints: entries to its IPs and NodePort (they
 *   were rejected and would stay so);
 * - a service port that is gone or moved: entries to its old IP and port.
 * Only UDP (and SCTP has its own association handling; TCP ends by itself).
 */
export function conntrackDeletions(prev: readonly ServicePortInfo[], next: readonly ServicePortInfo[]): string[][] {
  const out: string[][] = [];
  const nextByKey = new Map(next.map((sp) => [servicePortKey(sp), sp]));
  const prevByKey = new Map(prev.map((sp) => [servicePortKey(sp), sp]));
  const ipsOf = (sp: ServicePortInfo) => [sp.clusterIP, ...sp.externalIPs, ...sp.loadBalancerIPs];
  for (const [key, before] of prevByKey) {
    if (before.protocol !== "udp") continue;
    const after = nextByKey.get(key);
    const reachableAfter = new Set(after ? categorizeEndpoints(after).allReachable.map((ep) => `${ep.ip}:${ep.port}`) : []);
    for (const ep of categorizeEndpoints(before).allReachable) {
      if (reachableAfter.has(`${ep.ip}:${ep.port}`)) continue;
      for (const ip of ipsOf(before)) out.push(["-D", "-p", "udp", "--orig-dst", ip, "--dst-nat", ep.ip]);
      if (before.nodePort) out.push(["-D", "-p", "udp", "--orig-port-dst", String(before.nodePort), "--dst-nat", ep.ip]);
    }
    if (!after || after.clusterIP !== before.clusterIP || after.port !== before.port) {
      out.push(["-D", "-p", "udp", "--orig-dst", before.clusterIP, "--orig-port-dst", String(before.port)]);
    }
  }
  for (const [key, after] of nextByKey) {
    if (after.protocol !== "udp" || !categorizeEndpoints(after).hasEndpoints) continue;
    const before = prevByKey.get(key);
    if (before && categorizeEndpoints(before).hasEndpoints) continue;
    for (const ip of ipsOf(after)) out.push(["-D", "-p", "udp", "--orig-dst", ip, "--orig-port-dst", String(after.port)]);
    if (after.nodePort) out.push(["-D", "-p", "udp", "--orig-port-dst", String(after.nodePort)]);
  }
  return out;
}

/** Runs the deletions; "0 flow entries" (exit 1) is not an error. Returns how many commands failed otherwise. */
export async function clearConntrack(runner: CommandRunner, deletions: readonly string[][], onError?: (err: unknown) => void): Promise<void> {
  for (const args of deletions) {
    try {
      const r = await runner.run("conntrack", args);
      if (r.code !== 0 && !/0 flow entries/.test(r.stderr)) onError?.(new Error(`conntrack ${args.join(" ")}: ${r.stderr.trim()}`));
    } catch (err) {
      onError?.(err);
      return; // conntrack not installed: say so once
    }
  }
}
