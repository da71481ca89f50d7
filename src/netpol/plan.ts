// NetworkPolicy semantics, independent of the packet filter: `netpolPlan` computes, for the
// pods of one node, the allow rules of each isolated pod and direction (peer addresses ×
// ports, with the policy rule they come from) and the dispatch on pod IPs. The nftables
// renderer (rules.ts) and the iptables one (iptables-rules.ts) print the same plan.
//
// Semantics as upstream's (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// a pod selected by no policy of a type is not isolated for that direction; an isolated
// pod accepts only what the union of the rules of the policies selecting it allows;
// replies of allowed connections pass (conntrack established/related). A connection
// passes when the source pod's egress and the destination pod's ingress both allow it.
import { labelSelectorFromObject } from "../machinery/index.js";
import type { MetaLabelSelector } from "../machinery/index.js";
import { parseCidr, parseIp, type NetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort } from "../api/index.js";

/** What the rules need of a pod. */
export interface PodEntry {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ips: string[];
  nodeName?: string;
  /** Container ports with a name, for named ports. */
  namedPorts: Array<{ name: string; port: number; protocol: string }>;
}

export interface NamespaceEntry {
  name: string;
  labels: Record<string, string>;
}

export interface NetpolInput {
  nodeName: string;
  /** Every pod of the cluster that has an IP of its own (not hostNetwork, not finished). */
  pods: readonly PodEntry[];
  namespaces: readonly NamespaceEntry[];
  policies: readonly NetworkPolicy[];
}

/** Addresses a rule matches: pod IPs of one family (sorted, unique), or one CIDR minus exceptions of its family. */
export type AddressMatch = { family: 4 | 6; ips: readonly string[] } | { family: 4 | 6; cidr: string; except: readonly string[] };

/** A port a rule matches: a protocol alone (port undefined), a port, or a range port..endPort. */
export interface PortMatch {
  /** Lower case: tcp, udp, sctp. */
  protocol: string;
  port?: number;
  endPort?: number;
}

/** One allow rule: traffic from/to `peer` (any address when absent) on `port` (any when absent). */
export interface PlanRule {
  peer?: AddressMatch;
  port?: PortMatch;
  /** "namespace/policy ingress[i]": where the rule comes from. */
  comment: string;
}

export type Direction = "ingress" | "egress";

/** An isolated pod's rules for one direction; what no rule allows is dropped. */
export interface PodChain {
  /** "namespace/name" of the pod. */
  pod: string;
  direction: Direction;
  rules: readonly PlanRule[];
}

export interface NetpolPlan {
  /** In the order of the pods (namespace/name), ingress before egress for a pod. */
  chains: readonly PodChain[];
  /** Pod IP → its chain, per direction: egress on the source address, ingress on the destination. */
  egressDispatch: ReadonlyArray<{ ip: string; chain: PodChain }>;
  ingressDispatch: ReadonlyArray<{ ip: string; chain: PodChain }>;
}

const parsedSelectors = new WeakMap<MetaLabelSelector, { matches(labels: Record<string, string>): boolean } | null>();
const everything: MetaLabelSelector = {};

/** An absent selector selects everything here (callers handle a peer's absent selectors); an invalid one nothing. */
const selects = (selector: MetaLabelSelector | undefined, labels: Record<string, string>): boolean => {
  const key = selector ?? everything;
  let parsed = parsedSelectors.get(key);
  if (parsed === undefined) {
    try {
      parsed = labelSelectorFromObject(key);
    } catch {
      parsed = null;
    }
    parsedSelectors.set(key, parsed);
  }
  return parsed !== null && parsed.matches(labels);
};

export const isV4 = (ip: string): boolean => !ip.includes(":");

