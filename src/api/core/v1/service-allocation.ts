/**
 * What a Service holds cluster-wide: ClusterIPs and NodePorts (pkg/registry/core/service/
 * storage/alloc.go). The API server runs `allocateService` after validation and keeps
 * the claims; this file decides which values a Service needs and names the pools.
 */
import { ApiError, fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { Allocation, Allocator } from "../../resource-type.js";
import type { Service, ServicePort } from "./service-types.js";

/** The pools a Service allocates from; the API server configures them from its flags. */
export const servicePools = {
  IPv4: "service-ipv4",
  IPv6: "service-ipv6",
  nodePort: "service-node-port",
} as const;

const serviceKind = { group: "", kind: "Service" };

export function familyOf(ip: string): "IPv4" | "IPv6" {
  return ip.includes(":") ? "IPv6" : "IPv4";
}

const ipPool = (family: string): string => (family === "IPv6" ? servicePools.IPv6 : servicePools.IPv4);

export function needsClusterIP(svc: Service): boolean {
  return svc.spec?.type !== "ExternalName";
}

export function needsNodePort(svc: Service): boolean {
  return svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
}

/** LoadBalancer with externalTrafficPolicy Local: kube-proxy answers health checks on a node port. */
export function needsHealthCheckNodePort(svc: Service): boolean {
  return svc.spec?.type === "LoadBalancer" && svc.spec.externalTrafficPolicy === "Local";
}

function shouldAllocateNodePorts(svc: Service): boolean {
  if (svc.spec?.type === "NodePort") return true;
  return svc.spec?.type === "LoadBalancer" && svc.spec.allocateLoadBalancerNodePorts !== false;
}

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIPs?.length === 1 && svc.spec.clusterIPs[0] === "None";
}

/** The values a stored Service holds. */
export function serviceAllocations(svc: Service): Allocation[] {
  const spec = svc.spec ?? {};
  const out: Allocation[] = [];
  if (needsClusterIP(svc)) for (const ip of spec.clusterIPs ?? []) if (ip && ip !== "None") out.push({ pool: ipPool(familyOf(ip)), value: ip });
  const ports = new Set<number>();
  for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  if (spec.healthCheckNodePort) ports.add(spec.healthCheckNodePort);
  for (const port of ports) out.push({ pool: servicePools.nodePort, value: String(port) });
  return out;
}

/** Claims and fills in the ClusterIPs, NodePorts and health check port a Service needs (allocateCreate / allocateUpdate). */
export async function allocateService(svc: Service, old: Service | undefined, allocator: Allocator): Promise<void> {
  const oldHeld = new Set((old ? serviceAllocations(old) : []).map((a) => `${a.pool}/${a.value}`));
  const heldBefore = (pool: string, value: string) => oldHeld.has(`${pool}/${value}`);
  initIPFamilyFields(svc, old, allocator);
  await allocateClusterIPs(svc, allocator, heldBefore);
  await allocateNodePorts(svc, allocator, heldBefore);
}

