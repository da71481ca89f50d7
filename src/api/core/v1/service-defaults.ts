/** Service defaulting, after SetDefaults_Service in pkg/apis/core/v1/defaults.go. */
import type { Service } from "./service-types.js";

export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ||= "ClusterIP";
  for (const p of spec.ports ?? []) {
    p.protocol ||= "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  const externallyAccessible = spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && (spec.externalIPs?.length ?? 0) > 0);
  if (externallyAccessible) spec.externalTrafficPolicy ||= "Cluster";
  if (spec.type !== "ExternalName") spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
}

/**
 * On create, clusterIPs follows clusterIP for clients that set only the singular field
 * (normalizeClusterIPs in pkg/registry/core/service/storage). IP families, ClusterIPs
 * and NodePorts are filled in by allocation (service-allocation.ts), after validation.
 */
export function prepareServiceForCreate(svc: Service): void {
  const spec = (svc.spec ??= {});
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
}

/**
 * On update, before validation: keep allocated values a client left out (patchAllocatedValues),
 * keep clusterIP and clusterIPs in step (normalizeClusterIPs), and wipe what a type
 * change no longer needs and the user did not touch (dropTypeDependentFields): a
 * NodePort Service turned ClusterIP gives its node ports back.
 */
export function prepareServiceForUpdate(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const prev = old.spec ?? {};
  patchAllocatedValues(svc, old);
  // clusterIPs left out by an old client that sent clusterIP only.
  if ((prev.clusterIPs?.length ?? 0) > 0 && !spec.clusterIPs?.length && prev.clusterIP === spec.clusterIP) spec.clusterIPs = prev.clusterIPs;
  if (prev.clusterIP !== spec.clusterIP) {
    if (prev.clusterIP && !spec.clusterIP) {
      if (same(prev.clusterIPs, spec.clusterIPs)) delete spec.clusterIPs;
    } else if (same(prev.clusterIPs, spec.clusterIPs) && spec.clusterIP) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
  dropTypeDependentFields(svc, old);
}

const needsClusterIP = (s: Service) => s.spec?.type !== "ExternalName";
const needsNodePort = (s: Service) => s.spec?.type === "NodePort" || s.spec?.type === "LoadBalancer";
const needsHealthCheckNodePort = (s: Service) => s.spec?.type === "LoadBalancer" && s.spec.externalTrafficPolicy === "Local";
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function patchAllocatedValues(svc: Service, old: Service): void {
  const spec = svc.spec!;
  const prev = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP) spec.clusterIP = prev.clusterIP;
    if (!spec.clusterIPs?.length && spec.clusterIP === prev.clusterIP) spec.clusterIPs = prev.clusterIPs;
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const usedBy = (s: Service) => new Set((s.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n));
    const newUsed = usedBy(svc);
    const used = new Set([...usedBy(old)].filter((n) => newUsed.has(n)));
    const byName = new Map((prev.ports ?? []).map((p) => [p.name ?? "", p.nodePort ?? 0]));
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const oldValue = byName.get(p.name ?? "") ?? 0;
      if (oldValue && !used.has(oldValue)) p.nodePort = oldValue;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(svc) && !spec.healthCheckNodePort) spec.healthCheckNodePort = prev.healthCheckNodePort;
}

function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec!;
  const prev = old.spec ?? {};
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (same(prev.clusterIP, spec.clusterIP) && same(prev.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(prev.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (same(prev.ipFamilyPolicy, spec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(svc) && same((prev.ports ?? []).map((p) => p.nodePort ?? 0), (spec.ports ?? []).map((p) => p.nodePort ?? 0))) {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(svc) && prev.healthCheckNodePort === spec.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (prev.type === "LoadBalancer" && spec.type !== "LoadBalancer") {
    if (spec.allocateLoadBalancerNodePorts !== undefined && prev.allocateLoadBalancerNodePorts === spec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (prev.loadBalancerClass === spec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  const hasExternalPolicy = (s: Service) => s.spec?.type === "NodePort" || s.spec?.type === "LoadBalancer" || (s.spec?.externalIPs?.length ?? 0) > 0;
  if (hasExternalPolicy(old) && !hasExternalPolicy(svc) && prev.externalTrafficPolicy === spec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
}