export function compareIps(a: string, b: string): number {
  const x = parseIp(a)?.value ?? 0n;
  const y = parseIp(b)?.value ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

function policyTypesOf(np: NetworkPolicy): string[] {
  const types = np.spec?.policyTypes;
  if (types && types.length > 0) return types;
  return np.spec?.egress && np.spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Pods a selector peer (podSelector and/or namespaceSelector) selects, from the view of a policy in `policyNs`. */
function peerPods(peer: NetworkPolicyPeer, policyNs: string, input: NetpolInput, nsLabels: Map<string, Record<string, string>>): PodEntry[] {
  return input.pods.filter((p) => {
    if (peer.namespaceSelector) {
      if (!selects(peer.namespaceSelector, nsLabels.get(p.namespace) ?? {})) return false;
    } else if (p.namespace !== policyNs) return false;
    return peer.podSelector ? selects(peer.podSelector, p.labels) : true;
  });
}

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  const addr = parseIp(ip);
  const within = (cidrText: string): boolean => {
    const c = parseCidr(cidrText);
    if (!addr || !c || c.family !== addr.family) return false;
    const shift = BigInt((c.family === 4 ? 32 : 128) - c.prefix);
    return addr.value >> shift === c.base >> shift;
  };
  return within(block.cidr) && !(block.except ?? []).some(within);
}

/** Address matches for a list of pod IPs: one per family present. */
function addressMatches(ips: readonly string[]): AddressMatch[] {
  const uniq = [...new Set(ips)];
  const v4 = uniq.filter(isV4).sort(compareIps);
  const v6 = uniq.filter((ip) => !isV4(ip)).sort(compareIps);
  const out: AddressMatch[] = [];
  if (v4.length) out.push({ family: 4, ips: v4 });
  if (v6.length) out.push({ family: 6, ips: v6 });
  return out;
}

/** Matches for a rule's peers: undefined means "any address". */
function peerMatches(peers: readonly NetworkPolicyPeer[] | undefined, policyNs: string, input: NetpolInput, nsLabels: Map<string, Record<string, string>>): AddressMatch[] | undefined {
  if (!peers || peers.length === 0) return undefined;
  const memo = peerMemo.get(nsLabels);
  const hit = memo?.get(peers);
  if (hit) return hit;
  const computed = computePeerMatches(peers, policyNs, input, nsLabels);
  memo?.set(peers, computed);
  return computed;
}

/** Per plan computation (keyed by its namespace-label map): a rule's peers give the same matches for every pod. */
const peerMemo = new WeakMap<Map<string, Record<string, string>>, Map<readonly NetworkPolicyPeer[], AddressMatch[]>>();

function computePeerMatches(peers: readonly NetworkPolicyPeer[], policyNs: string, input: NetpolInput, nsLabels: Map<string, Record<string, string>>): AddressMatch[] {
  const ips: string[] = [];
  const out: AddressMatch[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      const c = parseCidr(peer.ipBlock.cidr);
      if (!c) continue;
      const except = (peer.ipBlock.except ?? []).filter((e) => parseCidr(e)?.family === c.family);
      out.push({ family: c.family, cidr: peer.ipBlock.cidr, except });
    } else {
      for (const p of peerPods(peer, policyNs, input, nsLabels)) ips.push(...p.ips);
    }
  }
  return [...addressMatches(ips), ...out];
}

const proto = (p: NetworkPolicyPort): string => (p.protocol ?? "TCP").toLowerCase();

function numericPort(p: NetworkPolicyPort, port: number): PortMatch {
  return p.endPort !== undefined && p.endPort > port ? { protocol: proto(p), port, endPort: p.endPort } : { protocol: proto(p), port };
}

function resolveNamed(pod: PodEntry, name: string, protocol: string): number | undefined {
  return pod.namedPorts.find((np) => np.name === name && np.protocol.toLowerCase() === protocol)?.port;
}

const commentOf = (np: NetworkPolicy, dir: string, i: number): string => `${np.metadata.namespace}/${np.metadata.name} ${dir}[${i}]`;

function ingressRules(pod: PodEntry, policies: readonly NetworkPolicy[], input: NetpolInput, nsLabels: Map<string, Record<string, string>>): PlanRule[] {
  const rules: PlanRule[] = [];
  for (const np of policies) {
    for (const [i, rule] of (np.spec?.ingress ?? []).entries()) {
      const peers = peerMatches(rule.from, np.metadata.namespace ?? "", input, nsLabels);
      if (peers && peers.length === 0) continue; // selects no source now
      let ports: PortMatch[] | undefined;
      if (rule.ports && rule.ports.length > 0) {
        ports = [];
        for (const p of rule.ports) {
          if (p.port === undefined) ports.push({ protocol: proto(p) });
          else if (typeof p.port === "number") ports.push(numericPort(p, p.port));
          else {
            const n = resolveNamed(pod, p.port, proto(p));
            if (n !== undefined) ports.push(numericPort(p, n));
          }
        }
        if (ports.length === 0) continue;
      }
      const comment = commentOf(np, "ingress", i);
      for (const peer of peers ?? [undefined]) {
        for (const port of ports ?? [undefined]) rules.push({ peer, port, comment });
      }
    }
  }
  return rules;
}