function initIPFamilyFields(svc: Service, old: Service | undefined, allocator: Allocator): void {
  const spec = svc.spec!;
  if (spec.type === "ExternalName") return;
  const selectorless = Object.keys(spec.selector ?? {}).length === 0;
  if (spec.ipFamilyPolicy === undefined) {
    if (old?.spec?.ipFamilyPolicy) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
    else spec.ipFamilyPolicy = spec.clusterIP === "None" && selectorless ? "RequireDualStack" : "SingleStack";
  }
  const errs: FieldError[] = [];
  const clusterIPs = spec.clusterIPs ?? [];
  let families = spec.ipFamilies ?? [];
  if (old?.spec && spec.ipFamilyPolicy === "SingleStack") {
    if (clusterIPs.length > 1 && sameList(old.spec.clusterIPs, clusterIPs)) spec.clusterIPs = clusterIPs.slice(0, 1);
    if (families.length > 1 && sameList(old.spec.ipFamilies, families)) spec.ipFamilies = families = families.slice(0, 1);
  }
  if (spec.ipFamilyPolicy === "SingleStack") {
    if ((spec.clusterIPs ?? []).length === 2) errs.push(fieldError.invalid("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (families.length === 2) errs.push(fieldError.invalid("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip === "None" || i < families.length) return;
    const fam = familyOf(ip);
    if (!allocator.has(ipPool(fam))) errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, spec.clusterIPs, `${fam} is not configured on this cluster`));
    else families = [...families, fam];
  });
  spec.ipFamilies = families;
  if (errs.length) throw ApiError.invalid(serviceKind, svc.metadata.name ?? "", errs);

  const defaultFamily = allocator.has(servicePools.IPv4) ? "IPv4" : "IPv6";
  const other = (f: string) => (f === "IPv4" ? "IPv6" : "IPv4");
  // Headless without a selector may name both families even on a single-stack cluster.
  if (spec.clusterIP === "None" && selectorless) {
    if (families.length === 0) spec.ipFamilies = families = [defaultFamily];
    if (families.length < 2 && spec.ipFamilyPolicy !== "SingleStack") spec.ipFamilies = [...families, other(families[0]!)];
    return;
  }
  const dualStack = allocator.has(servicePools.IPv4) && allocator.has(servicePools.IPv6);
  if (spec.ipFamilyPolicy === "RequireDualStack" && !dualStack) {
    errs.push(fieldError.invalid("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "this cluster is not configured for dual-stack services"));
  }
  families.forEach((f, i) => {
    if (!allocator.has(ipPool(f))) errs.push(fieldError.invalid(`spec.ipFamilies[${i}]`, f, "not configured on this cluster"));
  });
  if (errs.length) throw ApiError.invalid(serviceKind, svc.metadata.name ?? "", errs);
  if (families.length === 0) spec.ipFamilies = families = [defaultFamily];
  if (spec.ipFamilyPolicy !== "SingleStack" && families.length === 1 && dualStack) spec.ipFamilies = [...families, other(families[0]!)];
}

async function allocateClusterIPs(svc: Service, allocator: Allocator, heldBefore: (pool: string, value: string) => boolean): Promise<void> {
  const spec = svc.spec!;
  if (spec.type === "ExternalName" || spec.clusterIPs?.[0] === "None" || spec.clusterIP === "None") return;
  const ips = [...(spec.clusterIPs ?? [])];
  for (const [i, family] of (spec.ipFamilies ?? []).entries()) {
    const pool = ipPool(family);
    const wanted = ips[i] ?? "";
    if (wanted === "") {
      const ip = await allocator.claimNext(pool);
      if (ip === undefined) throw ApiError.internal("failed to allocate a serviceIP: range is full");
      ips[i] = ip;
    } else if (!heldBefore(pool, wanted)) {
      const r = await allocator.claim(pool, wanted);
      if (!r.ok) {
        throw ApiError.invalid(serviceKind, svc.metadata.name ?? "", [fieldError.invalid("spec.clusterIPs", spec.clusterIPs, `failed to allocate IP ${wanted}: ${r.reason}`)]);
      }
    }
  }
  spec.clusterIPs = ips;
  spec.clusterIP = ips[0];
}

async function allocateNodePorts(svc: Service, allocator: Allocator, heldBefore: (pool: string, value: string) => boolean): Promise<void> {
  const spec = svc.spec!;
  const pool = servicePools.nodePort;
  const claimGiven = async (port: number, field: string): Promise<void> => {
    if (heldBefore(pool, String(port))) return;
    const r = await allocator.claim(pool, String(port));
    if (!r.ok) throw ApiError.invalid(serviceKind, svc.metadata.name ?? "", [fieldError.invalid(field, port, r.reason)]);
  };
  if (needsNodePort(svc)) {
    // Ports that share a number (TCP and UDP 53) share one node port, as upstream.
    const byPort = new Map<number, number>();
    const ports: ServicePort[] = spec.ports ?? [];
    for (const [i, p] of ports.entries()) {
      if (!p.nodePort && !shouldAllocateNodePorts(svc)) continue;
      if (p.nodePort) {
        await claimGiven(p.nodePort, `spec.ports[${i}].nodePort`);
      } else {
        const shared = byPort.get(p.port) ?? ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
        if (shared) p.nodePort = shared;
        else {
          const next = await allocator.claimNext(pool);
          if (next === undefined) throw ApiError.internal("failed to allocate a nodePort: range is full");
          p.nodePort = Number(next);
        }
      }
      byPort.set(p.port, p.nodePort);
    }
  }
  if (needsHealthCheckNodePort(svc)) {
    if (spec.healthCheckNodePort) {
      const port = spec.healthCheckNodePort;
      if (!heldBefore(pool, String(port))) {
        const r = await allocator.claim(pool, String(port));
        if (!r.ok) throw ApiError.internal(`failed to allocate requested HealthCheck NodePort ${port}: ${r.reason}`);
      }
    } else {
      const next = await allocator.claimNext(pool);
      if (next === undefined) throw ApiError.internal("failed to allocate a HealthCheck NodePort 0: range is full");
      spec.healthCheckNodePort = Number(next);
    }
  }
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
