// nftables rule generation: the service table → one `table ip k8ts-proxy`, shaped as
// upstream's nftables proxier (pkg/proxy/nftables/proxier.go): a `services` chain that
// dispatches through verdict maps (service-ips, service-nodeports), one chain per service
// port and per endpoint, `numgen random` spreading, per-endpoint affinity sets,
// no-endpoint maps that reject, and a mark-then-masquerade pair. Everything here is pure:
// `nftablesModel` builds the desired state, `renderNftables` prints it whole, and
// `nftablesTransaction` prints the smallest `nft -f` transaction from one state to the next.
import { servicePortChainNameBase, servicePortEndpointChainNameBase } from "./names.js";
import { categorizeEndpoints, externallyAccessible, servicePortKey, type EndpointInfo, type NodeInfo, type ServicePortInfo } from "./service-table.js";

export const nftTable = "k8ts-proxy";
const family = "ip";
export const masqueradeMark = "0x4000";

/** What one service port adds to the table. */
export interface NftFragment {
  /** Chains with their rules, in creation order. */
  chains: ReadonlyArray<readonly [name: string, rules: readonly string[]]>;
  /** Affinity sets (sessionAffinity ClientIP), one per reachable endpoint. */
  sets: readonly string[];
  /** Verdict map elements: map name → key → value. */
  elements: ReadonlyArray<{ map: NftMapName; key: string; value: string }>;
}

export type NftMapName = "service-ips" | "service-nodeports" | "no-endpoint-services" | "no-endpoint-nodeports" | "firewall-ips";

export interface NftModel {
  /** The fixed part (table, base chains, maps, helper chains): depends on the node only. */
  base: string;
  /** One fragment per service port, by servicePortKey. */
  fragments: ReadonlyMap<string, NftFragment>;
}

const fragmentCache = new WeakMap<ServicePortInfo, { nodeSig: string; fragment: NftFragment }>();

/**
 * The desired table. Fragments are cached per ServicePortInfo object, so a caller that
 * keeps unchanged entries (the proxy does) gets the same fragment back and the
 * transaction skips it by identity.
 */
export function nftablesModel(table: readonly ServicePortInfo[], node: NodeInfo): NftModel {
  const nodeSig = nodeSignature(node);
  const fragments = new Map<string, NftFragment>();
  for (const sp of table) {
    const cached = fragmentCache.get(sp);
    let fragment = cached?.nodeSig === nodeSig ? cached.fragment : undefined;
    if (!fragment) {
      fragment = nftFragment(sp, node);
      fragmentCache.set(sp, { nodeSig, fragment });
    }
    fragments.set(servicePortKey(sp), fragment);
  }
  return { base: nftBase(node), fragments };
}

function nodeSignature(node: NodeInfo): string {
  return `${node.nodeName}|${node.nodeIPs.join(",")}|${node.podCIDR ?? ""}|${node.masqueradeAll ? 1 : 0}`;
}

const baseChains: ReadonlyArray<readonly [string, string, string, number]> = [
  // Filter chains see pre-DNAT destinations: they run before DNAT (priority dstnat-10).
  ["filter-prerouting", "filter", "prerouting", -110],
  ["filter-input", "filter", "input", -110],
  ["filter-forward", "filter", "forward", -110],
  ["filter-output", "filter", "output", -110],
  ["nat-prerouting", "nat", "prerouting", -100],
  ["nat-output", "nat", "output", -100],
  ["nat-postrouting", "nat", "postrouting", 100],
];

const jumpChains: ReadonlyArray<readonly [dst: string, src: string, extra: string]> = [
  // reject is only valid in input/forward/output hooks.
  ["service-endpoints-check", "filter-input", "ct state new "],
  ["service-endpoints-check", "filter-forward", "ct state new "],
  ["service-endpoints-check", "filter-output", "ct state new "],
  ["firewall-check", "filter-prerouting", "ct state new "],
  ["firewall-check", "filter-output", "ct state new "],
  ["services", "nat-output", ""],
  ["services", "nat-prerouting", ""],
  ["masquerading", "nat-postrouting", ""],
];

