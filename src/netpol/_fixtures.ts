// A small cluster for the rule tests: two namespaces, pods on two nodes, and policies of every peer and port shape.
import type { NetworkPolicy } from "../api/index.js";
import type { NamespaceEntry, NetpolInput, PodEntry } from "./rules.js";

export const fixtureNamespaces: NamespaceEntry[] = [
  { name: "default", labels: { "kubernetes.io/metadata.name": "default" } },
  { name: "team", labels: { "kubernetes.io/metadata.name": "team", team: "a" } },
];

export const fixturePods: PodEntry[] = [
  { namespace: "default", name: "server", labels: { app: "server" }, ips: ["10.42.0.10", "fd00:42::a"], nodeName: "node-1", namedPorts: [{ name: "http", port: 8080, protocol: "TCP" }] },
  { namespace: "default", name: "client", labels: { app: "client" }, ips: ["10.42.0.11"], nodeName: "node-1", namedPorts: [] },
  { namespace: "default", name: "other", labels: { app: "other" }, ips: ["10.42.0.12"], nodeName: "node-1", namedPorts: [] },
  { namespace: "team", name: "client", labels: { app: "client" }, ips: ["10.42.1.5"], nodeName: "node-2", namedPorts: [] },
  { namespace: "team", name: "web", labels: { app: "web" }, ips: ["10.42.1.6"], nodeName: "node-2", namedPorts: [{ name: "http", port: 8081, protocol: "TCP" }] },
  { namespace: "team", name: "local", labels: { app: "unselected" }, ips: ["10.42.0.20"], nodeName: "node-1", namedPorts: [] },
];

const policy = (name: string, spec: NetworkPolicy["spec"], namespace = "default"): NetworkPolicy => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });

export const fixturePolicies: NetworkPolicy[] = [
  policy("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
  policy("allow-client", {
    podSelector: { matchLabels: { app: "server" } },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }], ports: [{ protocol: "TCP", port: "http" }, { protocol: "UDP", port: 9000, endPort: 9100 }, { protocol: "TCP", port: "missing" }] }],
  }),
  policy("allow-team", {
    podSelector: { matchLabels: { app: "server" } },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "a" } }, podSelector: { matchLabels: { app: "client" } } }, { ipBlock: { cidr: "192.168.0.0/16", except: ["192.168.1.0/24", "192.168.2.0/24"] } }] }],
  }),
  policy("client-egress", {
    podSelector: { matchLabels: { app: "client" } },
    policyTypes: ["Egress"],
    egress: [
      { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.42.1.0/24"] } }], ports: [{ protocol: "TCP", port: 443 }] },
      { to: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: "http" }] },
      { ports: [{ protocol: "UDP", port: 53 }, { protocol: "SCTP" }] },
    ],
  }),
  policy("deny-all-egress", { podSelector: { matchLabels: { app: "nothing-here" } }, policyTypes: ["Egress"] }, "team"),
];

export const fixtureInput = (over: Partial<NetpolInput> = {}): NetpolInput => ({
  nodeName: "node-1",
  pods: fixturePods,
  namespaces: fixtureNamespaces,
  policies: fixturePolicies,
  ...over,
});
