// NetworkPolicy → nftables. Everything here is pure: `netpolModel` computes, for the pods
// of one node, a chain per isolated pod and direction plus the dispatch on pod IPs;
// `renderNetpol` prints the whole `table inet k8ts-netpol`, and `netpolTransaction` the
// smallest `nft -f` script from one model to the next.
//
// Semantics as upstream's (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// a pod selected by no policy of a type is not isolated for that direction; an isolated
// pod accepts only what the union of the rules of the policies selecting it allows;
// replies of allowed connections pass (conntrack established/related). A connection
// passes when the source pod's egress and the destination pod's ingress both allow it.
// The node's own traffic to and from its pods (probes, the host's DNS) is not filtered:
// only the forward hook is programmed (with bridge-nf-call-iptables, bridged same-node
// pod-to-pod frames pass it too).
import { createHash } from "node:crypto";
import { labelSelectorFromObject } from "../machinery/index.js";
import type { MetaLabelSelector } from "../machinery/index.js";
import { parseCidr, parseIp, type NetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort } from "../api/index.js";

export const netpolTable = "k8ts-netpol";
const family = "inet";

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

export interface NetpolModel {
  /** Per-pod chains: name → rules. */
  chains: ReadonlyMap<string, readonly string[]>;
  /** The forward base chain's rules (dispatch on the pods' addresses). */
  forward: readonly string[];
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

const isV4 = (ip: string): boolean => !ip.includes(":");

function chainName(prefix: "ing" | "egr", pod: PodEntry): string {
  const name = `${prefix}-${pod.namespace}/${pod.name}`;
  if (name.length <= 200) return name;
  return `${prefix}-${createHash("sha256").update(`${pod.namespace}/${pod.name}`).digest("hex").slice(0, 32)}`;
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

const setOf = (items: readonly string[]): string => (items.length === 1 ? items[0]! : `{ ${items.join(", ")} }`);

/** Address matches for a list of pod IPs: one per family present. */
function addressMatches(ips: readonly string[], dir: "saddr" | "daddr"): string[] {
  const uniq = [...new Set(ips)];
  const v4 = uniq.filter(isV4).sort(compareIps);
  const v6 = uniq.filter((ip) => !isV4(ip)).sort(compareIps);
  const out: string[] = [];
  if (v4.length) out.push(`ip ${dir} ${setOf(v4)}`);
  if (v6.length) out.push(`ip6 ${dir} ${setOf(v6)}`);
  return out;
}

function compareIps(a: string, b: string): number {
  const x = parseIp(a)?.value ?? 0n;
  const y = parseIp(b)?.value ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Matches for a rule's peers: undefined means "any address". */
function peerMatches(peers: readonly NetworkPolicyPeer[] | undefined, policyNs: string, dir: "saddr" | "daddr", input: NetpolInput, nsLabels: Map<string, Record<string, string>>): string[] | undefined {
  if (!peers || peers.length === 0) return undefined;
  const memo = peerMemo.get(nsLabels);
  const hit = memo?.get(peers);
  if (hit) return hit;
  const computed = computePeerMatches(peers, policyNs, dir, input, nsLabels);
  memo?.set(peers, computed);
  return computed;
}

/** Per model computation (keyed by its namespace-label map): a rule's peers give the same matches for every pod. */
const peerMemo = new WeakMap<Map<string, Record<string, string>>, Map<readonly NetworkPolicyPeer[], string[]>>();

function computePeerMatches(peers: readonly NetworkPolicyPeer[], policyNs: string, dir: "saddr" | "daddr", input: NetpolInput, nsLabels: Map<string, Record<string, string>>): string[] {
  const ips: string[] = [];
  const out: string[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      const c = parseCidr(peer.ipBlock.cidr);
      if (!c) continue;
      const fam = c.family === 4 ? "ip" : "ip6";
      const except = (peer.ipBlock.except ?? []).filter((e) => parseCidr(e)?.family === c.family);
      out.push(`${fam} ${dir} ${peer.ipBlock.cidr}${except.length ? ` ${fam} ${dir} != ${setOf(except)}` : ""}`);
    } else {
      for (const p of peerPods(peer, policyNs, input, nsLabels)) ips.push(...p.ips);
    }
  }
  return [...addressMatches(ips, "saddr" === dir ? "saddr" : "daddr"), ...out];
}

const proto = (p: NetworkPolicyPort): string => (p.protocol ?? "TCP").toLowerCase();

function numericPortMatch(p: NetworkPolicyPort, port: number): string {
  const end = p.endPort !== undefined && p.endPort > port ? `-${p.endPort}` : "";
  return `${proto(p)} dport ${port}${end}`;
}

function resolveNamed(pod: PodEntry, name: string, protocol: string): number | undefined {
  return pod.namedPorts.find((np) => np.name === name && np.protocol.toLowerCase() === protocol)?.port;
}

const commentOf = (np: NetworkPolicy, dir: string, i: number): string => `comment "${np.metadata.namespace}/${np.metadata.name} ${dir}[${i}]"`;

function ingressRules(pod: PodEntry, policies: readonly NetworkPolicy[], input: NetpolInput, nsLabels: Map<string, Record<string, string>>): string[] {
  const rules: string[] = [];
  for (const np of policies) {
    for (const [i, rule] of (np.spec?.ingress ?? []).entries()) {
      const peers = peerMatches(rule.from, np.metadata.namespace ?? "", "saddr", input, nsLabels);
      if (peers && peers.length === 0) continue; // selects no source now
      let ports: string[] | undefined;
      if (rule.ports && rule.ports.length > 0) {
        ports = [];
        for (const p of rule.ports) {
          if (p.port === undefined) ports.push(`meta l4proto ${proto(p)}`);
          else if (typeof p.port === "number") ports.push(numericPortMatch(p, p.port));
          else {
            const n = resolveNamed(pod, p.port, proto(p));
            if (n !== undefined) ports.push(numericPortMatch(p, n));
          }
        }
        if (ports.length === 0) continue;
      }
      for (const peer of peers ?? [""]) {
        for (const port of ports ?? [""]) rules.push([peer, port, "accept", commentOf(np, "ingress", i)].filter(Boolean).join(" "));
      }
    }
  }
  rules.push("drop");
  return rules;
}

function egressRules(policies: readonly NetworkPolicy[], input: NetpolInput, nsLabels: Map<string, Record<string, string>>, memo: Map<NetworkPolicy, string[]>): string[] {
  const rules: string[] = [];
  for (const np of policies) {
    let own = memo.get(np);
    if (!own) {
      own = policyEgressRules(np, input, nsLabels);
      memo.set(np, own);
    }
    rules.push(...own);
  }
  rules.push("drop");
  return rules;
}

/** One policy's egress rules: the same for every pod it selects. */
function policyEgressRules(np: NetworkPolicy, input: NetpolInput, nsLabels: Map<string, Record<string, string>>): string[] {
  const rules: string[] = [];
  {
    const ns = np.metadata.namespace ?? "";
    for (const [i, rule] of (np.spec?.egress ?? []).entries()) {
      const comment = commentOf(np, "egress", i);
      const peers = peerMatches(rule.to, ns, "daddr", input, nsLabels);
      const numeric = (rule.ports ?? []).filter((p) => typeof p.port !== "string");
      const named = (rule.ports ?? []).filter((p): p is NetworkPolicyPort & { port: string } => typeof p.port === "string");
      const anyPort = !rule.ports || rule.ports.length === 0;
      if (!(peers && peers.length === 0)) {
        const ports = anyPort ? [""] : numeric.map((p) => (p.port === undefined ? `meta l4proto ${proto(p)}` : numericPortMatch(p, p.port as number)));
        for (const peer of peers ?? [""]) for (const port of ports) rules.push([peer, port, "return", comment].filter(Boolean).join(" "));
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
          const ips = peerIpsOf(pod, rule.to);
          byPort.set(n, [...(byPort.get(n) ?? []), ...ips]);
        }
        for (const [n, ips] of [...byPort].sort((a, b) => a[0] - b[0])) {
          for (const addr of addressMatches(ips, "daddr")) rules.push(`${addr} ${numericPortMatch(p, n)} return ${comment}`);
        }
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

export function netpolModel(input: NetpolInput): NetpolModel {
  const nsLabels = new Map(input.namespaces.map((n) => [n.name, n.labels]));
  peerMemo.set(nsLabels, new Map());
  const egressMemo = new Map<NetworkPolicy, string[]>();
  const policies = sortPolicies(input.policies);
  const chains = new Map<string, string[]>();
  const ingressDispatch: Array<[string, string]> = [];
  const egressDispatch: Array<[string, string]> = [];
  const local = input.pods.filter((p) => p.nodeName === input.nodeName && p.ips.length > 0);
  local.sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  for (const pod of local) {
    const selecting = policies.filter((np) => np.metadata.namespace === pod.namespace && selects(np.spec?.podSelector, pod.labels));
    const ingress = selecting.filter((np) => policyTypesOf(np).includes("Ingress"));
    const egress = selecting.filter((np) => policyTypesOf(np).includes("Egress"));
    if (ingress.length > 0) {
      const name = chainName("ing", pod);
      chains.set(name, ingressRules(pod, ingress, input, nsLabels));
      for (const ip of pod.ips) ingressDispatch.push([ip, name]);
    }
    if (egress.length > 0) {
      const name = chainName("egr", pod);
      chains.set(name, egressRules(egress, input, nsLabels, egressMemo));
      for (const ip of pod.ips) egressDispatch.push([ip, name]);
    }
  }
  const forward = ["ct state established,related accept"];
  const dispatch = (entries: Array<[string, string]>, dir: "saddr" | "daddr"): void => {
    for (const [fam, pick] of [["ip", isV4], ["ip6", (ip: string) => !isV4(ip)]] as const) {
      const els = entries.filter(([ip]) => pick(ip)).sort((a, b) => compareIps(a[0], b[0]));
      if (els.length) forward.push(`${fam} ${dir} vmap { ${els.map(([ip, c]) => `${ip} : jump ${c}`).join(", ")} }`);
    }
  };
  // Egress first: its chains `return` when allowed, so the destination's ingress is checked next.
  dispatch(egressDispatch, "saddr");
  dispatch(ingressDispatch, "daddr");
  return { chains, forward };
}

const forwardChainHead = "type filter hook forward priority filter; policy accept;";

/** The whole table, replacing whatever was there (atomically, in one `nft -f`). */
export function renderNetpol(model: NetpolModel): string {
  const lines = [`add table ${family} ${netpolTable}`, `delete table ${family} ${netpolTable}`, `table ${family} ${netpolTable} {`];
  for (const [name, rules] of model.chains) {
    lines.push(`\tchain ${name} {`, ...rules.map((r) => `\t\t${r}`), "\t}");
  }
  lines.push("\tchain forward {", `\t\t${forwardChainHead}`, ...model.forward.map((r) => `\t\t${r}`), "\t}", "}");
  return lines.join("\n") + "\n";
}

const sameRules = (a: readonly string[] | undefined, b: readonly string[]): boolean => !!a && a.length === b.length && a.every((r, i) => r === b[i]);

/** The `nft -f` script from `prev` (what is programmed) to `next`; "" when nothing changed. */
export function netpolTransaction(prev: NetpolModel | undefined, next: NetpolModel): { script: string; full: boolean } {
  if (!prev) return { script: renderNetpol(next), full: true };
  const t = `${family} ${netpolTable}`;
  const lines: string[] = [];
  for (const [name, rules] of next.chains) {
    const old = prev.chains.get(name);
    if (sameRules(old, rules)) continue;
    lines.push(old ? `flush chain ${t} ${name}` : `add chain ${t} ${name}`);
    for (const r of rules) lines.push(`add rule ${t} ${name} ${r}`);
  }
  const removed = [...prev.chains.keys()].filter((name) => !next.chains.has(name));
  if (!sameRules(prev.forward, next.forward) || removed.length > 0) {
    lines.push(`flush chain ${t} forward`);
    for (const r of next.forward) lines.push(`add rule ${t} forward ${r}`);
  }
  for (const name of removed) lines.push(`delete chain ${t} ${name}`);
  return { script: lines.length ? lines.join("\n") + "\n" : "", full: false };
}
