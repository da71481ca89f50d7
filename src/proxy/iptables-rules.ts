// iptables rule generation, shaped as upstream's iptables proxier
// (pkg/proxy/iptables/proxier.go) with a K8TS- prefix: K8TS-SERVICES dispatches each
// ClusterIP/external IP/LB IP to a K8TS-SVC-<hash> (or K8TS-SVL- for Local policy,
// K8TS-EXT- for external traffic) chain that picks a K8TS-SEP-<hash> endpoint chain with
// `statistic random` and upstream's probabilities; `recent` gives ClientIP affinity.
// Pure: `iptablesModel` builds the desired chains, `renderIptables` prints the
// `iptables-restore --noflush` input from one model to the next (only changed service
// chains are rewritten; the dispatch chains always are, as upstream).
import { endpointHash, portProtoHash } from "./names.js";
import { categorizeEndpoints, externallyAccessible, servicePortKey, type EndpointInfo, type NodeInfo, type ServicePortInfo } from "./service-table.js";

export const iptMark = "0x4000";

export interface IptFragment {
  /** nat chains of this service port (K8TS-SVC/SVL/EXT/FW/SEP), with their rules. */
  chains: ReadonlyArray<readonly [name: string, rules: readonly string[]]>;
  /** Rules this port adds to the shared chains. */
  natServices: readonly string[];
  natNodePorts: readonly string[];
  filterServices: readonly string[];
  filterExternal: readonly string[];
}

export interface IptModel {
  /** The node facts the fixed rules depend on. */
  nodeKey: string;
  nodeIPs: readonly string[];
  fragments: ReadonlyMap<string, IptFragment>;
}

/** Jumps from the built-in chains, ensured (prepended) outside iptables-restore as upstream does. */
export const iptablesJumps: ReadonlyArray<{ table: "nat" | "filter"; chain: string; args: string[] }> = [
  { table: "filter", chain: "INPUT", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "k8ts externally-visible service portals", "-j", "K8TS-EXTERNAL-SERVICES"] },
  { table: "filter", chain: "FORWARD", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "k8ts service portals", "-j", "K8TS-SERVICES"] },
  { table: "filter", chain: "FORWARD", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "k8ts externally-visible service portals", "-j", "K8TS-EXTERNAL-SERVICES"] },
  { table: "filter", chain: "FORWARD", args: ["-m", "comment", "--comment", "k8ts forwarding rules", "-j", "K8TS-FORWARD"] },
  { table: "filter", chain: "OUTPUT", args: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "k8ts service portals", "-j", "K8TS-SERVICES"] },
  { table: "nat", chain: "PREROUTING", args: ["-m", "comment", "--comment", "k8ts service portals", "-j", "K8TS-SERVICES"] },
  { table: "nat", chain: "OUTPUT", args: ["-m", "comment", "--comment", "k8ts service portals", "-j", "K8TS-SERVICES"] },
  { table: "nat", chain: "POSTROUTING", args: ["-m", "comment", "--comment", "k8ts postrouting rules", "-j", "K8TS-POSTROUTING"] },
];

export const iptablesTopChains = {
  nat: ["K8TS-SERVICES", "K8TS-NODEPORTS", "K8TS-POSTROUTING", "K8TS-MARK-MASQ"],
  filter: ["K8TS-SERVICES", "K8TS-EXTERNAL-SERVICES", "K8TS-FORWARD"],
} as const;

const fragmentCache = new WeakMap<ServicePortInfo, { nodeKey: string; fragment: IptFragment }>();

export function iptablesModel(table: readonly ServicePortInfo[], node: NodeInfo): IptModel {
  const nodeKey = `${node.nodeName}|${node.nodeIPs.join(",")}|${node.podCIDR ?? ""}|${node.masqueradeAll ? 1 : 0}`;
  const fragments = new Map<string, IptFragment>();
  for (const sp of table) {
    const cached = fragmentCache.get(sp);
    let fragment = cached?.nodeKey === nodeKey ? cached.fragment : undefined;
    if (!fragment) {
      fragment = iptFragment(sp, node);
      fragmentCache.set(sp, { nodeKey, fragment });
    }
    fragments.set(servicePortKey(sp), fragment);
  }
  return { nodeKey, nodeIPs: node.nodeIPs.filter((ip) => !ip.startsWith("127.")), fragments };
}

