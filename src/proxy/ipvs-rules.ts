// IPVS rule generation: the service table → what upstream's IPVS proxier programs
// (pkg/proxy/ipvs/proxier.go), k8ts-named:
//   - a dummy interface `k8ts-ipvs0` (upstream kube-ipvs0) holding every ClusterIP,
//     external IP and LoadBalancer IP, so the node accepts packets for them;
//   - one IPVS virtual server per (address, protocol, port): the ClusterIP, each external
//     and LoadBalancer IP, and the NodePort on every node IP; scheduler rr, `-p TIMEOUT`
//     for sessionAffinity ClientIP; real servers are the endpoints the traffic policy
//     picks (NAT forwarding, weight 1), serving-but-terminating ones not picked keep
//     weight 0 (their connections drain, no new ones: upstream's graceful termination);
//   - the few packet-filter rules IPVS mode still needs, in nftables sets instead of
//     upstream's ipsets (KUBE-CLUSTER-IP, KUBE-EXTERNAL-IP, KUBE-LOAD-BALANCER-LOCAL,
//     KUBE-NODE-PORT-*, KUBE-LOOP-BACK, KUBE-LOAD-BALANCER-FW/SOURCE-CIDR): masquerade
//     for traffic from outside the pod CIDR, externalTrafficPolicy Local keeping the
//     client address, hairpin masquerade, loadBalancerSourceRanges, and rejecting ports of
//     the dummy's addresses that no Service serves (upstream's KUBE-IPVS-FILTER).
// Everything here is pure: `ipvsModel` builds the desired state, the render functions
// print `ip -batch`, `ipvsadm-restore` and `nft -f` input from one state to the next.
import { categorizeEndpoints, type EndpointInfo, type NodeInfo, type ServicePortInfo } from "./service-table.js";

export const ipvsInterface = "k8ts-ipvs0";
export const ipvsNftTable = "k8ts-ipvs";
const masqueradeMark = "0x4000";

export interface RealServer {
  /** "ip:port" */
  address: string;
  /** 1 for endpoints the policy picks; 0 for serving-and-terminating ones (draining). */
  weight: number;
}

export interface VirtualServer {
  protocol: "tcp" | "udp" | "sctp";
  /** "ip:port" */
  address: string;
  scheduler: string;
  /** Persistence timeout in seconds (sessionAffinity ClientIP). */
  persistence?: number;
  /** By address, sorted. */
  reals: ReadonlyMap<string, RealServer>;
}

export type IpvsSetName = "cluster-ips" | "external-ips" | "external-local" | "nodeports" | "nodeports-local" | "loopback" | "firewall-ips" | "firewall-allow" | "service-ports";

export interface IpvsModel {
  /** Addresses bound on the dummy interface. */
  addresses: ReadonlySet<string>;
  /** By virtualServerKey ("tcp 10.43.0.1:443"). */
  virtualServers: ReadonlyMap<string, VirtualServer>;
  /** nft set elements by set. */
  sets: ReadonlyMap<IpvsSetName, ReadonlySet<string>>;
  /** The node-dependent part of the nft table (a change replaces the table). */
  nodeKey: string;
  node: NodeInfo;
}

const setTypes: ReadonlyArray<readonly [IpvsSetName, string, string]> = [
  ["cluster-ips", "type ipv4_addr . inet_proto . inet_service", "ClusterIP:port (upstream KUBE-CLUSTER-IP)"],
  ["external-ips", "type ipv4_addr . inet_proto . inet_service", "external and LoadBalancer IP:port (KUBE-EXTERNAL-IP, KUBE-LOAD-BALANCER)"],
  ["external-local", "type ipv4_addr . inet_proto . inet_service", "external IPs of externalTrafficPolicy Local services (KUBE-LOAD-BALANCER-LOCAL)"],
  ["nodeports", "type inet_proto . inet_service", "NodePorts (KUBE-NODE-PORT-*)"],
  ["nodeports-local", "type inet_proto . inet_service", "NodePorts of externalTrafficPolicy Local services (KUBE-NODE-PORT-LOCAL-*)"],
  ["loopback", "type ipv4_addr . inet_proto . inet_service . ipv4_addr", "endpoint reaching itself through its service (KUBE-LOOP-BACK)"],
  ["firewall-ips", "type ipv4_addr . inet_proto . inet_service", "LoadBalancer IP:port with loadBalancerSourceRanges (KUBE-LOAD-BALANCER-FW)"],
  ["firewall-allow", "type ipv4_addr . inet_proto . inet_service . ipv4_addr ; flags interval", "allowed sources (KUBE-LOAD-BALANCER-SOURCE-CIDR)"],
  ["service-ports", "type ipv4_addr . inet_proto . inet_service", "every served address:port on the dummy interface"],
];