const mapTypes: ReadonlyArray<readonly [NftMapName, string, string]> = [
  ["no-endpoint-services", "ipv4_addr . inet_proto . inet_service : verdict", "vmap to drop or reject packets to services with no endpoints"],
  ["no-endpoint-nodeports", "inet_proto . inet_service : verdict", "vmap to drop or reject packets to service nodeports with no endpoints"],
  ["firewall-ips", "ipv4_addr . inet_proto . inet_service : verdict", "destinations that are subject to LoadBalancerSourceRanges"],
  ["service-ips", "ipv4_addr . inet_proto . inet_service : verdict", "ClusterIP, ExternalIP and LoadBalancer IP traffic"],
  ["service-nodeports", "inet_proto . inet_service : verdict", "NodePort traffic"],
];

const mapNames: readonly NftMapName[] = mapTypes.map(([name]) => name);

/** The fixed part of the table, as `nft -f` lines (creates everything from nothing). */
export function nftBase(node: NodeInfo): string {
  const t = `${family} ${nftTable}`;
  const lines: string[] = [`add table ${t} { comment "rules for the k8ts service proxy" ; }`];
  for (const [name, type, hook, priority] of baseChains) lines.push(`add chain ${t} ${name} { type ${type} hook ${hook} priority ${priority} ; }`);
  const helper = ["service-endpoints-check", "firewall-check", "services", "masquerading", "mark-for-masquerade"];
  for (const name of helper) lines.push(`add chain ${t} ${name}`);
  lines.push(`add chain ${t} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`);
  for (const [dst, src, extra] of jumpChains) lines.push(`add rule ${t} ${src} ${extra}jump ${dst}`);
  lines.push(`add rule ${t} mark-for-masquerade mark set mark or ${masqueradeMark}`);
  lines.push(`add rule ${t} masquerading mark and ${masqueradeMark} == 0 return`);
  lines.push(`add rule ${t} masquerading mark set mark xor ${masqueradeMark}`);
  lines.push(`add rule ${t} masquerading masquerade fully-random`);
  lines.push(`add rule ${t} reject-chain reject`);
  const nodeIPs = node.nodeIPs.filter((ip) => !ip.startsWith("127."));
  if (nodeIPs.length > 0) lines.push(`add set ${t} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`);
  for (const [name, type, comment] of mapTypes) lines.push(`add map ${t} ${name} { type ${type} ; comment "${comment}" ; }`);
  if (nodeIPs.length > 0) lines.push(`add element ${t} nodeport-ips { ${nodeIPs.join(", ")} }`);
  lines.push(`add rule ${t} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services`);
  const nodePortMatch = nodeIPs.length > 0 ? "ip daddr @nodeport-ips" : "fib daddr type local ip daddr != 127.0.0.0/8";
  lines.push(`add rule ${t} service-endpoints-check ${nodePortMatch} meta l4proto . th dport vmap @no-endpoint-nodeports`);
  lines.push(`add rule ${t} firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips`);
  lines.push(`add rule ${t} services ip daddr . meta l4proto . th dport vmap @service-ips`);
  lines.push(`add rule ${t} services ${nodePortMatch} meta l4proto . th dport vmap @service-nodeports`);
  return lines.join("\n") + "\n";
}

