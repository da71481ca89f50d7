// The pod network between nodes, as data: from the Node objects, which routes and VXLAN
// entries this node needs so that every other node's spec.podCIDR is reachable (flannel's
// host-gw and vxlan backends, pkg/backend/hostgw and pkg/backend/vxlan), and the `ip` /
// `bridge` commands that move the node from what is there to that.
import type { Node } from "../../api/index.js";

export type NetworkBackend = "auto" | "host-gw" | "vxlan" | "none";
export const networkBackends: readonly NetworkBackend[] = ["auto", "host-gw", "vxlan", "none"];
export function isNetworkBackend(s: string | undefined): s is NetworkBackend {
  return networkBackends.includes(s as NetworkBackend);
}

/** The VXLAN device, VNI and UDP port (flannel's flannel.1, VNI 1, the Linux-registered 8472). */
export const vxlanDevice = "k8ts.vxlan";
export const vxlanVni = 1;
export const vxlanPort = 8472;
/**
 * What VXLAN adds to each packet on IPv4: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14.
 * flannel's vxlan backend gives its device and the pods the link MTU minus this
 * (pkg/backend/vxlan: `MTU: dev.MTU()` of a device created at `extIface.Iface.MTU - 50`).
 */
export const vxlanOverhead = 50;

/** The VXLAN device's MTU on a link of `linkMtu`, so an encapsulated packet still fits the link. */
export function vxlanMtuFor(linkMtu: number | undefined): number | undefined {
  return linkMtu ? linkMtu - vxlanOverhead : undefined;
}

/**
 * The MTU of the pods' interfaces (the CNI bridge's `mtu`): with the vxlan backend every
 * packet to another node is encapsulated, so the pods get the VXLAN device's MTU; host-gw
 * and auto (host-gw to peers on a shared link, the usual case) keep the link MTU, and an
 * auto node's rare off-link peer is covered by path-MTU discovery on the smaller VXLAN
 * device. Undefined (the plugin's default) when the link is unknown or the backend is none.
 */
export function podMtuFor(backend: NetworkBackend, linkMtu: number | undefined): number | undefined {
  if (!linkMtu || backend === "none") return undefined;
  return backend === "vxlan" ? vxlanMtuFor(linkMtu) : linkMtu;
}

/** The routing protocol number that marks k8ts's routes (`ip route ... proto 75`), so stale ones are found after a restart. */
export const routeProtocol = 75;

/** One node as the network sees it. */
export interface PeerNode {
  name: string;
  /** InternalIP. */
  ip: string;
  podCIDR: string;
}

export interface HostGwRoute {
  kind: "host-gw";
  /** The peer's pod CIDR. */
  cidr: string;
  /** The peer's node IP, directly reachable on a shared link. */
  via: string;
}

export interface VxlanRoute {
  kind: "vxlan";
  cidr: string;
  /** The peer's node IP: the VXLAN packets' outer destination (the FDB entry). */
  nodeIP: string;
  /** The peer's VTEP: its pod CIDR's network address on its k8ts.vxlan, and that device's MAC. */
  vtepIP: string;
  vtepMac: string;
}

export type PeerRoute = HostGwRoute | VxlanRoute;

/** What this node's network should hold; `vxlan` is set when any peer is reached over VXLAN. */
export interface NetworkPlan {
  routes: PeerRoute[];
  vxlan?: { localIP: string; vtepIP: string; vtepMac: string };
}

/** The node's InternalIP and pod CIDR, or undefined while it has either missing. */
export function peerOf(node: Node): PeerNode | undefined {
  const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  const podCIDR = node.spec?.podCIDR;
  if (!ip || !podCIDR || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
  return { name: node.metadata.name ?? "", ip, podCIDR };
}

/**
 * The VTEP MAC of a node, derived from its IP (locally administered 02:6b + the four octets),
 * so no node has to publish it: flannel publishes its random MAC in a Node annotation instead.
 */
export function vtepMacOf(nodeIP: string): string {
  return ["02", "6b", ...nodeIP.split(".").map((o) => Number(o).toString(16).padStart(2, "0"))].join(":");
}

/** The network address of a CIDR ("10.42.1.0/24" → "10.42.1.0"). */
export function networkOf(cidr: string): string {
  return cidr.split("/")[0];
}

/**
 * The plan for `self` among `nodes`: each other node with an IP and a pod CIDR gets a route,
 * host-gw when `onLink(ip)` (the peer is on one of this node's links, no gateway between)
 * and the backend allows it, VXLAN otherwise. Sorted by CIDR so the plan is stable.
 */
export function planPodNetwork(options: { self: PeerNode; nodes: Node[]; backend: NetworkBackend; onLink: (ip: string) => boolean }): NetworkPlan {
  const { self, backend } = options;
  if (backend === "none") return { routes: [] };
  const routes: PeerRoute[] = [];
  for (const node of options.nodes) {
    const peer = peerOf(node);
    if (!peer || peer.name === self.name || peer.podCIDR === self.podCIDR) continue;
    const hostGw = backend === "host-gw" || (backend === "auto" && options.onLink(peer.ip));
    routes.push(hostGw ? { kind: "host-gw", cidr: peer.podCIDR, via: peer.ip } : { kind: "vxlan", cidr: peer.podCIDR, nodeIP: peer.ip, vtepIP: networkOf(peer.podCIDR), vtepMac: vtepMacOf(peer.ip) });
  }
  routes.sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));
  const plan: NetworkPlan = { routes };
  if (routes.some((r) => r.kind === "vxlan")) plan.vxlan = { localIP: self.ip, vtepIP: networkOf(self.podCIDR), vtepMac: vtepMacOf(self.ip) };
  return plan;
}

