// What a Service's EndpointSlices should hold: one endpoint per backing pod and the
// ports resolved for that pod (endpointslice reconciler's podToEndpoint / getEndpointPorts).
import type { DiscoveryV1Endpoint, DiscoveryV1EndpointPort, Node, Pod, Service } from "../../api/index.js";
import { findPort, isPodReady, podIPForService, shouldPodBeInEndpoints, shouldSetHostname } from "./pod-endpoints.js";

export const zoneLabel = "topology.kubernetes.io/zone";

/** Endpoints that share one set of ports (an endpointMeta in upstream's reconciler). */
export interface PortGroup {
  /** Canonical form of `ports`, to compare with a slice's. */
  key: string;
  ports: DiscoveryV1EndpointPort[];
  endpoints: DiscoveryV1Endpoint[];
}

/**
 * The endpoints of `addressType` for a Service, grouped by port set. Terminating pods are
 * listed (terminating: true, ready false unless publishNotReadyAddresses); pods without
 * an IP of the family, terminal pods, and pods whose Node is unknown are left out.
 */
export function desiredPortGroups(service: Service, selected: Pod[], addressType: "IPv4" | "IPv6", nodeOf: (name: string) => Node | undefined): PortGroup[] {
  const groups = new Map<string, PortGroup>();
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const sorted = [...selected].sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  for (const pod of sorted) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPForService({ ...service, spec: { ...service.spec, ipFamilies: [addressType] } }, pod);
    if (!ip) continue;
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? nodeOf(nodeName) : undefined;
    if (nodeName && !node) continue;
    const serving = publishNotReady || isPodReady(pod);
    const terminating = !!pod.metadata.deletionTimestamp;
    const endpoint: DiscoveryV1Endpoint = {
      addresses: [ip],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      ...(shouldSetHostname(pod, service) ? { hostname: pod.spec?.hostname } : {}),
      targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      ...(nodeName ? { nodeName } : {}),
      ...(node?.metadata.labels?.[zoneLabel] ? { zone: node.metadata.labels[zoneLabel] } : {}),
    };
    const ports = endpointPorts(service, pod);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, ports, endpoints: [] }));
    group.endpoints.push(endpoint);
  }
  return [...groups.values()];
}

/** getEndpointPorts: each Service port this pod resolves, named as the Service port. */
export function endpointPorts(service: Service, pod: Pod): DiscoveryV1EndpointPort[] {
  const out: DiscoveryV1EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? "", port, protocol: sp.protocol || "TCP", ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** Port sets compare equal regardless of order. */
export function portsKey(ports: DiscoveryV1EndpointPort[] | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? "", p.port ?? 0, p.protocol ?? "TCP", p.appProtocol ?? ""]).sort());
}

/** The identity of an endpoint within a Service: its pod, else its first address. */
export function endpointKey(ep: DiscoveryV1Endpoint): string {
  return ep.targetRef?.uid ? `uid:${ep.targetRef.uid}` : `ip:${ep.addresses[0] ?? ""}`;
}

/** Endpoint equality ignoring the targetRef resourceVersion. */
export function endpointsEqual(a: DiscoveryV1Endpoint, b: DiscoveryV1Endpoint): boolean {
  return canonicalEndpoint(a) === canonicalEndpoint(b);
}

function canonicalEndpoint(ep: DiscoveryV1Endpoint): string {
  const ref = ep.targetRef;
  return JSON.stringify([
    ep.addresses,
    ep.conditions?.ready ?? null,
    ep.conditions?.serving ?? null,
    ep.conditions?.terminating ?? null,
    ep.hostname ?? "",
    ep.nodeName ?? "",
    ep.zone ?? "",
    ref ? [ref.kind ?? "", ref.namespace ?? "", ref.name ?? "", ref.uid ?? ""] : null,
  ]);
}