/** The chains, sets and map elements of one service port (syncProxyRules' loop body). */
export function nftFragment(sp: ServicePortInfo, node: NodeInfo): NftFragment {
  const { clusterEndpoints, localEndpoints, allReachable, hasEndpoints } = categorizeEndpoints(sp);
  const p = sp.protocol;
  const base = servicePortChainNameBase(sp.namespace, sp.name, p, sp.portName);
  const clusterChain = `service-${base}`;
  const localChain = `local-${base}`;
  const externalChain = `external-${base}`;
  const fwChain = `firewall-${base}`;
  const epBase = (ep: EndpointInfo) => servicePortEndpointChainNameBase(sp.namespace, sp.name, p, sp.portName, ep.ip, ep.port);
  const epChain = (ep: EndpointInfo) => `endpoint-${epBase(ep)}`;
  const affinitySet = (ep: EndpointInfo) => `affinity-${epBase(ep)}`;

  const chains = new Map<string, string[]>();
  const chain = (name: string): string[] => {
    let rules = chains.get(name);
    if (!rules) chains.set(name, (rules = []));
    return rules;
  };
  const elements: Array<{ map: NftMapName; key: string; value: string }> = [];
  const sets: string[] = [];
  const element = (map: NftMapName, key: string, value: string) => elements.push({ map, key, value });

  const usesClusterChain = clusterEndpoints.length > 0 && (!sp.internalPolicyLocal || (externallyAccessible(sp) && !sp.externalPolicyLocal));
  const usesLocalChain = localEndpoints.length > 0 && (sp.internalPolicyLocal || sp.externalPolicyLocal);
  let hasInternal = hasEndpoints;
  const internalChain = sp.internalPolicyLocal ? localChain : clusterChain;
  if (sp.internalPolicyLocal && localEndpoints.length === 0) hasInternal = false;
  let hasExternal = hasEndpoints;
  const externalPolicyChain = sp.externalPolicyLocal ? localChain : clusterChain;
  if (sp.externalPolicyLocal && localEndpoints.length === 0) hasExternal = false;
  const usesExternalChain = hasEndpoints && externallyAccessible(sp);

  for (const ep of allReachable) chain(epChain(ep));
  if (usesClusterChain) chain(clusterChain);
  if (usesLocalChain) chain(localChain);
  if (usesExternalChain) chain(externalChain);

  // No endpoints at all: reject; none for a Local policy: drop.
  const internalFilterVerdict = !hasEndpoints ? "goto reject-chain" : "drop";
  const externalFilterVerdict = !hasEndpoints ? "goto reject-chain" : "drop";
  const ipKey = (ip: string, port: number) => `${ip} . ${p} . ${port}`;

  if (hasInternal) element("service-ips", ipKey(sp.clusterIP, sp.port), `goto ${internalChain}`);
  else element("no-endpoint-services", ipKey(sp.clusterIP, sp.port), internalFilterVerdict);

  for (const ip of sp.externalIPs) {
    if (hasEndpoints) element("service-ips", ipKey(ip, sp.port), `goto ${externalChain}`);
    if (!hasExternal) element("no-endpoint-services", ipKey(ip, sp.port), externalFilterVerdict);
  }

  const usesFirewall = sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
  if (usesFirewall) {
    const sources = [...sp.loadBalancerSourceRanges];
    chain(fwChain).push(`ip saddr != { ${sources.join(", ")} } drop`);
  }
  for (const ip of sp.loadBalancerIPs) {
    if (hasEndpoints) element("service-ips", ipKey(ip, sp.port), `goto ${externalChain}`);
    if (usesFirewall) element("firewall-ips", ipKey(ip, sp.port), `goto ${fwChain}`);
    if (!hasExternal) element("no-endpoint-services", ipKey(ip, sp.port), externalFilterVerdict);
  }

  if (sp.nodePort !== 0) {
    if (hasEndpoints) element("service-nodeports", `${p} . ${sp.nodePort}`, `goto ${externalChain}`);
    if (!hasExternal) element("no-endpoint-nodeports", `${p} . ${sp.nodePort}`, externalFilterVerdict);
  }

  if (hasInternal) {
    const match = `ip daddr ${sp.clusterIP} ${p} dport ${sp.port}`;
    // Off-node sources reaching a ClusterIP may bounce to another node: masquerade them.
    if (node.masqueradeAll) chain(internalChain).push(`${match} jump mark-for-masquerade`);
    else if (node.podCIDR) chain(internalChain).push(`${match} ip saddr != ${node.podCIDR} jump mark-for-masquerade`);
  }

  if (usesExternalChain) {
    const ext = chain(externalChain);
    if (!sp.externalPolicyLocal) {
      ext.push("jump mark-for-masquerade");
    } else {
      // Pod and node traffic to an external address is not subject to the policy
      // (as if it went out to a load balancer and came back); with both policies Local
      // there is no cluster chain, so it takes the local one.
      const shortCircuit = usesClusterChain ? clusterChain : usesLocalChain ? localChain : undefined;
      if (shortCircuit && node.podCIDR) ext.push(`ip saddr ${node.podCIDR} goto ${shortCircuit} comment "short-circuit pod traffic"`);
      ext.push(`fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"`);
      if (shortCircuit) ext.push(`fib saddr type local goto ${shortCircuit} comment "short-circuit local traffic"`);
    }
    if (hasExternal) ext.push(`goto ${externalPolicyChain}`);
  }

  if (sp.affinityTimeoutSeconds !== undefined) for (const ep of allReachable) sets.push(affinitySet(ep));

  const toEndpoints = (svcChain: string, endpoints: readonly EndpointInfo[]) => {
    const rules = chain(svcChain);
    if (sp.affinityTimeoutSeconds !== undefined) for (const ep of endpoints) rules.push(`ip saddr @${affinitySet(ep)} goto ${epChain(ep)}`);
    // Uniform choice, one rule per endpoint with upstream's iptables probabilities
    // (1/n, 1/(n-1), …, then the last unconditionally). Upstream's nftables proxier uses
    // one `numgen random mod n vmap { … }`, but nft 1.0.6 (Debian bookworm) names each
    // anonymous map by scanning all sets, which makes loading 10,000 Services take minutes.
    endpoints.forEach((ep, i) => {
      const left = endpoints.length - i;
      rules.push(left > 1 ? `numgen random mod ${left} == 0 goto ${epChain(ep)}` : `goto ${epChain(ep)}`);
    });
  };
  if (usesClusterChain) toEndpoints(clusterChain, clusterEndpoints);
  if (usesLocalChain) toEndpoints(localChain, localEndpoints);

  for (const ep of allReachable) {
    const rules = chain(epChain(ep));
    // Hairpin: a pod reaching itself through its Service must not see its own address as the source.
    rules.push(`ip saddr ${ep.ip} jump mark-for-masquerade`);
    if (sp.affinityTimeoutSeconds !== undefined) rules.push(`update @${affinitySet(ep)} { ip saddr timeout ${sp.affinityTimeoutSeconds}s }`);
    rules.push(`meta l4proto ${p} dnat to ${ep.ip}:${ep.port}`);
  }

  return { chains: [...chains.entries()], sets, elements };
}