/** One command: the program ("ip" or "bridge") and its arguments. */
export interface NetCommand {
  cmd: "ip" | "bridge" | "nft";
  args: string[];
  /** Standard input (`nft -f -`). */
  stdin?: string;
}

const ip = (...args: string[]): NetCommand => ({ cmd: "ip", args });
const bridge = (...args: string[]): NetCommand => ({ cmd: "bridge", args });

/** The commands that add (idempotently: `replace`) one route and its VXLAN entries. */
function addRoute(r: PeerRoute): NetCommand[] {
  if (r.kind === "host-gw") return [ip("route", "replace", r.cidr, "via", r.via, "proto", String(routeProtocol))];
  return [
    // ARP for the peer's VTEP answered from a permanent entry; its MAC sent to the peer's node IP (flannel's vxlan backend, no learning).
    ip("neigh", "replace", r.vtepIP, "lladdr", r.vtepMac, "dev", vxlanDevice, "nud", "permanent"),
    bridge("fdb", "replace", r.vtepMac, "dev", vxlanDevice, "dst", r.nodeIP, "self", "permanent"),
    ip("route", "replace", r.cidr, "via", r.vtepIP, "dev", vxlanDevice, "onlink", "proto", String(routeProtocol)),
  ];
}

function removeRoute(r: PeerRoute): NetCommand[] {
  if (r.kind === "host-gw") return [ip("route", "del", r.cidr, "via", r.via, "proto", String(routeProtocol))];
  return [
    ip("route", "del", r.cidr, "via", r.vtepIP, "dev", vxlanDevice, "proto", String(routeProtocol)),
    bridge("fdb", "del", r.vtepMac, "dev", vxlanDevice, "dst", r.nodeIP, "self"),
    ip("neigh", "del", r.vtepIP, "dev", vxlanDevice),
  ];
}

const routeKey = (r: PeerRoute): string => JSON.stringify(r);

/**
 * The commands from `applied` (what this process programmed last, or undefined at start) to
 * `plan`: the VXLAN device first when it is needed (created with its MAC and this node's
 * VTEP address), then removals of routes no longer wanted, then additions; the device last
 * when nothing uses it any more. At start every wanted route is (re)placed. `mtu` is the
 * VXLAN device's (vxlanMtuFor the link's); without it the kernel's default.
 */
export function networkCommands(plan: NetworkPlan, applied: NetworkPlan | undefined, options: { mtu?: number } = {}): NetCommand[] {
  const out: NetCommand[] = [];
  const had = new Set((applied?.routes ?? []).map(routeKey));
  const want = new Set(plan.routes.map(routeKey));
  const vxlanChanged = JSON.stringify(plan.vxlan) !== JSON.stringify(applied?.vxlan);
  if (plan.vxlan && (vxlanChanged || !applied)) {
    const v = plan.vxlan;
    if (applied?.vxlan) out.push(ip("link", "del", vxlanDevice));
    out.push(
      ip("link", "add", vxlanDevice, "type", "vxlan", "id", String(vxlanVni), "local", v.localIP, "dstport", String(vxlanPort), "nolearning"),
      ip("link", "set", vxlanDevice, "address", v.vtepMac, ...(options.mtu ? ["mtu", String(options.mtu)] : []), "up"),
      ip("addr", "replace", `${v.vtepIP}/32`, "dev", vxlanDevice),
    );
  }
  for (const r of applied?.routes ?? []) {
    // Removing VXLAN entries is moot when the device goes (or was just recreated).
    if (!want.has(routeKey(r)) && !(r.kind === "vxlan" && (vxlanChanged || !plan.vxlan))) out.push(...removeRoute(r));
  }
  for (const r of plan.routes) {
    if (!had.has(routeKey(r)) || (r.kind === "vxlan" && vxlanChanged)) out.push(...addRoute(r));
  }
  if (!plan.vxlan && applied?.vxlan) out.push(ip("link", "del", vxlanDevice));
  return out;
}

/** A command as one shell line (golden files, logs). */
export function commandLine(c: NetCommand): string {
  return [c.cmd, ...c.args].join(" ");
}

/** The nftables table with the pods' masquerade (instead of the CNI bridge plugin's ipMasq). */
export const natTable = "k8ts-podnet";

/**
 * The masquerade of this node's pods, as one `nft -f` transaction: traffic from the node's
 * pod CIDR to anything but a pod CIDR is masqueraded, pod-to-pod traffic between nodes
 * keeps its pod source IP (flannel's `ip-masq` rules: pkg/ip/iptables.go MasqRules), so
 * the receiving pod and NetworkPolicy see the real client.
 */
export function masqueradeRuleset(podCIDR: string, podCIDRs: string[]): string {
  const all = [...new Set([podCIDR, ...podCIDRs])].sort();
  return [
    `table ip ${natTable}`,
    `delete table ip ${natTable}`,
    `table ip ${natTable} {`,
    "  set pod-cidrs {",
    "    type ipv4_addr",
    "    flags interval",
    `    elements = { ${all.join(", ")} }`,
    "  }",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    `    ip saddr ${podCIDR} ip daddr != @pod-cidrs ip daddr != 224.0.0.0/4 masquerade`,
    "  }",
    "}",
    "",
  ].join("\n");
}