export const ipvsSetNames: readonly IpvsSetName[] = setTypes.map(([n]) => n);

export function virtualServerKey(protocol: string, address: string): string {
  return `${protocol} ${address}`;
}

function nodeIPsOf(node: NodeInfo): string[] {
  return node.nodeIPs.filter((ip) => !ip.startsWith("127."));
}

export function ipvsModel(table: readonly ServicePortInfo[], node: NodeInfo): IpvsModel {
  const addresses = new Set<string>();
  const virtualServers = new Map<string, VirtualServer>();
  const sets = new Map<IpvsSetName, Set<string>>(ipvsSetNames.map((n) => [n, new Set<string>()]));
  const add = (set: IpvsSetName, element: string) => sets.get(set)!.add(element);
  const nodeIPs = nodeIPsOf(node);
  // A node's own address (a LoadBalancer IP may be one) is local already: never on the dummy.
  const bind = (ip: string) => {
    if (!nodeIPs.includes(ip)) addresses.add(ip);
  };
  for (const sp of table) {
    const p = sp.protocol;
    const { clusterEndpoints, localEndpoints } = categorizeEndpoints(sp);
    const internal = sp.internalPolicyLocal ? localEndpoints : clusterEndpoints;
    const external = sp.externalPolicyLocal ? localEndpoints : clusterEndpoints;
    const server = (ip: string, port: number, picked: EndpointInfo[], localOnly: boolean) => {
      const reals = new Map<string, RealServer>();
      for (const ep of sp.endpoints) {
        if (localOnly && !ep.local) continue;
        const address = `${ep.ip}:${ep.port}`;
        if (picked.includes(ep)) reals.set(address, { address, weight: 1 });
        else if (ep.serving && ep.terminating) reals.set(address, { address, weight: 0 });
      }
      const address = `${ip}:${port}`;
      virtualServers.set(virtualServerKey(p, address), { protocol: p, address, scheduler: "rr", persistence: sp.affinityTimeoutSeconds, reals });
    };
    bind(sp.clusterIP);
    server(sp.clusterIP, sp.port, internal, sp.internalPolicyLocal);
    add("cluster-ips", `${sp.clusterIP} . ${p} . ${sp.port}`);
    add("service-ports", `${sp.clusterIP} . ${p} . ${sp.port}`);
    for (const ep of sp.endpoints) add("loopback", `${ep.ip} . ${p} . ${ep.port} . ${ep.ip}`);
    for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
      bind(ip);
      server(ip, sp.port, external, sp.externalPolicyLocal);
      add("external-ips", `${ip} . ${p} . ${sp.port}`);
      add("service-ports", `${ip} . ${p} . ${sp.port}`);
      if (sp.externalPolicyLocal) add("external-local", `${ip} . ${p} . ${sp.port}`);
    }
    if (sp.loadBalancerSourceRanges.length > 0) {
      for (const ip of sp.loadBalancerIPs) {
        add("firewall-ips", `${ip} . ${p} . ${sp.port}`);
        for (const cidr of sp.loadBalancerSourceRanges) add("firewall-allow", `${ip} . ${p} . ${sp.port} . ${cidr}`);
      }
    }
    if (sp.nodePort) {
      for (const ip of nodeIPs) server(ip, sp.nodePort, external, sp.externalPolicyLocal);
      add("nodeports", `${p} . ${sp.nodePort}`);
      if (sp.externalPolicyLocal) add("nodeports-local", `${p} . ${sp.nodePort}`);
    }
  }
  return { addresses, virtualServers, sets, nodeKey: `${nodeIPs.join(",")}|${node.podCIDR ?? ""}|${node.masqueradeAll ? 1 : 0}`, node };
}

// ---- ip -batch: the dummy interface and its addresses ----

/** `ip -batch -` input that moves the dummy interface's addresses from `prev` (what it holds) to `next`. */
export function renderAddresses(prev: ReadonlySet<string> | undefined, next: ReadonlySet<string>): string {
  const lines: string[] = [];
  const have = prev ?? new Set<string>();
  for (const ip of [...have].sort(compareText)) if (!next.has(ip)) lines.push(`address del ${ip}/32 dev ${ipvsInterface}`);
  for (const ip of [...next].sort(compareText)) if (!have.has(ip)) lines.push(`address add ${ip}/32 dev ${ipvsInterface}`);
  return lines.length ? lines.join("\n") + "\n" : "";
}

// ---- ipvsadm-restore ----