const t = `${family} ${nftTable}`;

function affinitySetLine(name: string): string {
  return `add set ${t} ${name} { type ipv4_addr ; flags dynamic,timeout ; }`;
}

/**
 * The whole table as one `nft -f` transaction. With `replace`, it first deletes any
 * table of that name (the add-then-delete pair never fails), so the swap is atomic.
 */
export function renderNftables(model: NftModel, options: { replace?: boolean } = {}): string {
  const out: string[] = [];
  if (options.replace) out.push(`add table ${t}\ndelete table ${t}\n`);
  out.push(model.base);
  const chainLines: string[] = [];
  const setLines: string[] = [];
  const ruleLines: string[] = [];
  const elements = new Map<NftMapName, string[]>();
  for (const fragment of model.fragments.values()) {
    for (const [name, rules] of fragment.chains) {
      chainLines.push(`add chain ${t} ${name}\n`);
      for (const rule of rules) ruleLines.push(`add rule ${t} ${name} ${rule}\n`);
    }
    for (const set of fragment.sets) setLines.push(affinitySetLine(set) + "\n");
    for (const e of fragment.elements) pushTo(elements, e.map, `${e.key} : ${e.value}`);
  }
  out.push(chainLines.join(""), setLines.join(""), ruleLines.join(""));
  for (const map of mapNames) out.push(elementLines("add", map, elements.get(map) ?? []));
  return out.join("");
}

export interface NftTransaction {
  /** The `nft -f` input; "" when nothing changed. */
  script: string;
  /** Chains flushed now and no longer used: delete them in a later transaction (upstream waits, for kernels before 6.2). */
  staleChains: string[];
  /** Whether this is a full replacement of the table. */
  full: boolean;
}

/**
 * The smallest transaction from `prev` to `next`: only service ports whose fragment
 * changed are touched (new chains added, changed ones flushed and rewritten, map elements
 * deleted and added one by one). `deleteChains` are stale chains from earlier
 * transactions to delete now (the caller checks they are not in `next`).
 * Without `prev`, or when the fixed part changed, it replaces the whole table.
 */