const q = (text: string) => `"${text}"`;

/** upstream's probability(n): fmt.Sprintf("%0.10f", 1.0/float64(n)). */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

export function iptFragment(sp: ServicePortInfo, node: NodeInfo): IptFragment {
  const { clusterEndpoints, localEndpoints, allReachable, hasEndpoints } = categorizeEndpoints(sp);
  const p = sp.protocol;
  const name = sp.nameString;
  const hash = portProtoHash(name, p);
  const clusterChain = `K8TS-SVC-${hash}`;
  const localChain = `K8TS-SVL-${hash}`;
  const externalChain = `K8TS-EXT-${hash}`;
  const fwChain = `K8TS-FW-${hash}`;
  const epChain = (ep: EndpointInfo) => `K8TS-SEP-${endpointHash(name, p, `${ep.ip}:${ep.port}`)}`;

  const chains = new Map<string, string[]>();
  const chain = (n: string): string[] => {
    let rules = chains.get(n);
    if (!rules) chains.set(n, (rules = []));
    return rules;
  };
  const natServices: string[] = [];
  const natNodePorts: string[] = [];
  const filterServices: string[] = [];
  const filterExternal: string[] = [];

  const usesClusterChain = clusterEndpoints.length > 0 && (!sp.internalPolicyLocal || (externallyAccessible(sp) && !sp.externalPolicyLocal));
  const usesLocalChain = localEndpoints.length > 0 && (sp.internalPolicyLocal || sp.externalPolicyLocal);
  const internalChain = sp.internalPolicyLocal ? localChain : clusterChain;
  const hasInternal = hasEndpoints && !(sp.internalPolicyLocal && localEndpoints.length === 0);
  const externalPolicyChain = sp.externalPolicyLocal ? localChain : clusterChain;
  const hasExternal = hasEndpoints && !(sp.externalPolicyLocal && localEndpoints.length === 0);
  const usesExternalChain = hasEndpoints && externallyAccessible(sp);
  const usesFirewall = sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;

  if (usesClusterChain) chain(clusterChain);
  if (usesLocalChain) chain(localChain);
  if (usesExternalChain) chain(externalChain);
  if (usesFirewall && hasEndpoints) chain(fwChain);
  for (const ep of allReachable) chain(epChain(ep));

  const dst = (ip: string, port: number) => `-m ${p} -p ${p} -d ${ip}/32 --dport ${port}`;
  const noEndpoints = (scope: string) => (hasEndpoints ? `-m comment --comment ${q(`${name} has no local endpoints`)}` : `-m comment --comment ${q(`${name} has no endpoints`)}`) + scope;
  const verdict = hasEndpoints ? "DROP" : "REJECT";

  if (hasInternal) natServices.push(`-m comment --comment ${q(`${name} cluster IP`)} ${dst(sp.clusterIP, sp.port)} -j ${internalChain}`);
  else filterServices.push(`${noEndpoints("")} ${dst(sp.clusterIP, sp.port)} -j ${verdict}`);

  for (const ip of sp.externalIPs) {
    if (hasEndpoints) natServices.push(`-m comment --comment ${q(`${name} external IP`)} ${dst(ip, sp.port)} -j ${externalChain}`);
    if (!hasExternal) filterExternal.push(`${noEndpoints("")} ${dst(ip, sp.port)} -j ${verdict}`);
  }
  for (const ip of sp.loadBalancerIPs) {
    if (hasEndpoints) natServices.push(`-m comment --comment ${q(`${name} loadbalancer IP`)} ${dst(ip, sp.port)} -j ${usesFirewall ? fwChain : externalChain}`);
    if (!hasExternal) filterExternal.push(`${noEndpoints("")} ${dst(ip, sp.port)} -j ${verdict}`);
  }
  if (usesFirewall && hasEndpoints) {
    for (const range of sp.loadBalancerSourceRanges) chain(fwChain).push(`-m comment --comment ${q(`${name} loadbalancer IP`)} -s ${range} -j ${externalChain}`);
  }
  if (sp.nodePort !== 0) {
    if (hasEndpoints) natNodePorts.push(`-m comment --comment ${q(name)} -m ${p} -p ${p} --dport ${sp.nodePort} -j ${externalChain}`);
    if (!hasExternal) filterExternal.push(`${noEndpoints(" -m addrtype --dst-type LOCAL")} -m ${p} -p ${p} --dport ${sp.nodePort} -j ${verdict}`);
  }

  if (hasInternal) {
    const rule = `-m comment --comment ${q(`${name} cluster IP`)} ${dst(sp.clusterIP, sp.port)}`;
    if (node.masqueradeAll) chain(internalChain).push(`${rule} -j K8TS-MARK-MASQ`);
    else if (node.podCIDR) chain(internalChain).push(`${rule} ! -s ${node.podCIDR} -j K8TS-MARK-MASQ`);
  }

  if (usesExternalChain) {
    const ext = chain(externalChain);
    if (!sp.externalPolicyLocal) {
      ext.push(`-m comment --comment ${q(`masquerade traffic for ${name} external destinations`)} -j K8TS-MARK-MASQ`);
    } else {
      const shortCircuit = usesClusterChain ? clusterChain : usesLocalChain ? localChain : undefined;
      if (shortCircuit && node.podCIDR) ext.push(`-m comment --comment ${q(`pod traffic for ${name} external destinations`)} -s ${node.podCIDR} -j ${shortCircuit}`);
      ext.push(`-m comment --comment ${q(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j K8TS-MARK-MASQ`);
      if (shortCircuit) ext.push(`-m comment --comment ${q(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${shortCircuit}`);
    }
    if (hasExternal) ext.push(`-j ${externalPolicyChain}`);
  }

  const toEndpoints = (svcChain: string, endpoints: readonly EndpointInfo[]) => {
    const rules = chain(svcChain);
    const comment = (ep: EndpointInfo) => `-m comment --comment ${q(`${name} -> ${ep.ip}:${ep.port}`)}`;
    if (sp.affinityTimeoutSeconds !== undefined) {
      for (const ep of endpoints) rules.push(`${comment(ep)} -m recent --name ${epChain(ep)} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinityTimeoutSeconds} --reap -j ${epChain(ep)}`);
    }
    endpoints.forEach((ep, i) => {
      const random = i < endpoints.length - 1 ? ` -m statistic --mode random --probability ${probability(endpoints.length - i)}` : "";
      rules.push(`${comment(ep)}${random} -j ${epChain(ep)}`);
    });
  };
  if (usesClusterChain) toEndpoints(clusterChain, clusterEndpoints);
  if (usesLocalChain) toEndpoints(localChain, localEndpoints);

  for (const ep of allReachable) {
    const rules = chain(epChain(ep));
    rules.push(`-m comment --comment ${q(name)} -s ${ep.ip}/32 -j K8TS-MARK-MASQ`);
    const recent = sp.affinityTimeoutSeconds !== undefined ? ` -m recent --name ${epChain(ep)} --mask 255.255.255.255 --rsource --set` : "";
    rules.push(`-m comment --comment ${q(name)}${recent} -m ${p} -p ${p} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
  }

  return { chains: [...chains.entries()], natServices, natNodePorts, filterServices, filterExternal };
}

/**
 * The `iptables-restore --noflush` input from `prev` to `next`: the dispatch chains
 * (K8TS-SERVICES, K8TS-NODEPORTS, …) are always rewritten; of the per-service chains
 * only new and changed ones are declared (which flushes them) and written, and removed
 * ones are deleted with -X after nothing jumps to them. Without `prev`, everything;
 * `deleteChains` names leftover chains (of an earlier run) to delete unless still wanted.
 */
export function renderIptables(prev: IptModel | undefined, next: IptModel, options: { deleteChains?: readonly string[] } = {}): string {
  const full = !prev || prev.nodeKey !== next.nodeKey;
  const declare: string[] = [];
  const rules: string[] = [];
  const nextChains = new Set<string>();
  const removed: string[] = [];
  const natServices: string[] = [];
  const natNodePorts: string[] = [];
  const filterServices: string[] = [];
  const filterExternal: string[] = [];

  for (const [key, fragment] of next.fragments) {
    natServices.push(...fragment.natServices);
    natNodePorts.push(...fragment.natNodePorts);
    filterServices.push(...fragment.filterServices);
    filterExternal.push(...fragment.filterExternal);
    const before = full ? undefined : prev!.fragments.get(key);
    const beforeChains = before === fragment ? undefined : new Map(before?.chains ?? []);
    for (const [name, chainRules] of fragment.chains) {
      nextChains.add(name);
      if (before === fragment) continue;
      const old = beforeChains?.get(name);
      if (old && old.length === chainRules.length && old.every((r, i) => r === chainRules[i])) continue;
      declare.push(`:${name} - [0:0]`);
      for (const rule of chainRules) rules.push(`-A ${name} ${rule}`);
    }
  }
  if (!full) {
    for (const [key, before] of prev!.fragments) {
      const after = next.fragments.get(key);
      if (after === before) continue;
      for (const [name] of before.chains) if (!nextChains.has(name)) removed.push(name);
    }
  }

  for (const name of options.deleteChains ?? []) if (!nextChains.has(name) && !removed.includes(name)) removed.push(name);

  const nat: string[] = ["*nat"];
  for (const c of iptablesTopChains.nat) nat.push(`:${c} - [0:0]`);
  nat.push(...declare);
  // A removed chain is declared (so flushed) first: it may jump to another removed one.
  for (const name of removed) nat.push(`:${name} - [0:0]`);
  nat.push(`-A K8TS-POSTROUTING -m mark ! --mark ${iptMark}/${iptMark} -j RETURN`);
  nat.push(`-A K8TS-POSTROUTING -j MARK --xor-mark ${iptMark}`);
  nat.push(`-A K8TS-POSTROUTING -m comment --comment "k8ts service traffic requiring SNAT" -j MASQUERADE --random-fully`);
  nat.push(`-A K8TS-MARK-MASQ -j MARK --or-mark ${iptMark}`);
  for (const r of natServices) nat.push(`-A K8TS-SERVICES ${r}`);
  const last = `-m comment --comment "k8ts service nodeports; NOTE: this must be the last rule in this chain"`;
  if (next.nodeIPs.length > 0) for (const ip of next.nodeIPs) nat.push(`-A K8TS-SERVICES ${last} -d ${ip}/32 -j K8TS-NODEPORTS`);
  else nat.push(`-A K8TS-SERVICES ${last} -m addrtype --dst-type LOCAL -j K8TS-NODEPORTS`);
  for (const r of natNodePorts) nat.push(`-A K8TS-NODEPORTS ${r}`);
  nat.push(...rules);
  for (const name of removed) nat.push(`-X ${name}`);
  nat.push("COMMIT");

  const filter: string[] = ["*filter"];
  for (const c of iptablesTopChains.filter) filter.push(`:${c} - [0:0]`);
  filter.push(`-A K8TS-FORWARD -m comment --comment "k8ts forwarding rules" -m mark --mark ${iptMark}/${iptMark} -j ACCEPT`);
  filter.push(`-A K8TS-FORWARD -m comment --comment "k8ts forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  for (const r of filterServices) filter.push(`-A K8TS-SERVICES ${r}`);
  for (const r of filterExternal) filter.push(`-A K8TS-EXTERNAL-SERVICES ${r}`);
  filter.push("COMMIT");
  return `${filter.join("\n")}\n${nat.join("\n")}\n`;
}
