// The proxy's model of what to serve: Services + EndpointSlices + this node → one entry
// per (Service, port), with its endpoints sorted into those the traffic policies use.
// Pure and deterministic; the nftables, iptables and userspace back-ends render it.
// Mirrors upstream's ServicePortInfo/Endpoint and CategorizeEndpoints
// (pkg/proxy/servicechangetracker.go, endpointslicecache.go, topology.go).
import type { EndpointSlice, Service } from "../api/index.js";
import { servicePortNameString } from "./names.js";

export type Protocol = "tcp" | "udp" | "sctp";

/** What the proxy needs to know about the node it runs on. */
export interface NodeInfo {
  nodeName: string;
  /** The node's own addresses (InternalIP, ExternalIP): NodePorts are served on them. */
  nodeIPs: string[];
  /**
   * This node's pod CIDR: traffic from it is "local" (pods), and a ClusterIP reached
   * from anywhere else is masqueraded (upstream's --detect-local-mode=NodeCIDR).
   */
  podCIDR?: string;
  /** Masquerade all ClusterIP traffic (--masquerade-all). */
  masqueradeAll?: boolean;
}

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** On this node (endpoint.nodeName is the proxy's node). */
  local: boolean;
}

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The Service port's name ("" when unnamed). */
  portName: string;
  /** "ns/name:port" as upstream prints a ServicePortName. */
  nameString: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when none. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** sessionAffinity ClientIP: the stickiness timeout in seconds; undefined: no affinity. */
  affinityTimeoutSeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** Every endpoint of the port, ready or not, sorted by address then port. */
  endpoints: EndpointInfo[];
}

/** The endpoints a service port sends traffic to, by policy (upstream CategorizeEndpoints). */
export interface CategorizedEndpoints {
  clusterEndpoints: EndpointInfo[];
  localEndpoints: EndpointInfo[];
  /** Union of the two: the endpoints this node may DNAT to (one chain each). */
  allReachable: EndpointInfo[];
  /** Some usable endpoint exists anywhere in the cluster. */
  hasEndpoints: boolean;
}

export const defaultAffinityTimeoutSeconds = 10800;
const serviceNameLabel = "kubernetes.io/service-name";
const serviceProxyNameLabel = "service.kubernetes.io/service-proxy-name";

export function externallyAccessible(sp: ServicePortInfo): boolean {
  return sp.nodePort !== 0 || sp.loadBalancerIPs.length > 0 || sp.externalIPs.length > 0;
}

export function usesClusterEndpoints(sp: ServicePortInfo): boolean {
  return !sp.internalPolicyLocal || (externallyAccessible(sp) && !sp.externalPolicyLocal);
}

export function usesLocalEndpoints(sp: ServicePortInfo): boolean {
  return sp.internalPolicyLocal || (externallyAccessible(sp) && sp.externalPolicyLocal);
}

/**
 * Ready endpoints; when none is ready, serving-and-terminating ones (upstream's
 * ProxyTerminatingEndpoints fallback). Local policy does the same among this node's.
 */
