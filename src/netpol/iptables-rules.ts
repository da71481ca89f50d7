// NetworkPolicy → iptables, for nodes where nftables does not work. Pure, as rules.ts: the
// same plan (plan.ts) printed as `iptables-restore --noflush` input for the filter table,
// once per address family (iptables and ip6tables).
//
// K8TS-NP-FORWARD, jumped to first from FORWARD, lets replies of allowed connections
// pass (conntrack RELATED,ESTABLISHED), then sends a packet from an egress-isolated pod to
// its K8TS-NP-EGR-… chain and one to an ingress-isolated pod to its K8TS-NP-ING-… chain.
// A pod chain RETURNs what a policy rule allows and DROPs the rest. "Allowed" is RETURN, not
// ACCEPT, on purpose: it means "this filter lets it pass", and the rest of FORWARD (the
// service proxy's chains, the host's own rules) still decides, exactly as an accept in the
// nftables version's own table (`table inet k8ts-netpol`) leaves other tables their say.
//
// There are no ipsets here, so a rule matches one peer address or CIDR: a set of pod IPs is
// one rule per IP, and an ipBlock with `except` is the CIDR minus its exceptions split into
// the CIDRs that cover the rest (at most a few dozen per exception).
import { createHash } from "node:crypto";
import { parseCidr } from "../api/index.js";
import { isV4, netpolPlan, type AddressMatch, type NetpolInput, type NetpolPlan, type PlanRule, type PodChain, type PortMatch } from "./plan.js";
import type { NetpolModel } from "./rules.js";

export const iptablesNetpolPrefix = "K8TS-NP-";
export const iptablesNetpolForward = "K8TS-NP-FORWARD";
/** The jump from the built-in FORWARD chain (kept first in it, before the proxy's accepts). */
export const iptablesNetpolJump: readonly string[] = ["-m", "comment", "--comment", "k8ts network policy", "-j", iptablesNetpolForward];

/** The rules for one family: pod chain name → rule specs, and K8TS-NP-FORWARD's rule specs (without `-A CHAIN`). */
export interface IptablesNetpolModels {
  v4: NetpolModel;
  v6: NetpolModel;
}

/** K8TS-NP-ING-<hash> / K8TS-NP-EGR-<hash>: chain names are at most 28 characters in iptables. */
export function iptablesChainName(chain: PodChain): string {
  const hash = createHash("sha256").update(`${chain.direction} ${chain.pod}`).digest("hex").slice(0, 14).toUpperCase();
  return `${iptablesNetpolPrefix}${chain.direction === "ingress" ? "ING" : "EGR"}-${hash}`;
}

function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/** `cidr` minus `except`, as the CIDRs that cover what is left, in address order. */
export function subtractCidrs(cidr: string, except: readonly string[]): string[] {
  const c = parseCidr(cidr);
  if (!c) return [];
  const bits = c.family === 4 ? 32 : 128;
  const holes = except.map(parseCidr).filter((e): e is NonNullable<typeof e> => e !== undefined && e.family === c.family);
  const within = (base: bigint, prefix: number, outer: { base: bigint; prefix: number }): boolean =>
    outer.prefix <= prefix && base >> BigInt(bits - outer.prefix) === outer.base >> BigInt(bits - outer.prefix);
  const out: string[] = [];
  const visit = (base: bigint, prefix: number): void => {
    if (holes.some((h) => within(base, prefix, h))) return; // wholly excepted
    const inside = holes.filter((h) => within(h.base, h.prefix, { base, prefix }));
    if (inside.length === 0) {
      out.push(`${formatIp(c.family, base)}/${prefix}`);
      return;
    }
    visit(base, prefix + 1);
    visit(base | (1n << BigInt(bits - prefix - 1)), prefix + 1);
  };
  visit(c.base, c.prefix);
  return out;
}

function addressSpecs(m: AddressMatch, flag: "-s" | "-d"): string[] {
  if ("ips" in m) return m.ips.map((ip) => `${flag} ${ip}/${m.family === 4 ? 32 : 128}`);
  return subtractCidrs(m.cidr, m.except).map((c) => `${flag} ${c}`);
}

function portSpec(p: PortMatch): string {
  if (p.port === undefined) return `-p ${p.protocol}`;
  return `-p ${p.protocol} -m ${p.protocol} --dport ${p.port}${p.endPort !== undefined ? `:${p.endPort}` : ""}`;
}