const protoFlag: Record<VirtualServer["protocol"], string> = { tcp: "-t", udp: "-u", sctp: "--sctp-service" };

function serviceLine(op: "-A" | "-E", vs: VirtualServer): string {
  return `${op} ${protoFlag[vs.protocol]} ${vs.address} -s ${vs.scheduler}${vs.persistence !== undefined ? ` -p ${vs.persistence}` : ""}`;
}

function realLine(op: "-a" | "-e", vs: VirtualServer, rs: RealServer): string {
  return `${op} ${protoFlag[vs.protocol]} ${vs.address} -r ${rs.address} -m -w ${rs.weight}`;
}

/**
 * `ipvsadm-restore` input (each line one ipvsadm invocation) from `prev` to `next`:
 * new virtual servers are added, changed ones edited (-E), gone ones deleted (-D, which
 * takes their real servers along); real servers are added, re-weighted (-e) or deleted.
 * `prev` undefined renders `next` whole (the caller passes what the kernel holds).
 */
export function renderIpvsadm(prev: ReadonlyMap<string, VirtualServer> | undefined, next: ReadonlyMap<string, VirtualServer>): string {
  const lines: string[] = [];
  const before = prev ?? new Map<string, VirtualServer>();
  for (const key of [...before.keys()].sort(compareText)) {
    if (!next.has(key)) {
      const vs = before.get(key)!;
      lines.push(`-D ${protoFlag[vs.protocol]} ${vs.address}`);
    }
  }
  for (const key of [...next.keys()].sort(compareText)) {
    const vs = next.get(key)!;
    const old = before.get(key);
    if (!old) lines.push(serviceLine("-A", vs));
    else if (old.scheduler !== vs.scheduler || old.persistence !== vs.persistence) lines.push(serviceLine("-E", vs));
    const oldReals = old?.reals ?? new Map<string, RealServer>();
    for (const [address, rs] of oldReals) if (!vs.reals.has(address)) lines.push(`-d ${protoFlag[vs.protocol]} ${vs.address} -r ${address}`);
    for (const rs of vs.reals.values()) {
      const o = oldReals.get(rs.address);
      if (!o) lines.push(realLine("-a", vs, rs));
      else if (o.weight !== rs.weight) lines.push(realLine("-e", vs, rs));
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Parses `ipvsadm-save -n` (what the kernel holds) into virtual servers. */
export function parseIpvsadmSave(text: string): Map<string, VirtualServer> {
  const out = new Map<string, VirtualServer>();
  const protoOf = (flag: string): VirtualServer["protocol"] | undefined => (flag === "-t" ? "tcp" : flag === "-u" ? "udp" : flag === "--sctp-service" ? "sctp" : undefined);
  for (const line of text.split("\n")) {
    const t = line.trim().split(/\s+/);
    const protocol = protoOf(t[1] ?? "");
    if (!protocol) continue;
    const address = t[2]!;
    const key = virtualServerKey(protocol, address);
    const opt = (name: string) => {
      const i = t.indexOf(name);
      return i >= 0 ? t[i + 1] : undefined;
    };
    if (t[0] === "-A") {
      const p = t.indexOf("-p");
      out.set(key, { protocol, address, scheduler: opt("-s") ?? "wlc", persistence: p >= 0 ? Number(t[p + 1]) : undefined, reals: new Map() });
    } else if (t[0] === "-a") {
      const vs = out.get(key);
      const r = opt("-r");
      if (vs && r) (vs.reals as Map<string, RealServer>).set(r, { address: r, weight: Number(opt("-w") ?? 1) });
    }
  }
  return out;
}

// ---- nftables: masquerade, NodePort policy, firewall ----

/** The whole `table ip k8ts-ipvs` (created from nothing, replacing any earlier one). */
export function renderIpvsNft(model: IpvsModel): string {
  const t = `ip ${ipvsNftTable}`;
  const node = model.node;
  const lines = [`add table ${t} { comment "rules for the k8ts service proxy in IPVS mode" ; }`, `delete table ${t}`, `add table ${t} { comment "rules for the k8ts service proxy in IPVS mode" ; }`];
  for (const [name, type, comment] of setTypes) lines.push(`add set ${t} ${name} { ${type} ; comment "${comment}" ; }`);
  const nodeIPs = nodeIPsOf(node);
  lines.push(`add set ${t} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`);
  if (nodeIPs.length) lines.push(`add element ${t} nodeport-ips { ${nodeIPs.join(", ")} }`);
  lines.push(`add set ${t} ipvs-ips { type ipv4_addr ; comment "addresses on ${ipvsInterface} (upstream KUBE-IPVS-IPS)" ; }`);
  for (const [name, type, hook, priority] of [
    ["nat-prerouting", "nat", "prerouting", -100],
    ["nat-output", "nat", "output", -100],
    ["nat-postrouting", "nat", "postrouting", 100],
    ["filter-input", "filter", "input", -110],
    ["filter-forward", "filter", "forward", -110],
  ] as const) {
    lines.push(`add chain ${t} ${name} { type ${type} hook ${hook} priority ${priority} ; }`);
  }
  for (const name of ["services", "mark-for-masquerade", "masquerading", "firewall", "ipvs-filter"]) lines.push(`add chain ${t} ${name}`);
  const rule = (chain: string, text: string) => lines.push(`add rule ${t} ${chain} ${text}`);
  const dst = "ip daddr . meta l4proto . th dport";
  rule("nat-prerouting", "jump services");
  rule("nat-output", "jump services");
  rule("nat-postrouting", "jump masquerading");
  rule("mark-for-masquerade", `mark set mark or ${masqueradeMark}`);
  // A pod reaching itself through its Service: its reply must come back through IPVS.
  rule("masquerading", `${dst} . ip saddr @loopback masquerade`);
  rule("masquerading", `mark and ${masqueradeMark} == 0 return`);
  rule("masquerading", `mark set mark xor ${masqueradeMark}`);
  rule("masquerading", "masquerade fully-random");
  // ClusterIP: from pods it keeps its source; from anywhere else it is masqueraded.
  if (node.masqueradeAll || !node.podCIDR) rule("services", `${dst} @cluster-ips jump mark-for-masquerade`);
  else rule("services", `${dst} @cluster-ips ip saddr != ${node.podCIDR} jump mark-for-masquerade`);
  // External and LoadBalancer IPs: Local policy keeps the client's address.
  rule("services", `${dst} @external-local return`);
  rule("services", `${dst} @external-ips jump mark-for-masquerade`);
  const nodePortMatch = nodeIPs.length ? "ip daddr @nodeport-ips" : "fib daddr type local ip daddr != 127.0.0.0/8";
  rule("services", `${nodePortMatch} meta l4proto . th dport @nodeports-local return`);
  rule("services", `${nodePortMatch} meta l4proto . th dport @nodeports jump mark-for-masquerade`);
  // loadBalancerSourceRanges, and the dummy's addresses on ports no Service serves.
  rule("filter-input", "ct state new jump firewall");
  rule("filter-forward", "ct state new jump firewall");
  rule("filter-input", "ct state new jump ipvs-filter");
  rule("firewall", `${dst} @firewall-ips ${dst} . ip saddr != @firewall-allow drop`);
  rule("ipvs-filter", `${dst} @service-ports return`);
  rule("ipvs-filter", "ip daddr @ipvs-ips reject");
  for (const name of ipvsSetNames) {
    const elements = [...model.sets.get(name)!].sort(compareText);
    if (elements.length) lines.push(`add element ${t} ${name} { ${elements.join(", ")} }`);
  }
  const vips = [...model.addresses].sort(compareText);
  if (vips.length) lines.push(`add element ${t} ipvs-ips { ${vips.join(", ")} }`);
  return lines.join("\n") + "\n";
}

/** The element changes from `prev` to `next` (same node facts). */
export function renderIpvsNftDelta(prev: IpvsModel, next: IpvsModel): string {
  const t = `ip ${ipvsNftTable}`;
  const lines: string[] = [];
  const diff = (name: string, a: ReadonlySet<string>, b: ReadonlySet<string>) => {
    const gone = [...a].filter((e) => !b.has(e)).sort(compareText);
    const added = [...b].filter((e) => !a.has(e)).sort(compareText);
    if (gone.length) lines.push(`delete element ${t} ${name} { ${gone.join(", ")} }`);
    if (added.length) lines.push(`add element ${t} ${name} { ${added.join(", ")} }`);
  };
  for (const name of ipvsSetNames) diff(name, prev.sets.get(name)!, next.sets.get(name)!);
  diff("ipvs-ips", prev.addresses, next.addresses);
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Kernel settings IPVS mode needs (upstream sets the same): netfilter sees IPVS's connections (masquerade), dead real servers' connections expire. */
export const ipvsSysctls: ReadonlyArray<readonly [string, string]> = [
  ["net.ipv4.vs.conntrack", "1"],
  ["net.ipv4.vs.expire_nodest_conn", "1"],
  ["net.ipv4.vs.expire_quiescent_template", "1"],
  ["net.ipv4.ip_forward", "1"],
];

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