export function nftablesTransaction(prev: NftModel | undefined, next: NftModel, deleteChains: readonly string[] = []): NftTransaction {
  if (!prev || prev.base !== next.base) return { script: renderNftables(next, { replace: true }), staleChains: [], full: true };
  const addChains: string[] = [];
  const addSets: string[] = [];
  const flushChains: string[] = [];
  const delElements = new Map<NftMapName, string[]>();
  const delSets: string[] = [];
  const addRules: string[] = [];
  const addElements = new Map<NftMapName, string[]>();
  const staleChains: string[] = [];
  const nextChainNames = new Set<string>();

  const diff = (before: NftFragment | undefined, after: NftFragment | undefined) => {
    const beforeChains = new Map(before?.chains ?? []);
    const afterChains = new Map(after?.chains ?? []);
    for (const [name, rules] of afterChains) {
      nextChainNames.add(name);
      const old = beforeChains.get(name);
      if (!old) addChains.push(name);
      else if (sameRules(old, rules)) continue;
      else flushChains.push(name);
      for (const rule of rules) addRules.push(`add rule ${t} ${name} ${rule}\n`);
    }
    for (const name of beforeChains.keys()) if (!afterChains.has(name)) staleChains.push(name);
    const beforeSets = new Set(before?.sets ?? []);
    const afterSets = new Set(after?.sets ?? []);
    for (const set of afterSets) if (!beforeSets.has(set)) addSets.push(set);
    for (const set of beforeSets) if (!afterSets.has(set)) delSets.push(set);
    const beforeElements = new Map((before?.elements ?? []).map((e) => [`${e.map}\0${e.key}`, e]));
    const afterElements = new Map((after?.elements ?? []).map((e) => [`${e.map}\0${e.key}`, e]));
    for (const [id, e] of beforeElements) {
      const now = afterElements.get(id);
      if (!now || now.value !== e.value) pushTo(delElements, e.map, e.key);
    }
    for (const [id, e] of afterElements) {
      const was = beforeElements.get(id);
      if (!was || was.value !== e.value) pushTo(addElements, e.map, `${e.key} : ${e.value}`);
    }
  };

  for (const [key, after] of next.fragments) {
    const before = prev.fragments.get(key);
    if (before === after) {
      for (const [name] of after.chains) nextChainNames.add(name);
      continue;
    }
    diff(before, after);
  }
  for (const [key, before] of prev.fragments) if (!next.fragments.has(key)) diff(before, undefined);

  // A chain that moved from one fragment to another (rare: a renamed port) is not stale.
  const stale = staleChains.filter((name) => !nextChainNames.has(name));
  const out: string[] = [];
  for (const name of addChains) out.push(`add chain ${t} ${name}\n`);
  for (const set of addSets) out.push(affinitySetLine(set) + "\n");
  for (const name of flushChains) out.push(`flush chain ${t} ${name}\n`);
  for (const name of stale) out.push(`flush chain ${t} ${name}\n`);
  for (const map of mapNames) out.push(elementLines("delete", map, delElements.get(map) ?? []));
  for (const set of delSets) out.push(`delete set ${t} ${set}\n`);
  out.push(addRules.join(""));
  for (const map of mapNames) out.push(elementLines("add", map, addElements.get(map) ?? []));
  for (const name of deleteChains) if (!nextChainNames.has(name)) out.push(`delete chain ${t} ${name}\n`);
  return { script: out.join(""), staleChains: stale, full: false };
}

function sameRules(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(value);
}

/** `add|delete element` lines, 1,000 elements a statement (one statement per element is slow to parse). */
function elementLines(verb: "add" | "delete", map: NftMapName, items: readonly string[]): string {
  let out = "";
  for (let i = 0; i < items.length; i += 1000) out += `${verb} element ${t} ${map} { ${items.slice(i, i + 1000).join(", ")} }\n`;
  return out;
}

/** Every chain of the model's fragments (the proxy uses it to know which stale chains came back). */
export function nftChainNames(model: NftModel): Set<string> {
  const names = new Set<string>();
  for (const f of model.fragments.values()) for (const [name] of f.chains) names.add(name);
  return names;
}