/** A plan rule's iptables rules per family (one per peer address or CIDR); shared by the chains that hold the rule. */
const ruleSpecs = new WeakMap<PlanRule, { 4: string[]; 6: string[] }>();
function specsOf(rule: PlanRule, direction: "ingress" | "egress"): { 4: string[]; 6: string[] } {
  let specs = ruleSpecs.get(rule);
  if (specs) return specs;
  specs = { 4: [], 6: [] };
  const port = rule.port ? ` ${portSpec(rule.port)}` : "";
  const tail = `${port} -m comment --comment "${rule.comment}" -j RETURN`;
  if (!rule.peer) {
    specs[4].push(tail.trimStart());
    specs[6].push(tail.trimStart());
  } else {
    for (const addr of addressSpecs(rule.peer, direction === "ingress" ? "-s" : "-d")) specs[rule.peer.family].push(`${addr}${tail}`);
  }
  ruleSpecs.set(rule, specs);
  return specs;
}

function familyModel(plan: NetpolPlan, family: 4 | 6): NetpolModel {
  const chains = new Map<string, string[]>();
  for (const chain of plan.chains) {
    const rules: string[] = [];
    for (const r of chain.rules) rules.push(...specsOf(r, chain.direction)[family]);
    rules.push("-j DROP");
    chains.set(iptablesChainName(chain), rules);
  }
  const host = family === 4 ? 32 : 128;
  const ofFamily = (ip: string): boolean => isV4(ip) === (family === 4);
  const forward = ["-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN"];
  // Egress first: its chains RETURN when allowed, so the destination's ingress is checked next.
  for (const e of plan.egressDispatch.filter((d) => ofFamily(d.ip))) forward.push(`-s ${e.ip}/${host} -m comment --comment "${e.chain.pod} egress" -j ${iptablesChainName(e.chain)}`);
  for (const e of plan.ingressDispatch.filter((d) => ofFamily(d.ip))) forward.push(`-d ${e.ip}/${host} -m comment --comment "${e.chain.pod} ingress" -j ${iptablesChainName(e.chain)}`);
  return { chains, forward };
}

export function iptablesNetpolModels(input: NetpolInput): IptablesNetpolModels {
  const plan = netpolPlan(input);
  return { v4: familyModel(plan, 4), v6: familyModel(plan, 6) };
}

const sameRules = (a: readonly string[] | undefined, b: readonly string[]): boolean => !!a && a.length === b.length && a.every((r, i) => r === b[i]);

/**
 * The `iptables-restore --noflush` input from `prev` (what is programmed) to `next`; "" when
 * nothing changed. Without `prev` every chain is written, and `deleteChains` (K8TS-NP-
 * chains found on the node that `next` has no use for) go. A declared chain (`:NAME`) is
 * created or flushed; a removed one is flushed before K8TS-NP-FORWARD stops jumping to it
 * and deleted after, all in one atomic commit.
 */
export function renderIptablesNetpol(prev: NetpolModel | undefined, next: NetpolModel, options: { deleteChains?: readonly string[] } = {}): string {
  const changed = [...next.chains].filter(([name, rules]) => !prev || !sameRules(prev.chains.get(name), rules));
  const removed = prev ? [...prev.chains.keys()].filter((n) => !next.chains.has(n)) : (options.deleteChains ?? []).filter((n) => n !== iptablesNetpolForward && !next.chains.has(n));
  const forwardChanged = !prev || !sameRules(prev.forward, next.forward) || removed.length > 0;
  if (changed.length === 0 && !forwardChanged) return "";
  const lines = ["*filter"];
  if (forwardChanged) lines.push(`:${iptablesNetpolForward} - [0:0]`);
  for (const [name] of changed) lines.push(`:${name} - [0:0]`);
  for (const name of removed) lines.push(`:${name} - [0:0]`);
  for (const [name, rules] of changed) for (const r of rules) lines.push(`-A ${name} ${r}`);
  if (forwardChanged) for (const r of next.forward) lines.push(`-A ${iptablesNetpolForward} ${r}`);
  for (const name of removed) lines.push(`-X ${name}`);
  lines.push("COMMIT");
  return lines.join("\n") + "\n";
}
