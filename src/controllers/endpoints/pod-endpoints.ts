// Which pods back a Service, and at which address and port: endpointsliceutil's
// ShouldPodBeInEndpoints / ShouldSetHostname and podutil.FindPort, as the endpoints
// controller uses them.
import type { Pod, Service, ServicePort } from "../../api/index.js";

/** A pod is in a Service's endpoints unless terminal, without an IP, or (unless included) terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** A pod's hostname is published when it names this Service as its subdomain. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace;
}

/**
 * The container port a Service port reaches on this pod (podutil.FindPort): a number is
 * used as it is; a name is looked up among the pod's container ports (and restartable
 * init containers) with the same protocol. `undefined` when the pod has no such port.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol || "TCP";
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol || "TCP") === protocol) return port.containerPort;
    }
  }
  return undefined;
}

const isIPv6 = (ip: string): boolean => ip.includes(":");

/** The IP family of a Service: its first ipFamily, else its clusterIP's, else IPv4. */
export function serviceIPFamily(service: Service, pod?: Pod): "IPv4" | "IPv6" {
  const family = service.spec?.ipFamilies?.[0];
  if (family === "IPv6" || family === "IPv4") return family;
  const clusterIP = service.spec?.clusterIP;
  if (clusterIP && clusterIP !== "None") return isIPv6(clusterIP) ? "IPv6" : "IPv4";
  return pod?.status?.podIP && isIPv6(pod.status.podIP) ? "IPv6" : "IPv4";
}

/** The pod's IP of the Service's family (podToEndpointAddressForService), if it has one. */
export function podIPForService(service: Service, pod: Pod): string | undefined {
  const wantV6 = serviceIPFamily(service, pod) === "IPv6";
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : pod.status?.podIP ? [pod.status.podIP] : [];
  return ips.find((ip) => isIPv6(ip) === wantV6);
}

/** helper.IsServiceIPSet: a real cluster IP (not headless, not unset). */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== "None";
}