/** One policy's egress rules: the same for every pod it selects. */
function policyEgressRules(np: NetworkPolicy, input: NetpolInput, nsLabels: Map<string, Record<string, string>>): PlanRule[] {
  const rules: PlanRule[] = [];
  const ns = np.metadata.namespace ?? "";
  for (const [i, rule] of (np.spec?.egress ?? []).entries()) {
    const comment = commentOf(np, "egress", i);
    const peers = peerMatches(rule.to, ns, input, nsLabels);
    const numeric = (rule.ports ?? []).filter((p) => typeof p.port !== "string");
    const named = (rule.ports ?? []).filter((p): p is NetworkPolicyPort & { port: string } => typeof p.port === "string");
    const anyPort = !rule.ports || rule.ports.length === 0;
    if (!(peers && peers.length === 0)) {
      const ports = anyPort ? [undefined] : numeric.map((p) => (p.port === undefined ? { protocol: proto(p) } : numericPort(p, p.port as number)));
      for (const peer of peers ?? [undefined]) for (const port of ports) rules.push({ peer, port, comment });
    }
    // A named port is resolved on each destination pod: pods the peers select (or every pod).
    for (const p of named) {
      const byPort = new Map<number, string[]>();
      const candidates = !rule.to || rule.to.length === 0
        ? input.pods
        : rule.to.flatMap((peer) => (peer.ipBlock ? input.pods.filter((pod) => pod.ips.some((ip) => inBlock(ip, peer.ipBlock!))) : peerPods(peer, ns, input, nsLabels)));
      for (const pod of candidates) {
        const n = resolveNamed(pod, p.port, proto(p));
        if (n === undefined) continue;
        byPort.set(n, [...(byPort.get(n) ?? []), ...peerIpsOf(pod, rule.to)]);
      }
      for (const [n, ips] of [...byPort].sort((a, b) => a[0] - b[0])) {
        for (const peer of addressMatches(ips)) rules.push({ peer, port: numericPort(p, n), comment });
      }
    }
  }
  return rules;
}

/** A destination pod's addresses a rule's peers allow (an ipBlock allows only the addresses inside it). */
function peerIpsOf(pod: PodEntry, peers: readonly NetworkPolicyPeer[] | undefined): string[] {
  if (!peers || peers.length === 0 || peers.some((p) => !p.ipBlock)) return pod.ips;
  return pod.ips.filter((ip) => peers.some((p) => p.ipBlock && inBlock(ip, p.ipBlock)));
}

function sortPolicies(policies: readonly NetworkPolicy[]): NetworkPolicy[] {
  const key = (np: NetworkPolicy) => `${np.metadata.namespace}/${np.metadata.name}`;
  return [...policies].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function netpolPlan(input: NetpolInput): NetpolPlan {
  const nsLabels = new Map(input.namespaces.map((n) => [n.name, n.labels]));
  peerMemo.set(nsLabels, new Map());
  const egressMemo = new Map<NetworkPolicy, PlanRule[]>();
  const policies = sortPolicies(input.policies);
  const chains: PodChain[] = [];
  const ingressDispatch: Array<{ ip: string; chain: PodChain }> = [];
  const egressDispatch: Array<{ ip: string; chain: PodChain }> = [];
  const local = input.pods.filter((p) => p.nodeName === input.nodeName && p.ips.length > 0);
  local.sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  for (const pod of local) {
    const selecting = policies.filter((np) => np.metadata.namespace === pod.namespace && selects(np.spec?.podSelector, pod.labels));
    const ingress = selecting.filter((np) => policyTypesOf(np).includes("Ingress"));
    const egress = selecting.filter((np) => policyTypesOf(np).includes("Egress"));
    const id = `${pod.namespace}/${pod.name}`;
    if (ingress.length > 0) {
      const chain: PodChain = { pod: id, direction: "ingress", rules: ingressRules(pod, ingress, input, nsLabels) };
      chains.push(chain);
      for (const ip of pod.ips) ingressDispatch.push({ ip, chain });
    }
    if (egress.length > 0) {
      const rules: PlanRule[] = [];
      for (const np of egress) {
        let own = egressMemo.get(np);
        if (!own) egressMemo.set(np, (own = policyEgressRules(np, input, nsLabels)));
        rules.push(...own);
      }
      const chain: PodChain = { pod: id, direction: "egress", rules };
      chains.push(chain);
      for (const ip of pod.ips) egressDispatch.push({ ip, chain });
    }
  }
  const byIp = (a: { ip: string }, b: { ip: string }): number => compareIps(a.ip, b.ip);
  return { chains, egressDispatch: egressDispatch.sort(byIp), ingressDispatch: ingressDispatch.sort(byIp) };
}