export function categorizeEndpoints(sp: ServicePortInfo): CategorizedEndpoints {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasEndpoints = false;
  if (usesClusterEndpoints(sp)) {
    clusterEndpoints = sp.endpoints.filter((ep) => ep.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = sp.endpoints.filter((ep) => ep.serving && ep.terminating);
    hasEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasEndpoints };
  let localReady = false;
  let localServingTerminating = false;
  for (const ep of sp.endpoints) {
    if (ep.ready) {
      hasEndpoints = true;
      if (ep.local) localReady = true;
    } else if (ep.serving && ep.terminating) {
      hasEndpoints = true;
      if (ep.local) localServingTerminating = true;
    }
  }
  if (localReady) localEndpoints = sp.endpoints.filter((ep) => ep.local && ep.ready);
  else if (localServingTerminating) localEndpoints = sp.endpoints.filter((ep) => ep.local && ep.serving && ep.terminating);
  if (!usesClusterEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasEndpoints };
  const seen = new Set(clusterEndpoints);
  const allReachable = [...clusterEndpoints, ...localEndpoints.filter((ep) => !seen.has(ep))];
  allReachable.sort(compareEndpoints);
  return { clusterEndpoints, localEndpoints, allReachable, hasEndpoints };
}

/** Whether the proxy serves this Service at all (upstream's service-proxy-name and headless filters). */
export function proxiedService(svc: Service): boolean {
  const spec = svc.spec;
  if (!spec) return false;
  if (svc.metadata.labels?.[serviceProxyNameLabel]) return false;
  if (spec.type === "ExternalName") return false;
  const ip = spec.clusterIP;
  return !!ip && ip !== "None" && !ip.includes(":");
}

/** The Service a slice belongs to ("ns/name"), from its kubernetes.io/service-name label. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? `${slice.metadata.namespace ?? ""}/${name}` : undefined;
}

/**
 * The entries of one Service: one per port, endpoints from its slices (IPv4 only;
 * the same address:port in two slices counts once, ready if either says so).
 */
export function servicePorts(svc: Service, slices: readonly EndpointSlice[], node: NodeInfo): ServicePortInfo[] {
  if (!proxiedService(svc)) return [];
  const spec = svc.spec!;
  const namespace = svc.metadata.namespace ?? "";
  const name = svc.metadata.name ?? "";
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const loadBalancerIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? "").filter(isIPv4);
  const isLB = spec.type === "LoadBalancer";
  const isNodePort = spec.type === "NodePort" || isLB;
  const affinity = spec.sessionAffinity === "ClientIP" ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinityTimeoutSeconds) : undefined;
  const out: ServicePortInfo[] = [];
  for (const port of spec.ports ?? []) {
    const portName = port.name ?? "";
    const protocol = (port.protocol ?? "TCP").toLowerCase() as Protocol;
    if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") continue;
    const info: ServicePortInfo = {
      namespace,
      name,
      portName,
      nameString: servicePortNameString(namespace, name, portName),
      protocol,
      clusterIP: spec.clusterIP!,
      port: port.port,
      nodePort: isNodePort ? (port.nodePort ?? 0) : 0,
      externalIPs,
      loadBalancerIPs: isLB ? loadBalancerIPs : [],
      loadBalancerSourceRanges: isLB ? (spec.loadBalancerSourceRanges ?? []) : [],
      affinityTimeoutSeconds: affinity,
      externalPolicyLocal: false,
      internalPolicyLocal: spec.internalTrafficPolicy === "Local",
      endpoints: endpointsFor(slices, portName, protocol, node.nodeName),
    };
    info.externalPolicyLocal = externallyAccessible(info) && spec.externalTrafficPolicy === "Local";
    out.push(info);
  }
  return out;
}

function endpointsFor(slices: readonly EndpointSlice[], portName: string, protocol: Protocol, nodeName: string): EndpointInfo[] {
  const byAddress = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    if (slice.addressType !== "IPv4") continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? "") === portName && (p.protocol ?? "TCP").toLowerCase() === protocol);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip || !isIPv4(ip)) continue;
      const ready = ep.conditions?.ready ?? true;
      const info: EndpointInfo = {
        ip,
        port: port.port,
        ready,
        serving: ep.conditions?.serving ?? ready,
        terminating: ep.conditions?.terminating ?? false,
        local: !!ep.nodeName && ep.nodeName === nodeName,
      };
      const key = `${ip}:${port.port}`;
      const seen = byAddress.get(key);
      if (!seen || (!seen.ready && info.ready)) byAddress.set(key, info);
    }
  }
  return [...byAddress.values()].sort(compareEndpoints);
}

export function compareEndpoints(a: EndpointInfo, b: EndpointInfo): number {
  return ipToNumber(a.ip) - ipToNumber(b.ip) || a.port - b.port;
}

/**
 * The whole table: every proxied Service port, in a stable order (namespace, name,
 * port name, protocol). `slicesOf` returns the slices labelled for a Service.
 */
export function buildServiceTable(services: readonly Service[], slicesOf: (namespace: string, name: string) => readonly EndpointSlice[], node: NodeInfo): ServicePortInfo[] {
  const out: ServicePortInfo[] = [];
  for (const svc of services) out.push(...servicePorts(svc, slicesOf(svc.metadata.namespace ?? "", svc.metadata.name ?? ""), node));
  return out.sort(compareServicePorts);
}

export function compareServicePorts(a: ServicePortInfo, b: ServicePortInfo): number {
  return cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.portName, b.portName) || cmp(a.protocol, b.protocol);
}

/** A stable key of one entry: "ns/name:port/tcp". */
export function servicePortKey(sp: ServicePortInfo): string {
  return `${sp.nameString}/${sp.protocol}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isIPv4(ip: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
}

export function ipToNumber(ip: string): number {
  const p = ip.split(".");
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
}
