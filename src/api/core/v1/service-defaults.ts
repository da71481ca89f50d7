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
 * What the service registry sets on create besides allocation (pkg/registry/core/service/storage):
 * the IP family fields, and clusterIPs from clusterIP. Allocating a ClusterIP or NodePort is
 * the allocator's job, not this strategy's.
 */
export function prepareServiceForCreate(svc: Service): void {
  const spec = (svc.spec ??= {});
  if (spec.type === "ExternalName") return;
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  spec.ipFamilyPolicy ??= "SingleStack";
  if (!spec.ipFamilies?.length) spec.ipFamilies = [spec.clusterIP?.includes(":") ? "IPv6" : "IPv4"];
}
