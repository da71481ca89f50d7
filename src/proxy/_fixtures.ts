// A small cluster exercising every rule shape: the input of the golden rule-set tests
// (nftables and iptables) and of the benchmark's generator.
import type { EndpointSlice, Service } from "../api/index.js";
import type { NodeInfo } from "./service-table.js";

export const fixtureNode: NodeInfo = { nodeName: "node-a", nodeIPs: ["192.168.0.2"], podCIDR: "10.244.1.0/24" };

function svc(namespace: string, name: string, spec: NonNullable<Service["spec"]>, status?: Service["status"]): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec, status };
}

interface Ep {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function slice(namespace: string, service: string, ports: Array<{ name?: string; port: number; protocol?: string }>, endpoints: Ep[], suffix = "1"): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name: `${service}-${suffix}`, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    ports: ports.map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP" })),
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node ?? "node-b",
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
    })),
  };
}

export function fixtureCluster(): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [
    // ClusterIP, two endpoints (one on this node), a named port.
    svc("ns1", "web", { type: "ClusterIP", clusterIP: "10.43.0.41", clusterIPs: ["10.43.0.41"], ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] }),
    // NodePort with affinity; one ready endpoint, one not ready (ignored).
    svc("ns1", "sticky", {
      type: "NodePort",
      clusterIP: "10.43.0.42",
      ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 30080 }],
      sessionAffinity: "ClientIP",
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
    }),
    // LoadBalancer, externalTrafficPolicy Local, a local and a remote endpoint, source ranges.
    svc(
      "ns2",
      "lb",
      {
        type: "LoadBalancer",
        clusterIP: "10.43.0.43",
        ports: [{ name: "https", port: 443, protocol: "TCP", nodePort: 30443 }],
        externalTrafficPolicy: "Local",
        loadBalancerSourceRanges: ["203.0.113.0/24"],
      },
      { loadBalancer: { ingress: [{ ip: "192.168.0.2" }] } },
    ),
    // No endpoints at all: rejected.
    svc("ns2", "empty", { type: "NodePort", clusterIP: "10.43.0.44", ports: [{ port: 8080, protocol: "TCP", nodePort: 30088 }] }),
    // internalTrafficPolicy Local with only a remote endpoint: the ClusterIP drops.
    svc("ns2", "local-only", { clusterIP: "10.43.0.45", internalTrafficPolicy: "Local", ports: [{ port: 9000, protocol: "TCP" }] }),
    // Only terminating-but-serving endpoints: used as the fallback.
    svc("ns3", "draining", { clusterIP: "10.43.0.46", ports: [{ port: 80, protocol: "TCP" }] }),
    // UDP + TCP on one Service, an external IP.
    svc("kube-system", "dns", {
      clusterIP: "10.43.0.10",
      externalIPs: ["198.51.100.7"],
      ports: [
        { name: "dns", port: 53, protocol: "UDP" },
        { name: "dns-tcp", port: 53, protocol: "TCP" },
      ],
    }),
    // Not proxied: headless, ExternalName, another proxy's.
    svc("ns3", "headless", { clusterIP: "None", ports: [{ port: 80 }] }),
    svc("ns3", "external", { type: "ExternalName", externalName: "example.com" }),
  ];
  const slices: EndpointSlice[] = [
    slice("ns1", "web", [{ name: "http", port: 8080 }], [{ ip: "10.244.1.5", node: "node-a" }, { ip: "10.244.2.7" }]),
    slice("ns1", "sticky", [{ name: "p80", port: 80 }], [{ ip: "10.244.2.8" }, { ip: "10.244.2.9", ready: false }]),
    slice("ns2", "lb", [{ name: "https", port: 8443 }], [{ ip: "10.244.1.6", node: "node-a" }, { ip: "10.244.3.2", node: "node-c" }]),
    slice("ns2", "local-only", [{ port: 9000 }], [{ ip: "10.244.2.10" }]),
    slice("ns3", "draining", [{ port: 80 }], [{ ip: "10.244.2.11", ready: false, serving: true, terminating: true }, { ip: "10.244.2.12", ready: false, serving: false, terminating: true }]),
    slice("kube-system", "dns", [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }], [{ ip: "10.244.1.2", node: "node-a" }]),
  ];
  return { services, slices };
}
