// NetworkPolicy → nftables. Everything here is pure: `netpolModel` prints the plan
// (plan.ts: the policy semantics) as a chain per isolated pod and direction plus the
// dispatch on pod IPs; `renderNetpol` prints the whole `table inet k8ts-netpol`, and
// `netpolTransaction` the smallest `nft -f` script from one model to the next.
//
// The node's own traffic to and from its pods (probes, the host's DNS) is not filtered:
// only the forward hook is programmed (with bridge-nf-call-iptables, bridged same-node
// pod-to-pod frames pass it too).
import { createHash } from "node:crypto";
import { isV4, netpolPlan, type AddressMatch, type NetpolInput, type PlanRule, type PodChain, type PortMatch } from "./plan.js";

export type { NamespaceEntry, NetpolInput, PodEntry } from "./plan.js";

export const netpolTable = "k8ts-netpol";
const family = "inet";

export interface NetpolModel {
  /** Per-pod chains: name → rules. */
  chains: ReadonlyMap<string, readonly string[]>;
  /** The forward base chain's rules (dispatch on the pods' addresses). */
  forward: readonly string[];
}

function chainName(chain: PodChain): string {
  const prefix = chain.direction === "ingress" ? "ing" : "egr";
  const name = `${prefix}-${chain.pod}`;
  if (name.length <= 200) return name;
  return `${prefix}-${createHash("sha256").update(chain.pod).digest("hex").slice(0, 32)}`;
}

const setOf = (items: readonly string[]): string => (items.length === 1 ? items[0]! : `{ ${items.join(", ")} }`);

function addressText(m: AddressMatch, dir: "saddr" | "daddr"): string {
  const fam = m.family === 4 ? "ip" : "ip6";
  if ("ips" in m) return `${fam} ${dir} ${setOf(m.ips)}`;
  return `${fam} ${dir} ${m.cidr}${m.except.length ? ` ${fam} ${dir} != ${setOf(m.except)}` : ""}`;
}

function portText(p: PortMatch): string {
  if (p.port === undefined) return `meta l4proto ${p.protocol}`;
  return `${p.protocol} dport ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ""}`;
}

/** A rule's text; egress rules `return` (the destination's ingress is checked next), ingress ones accept. */
const ruleTexts = new WeakMap<PlanRule, string>();
function ruleText(rule: PlanRule, direction: "ingress" | "egress"): string {
  let text = ruleTexts.get(rule);
  if (text === undefined) {
    const peer = rule.peer ? addressText(rule.peer, direction === "ingress" ? "saddr" : "daddr") : "";
    text = [peer, rule.port ? portText(rule.port) : "", direction === "ingress" ? "accept" : "return", `comment "${rule.comment}"`].filter(Boolean).join(" ");
    ruleTexts.set(rule, text);
  }
  return text;
}

export function netpolModel(input: NetpolInput): NetpolModel {
  const plan = netpolPlan(input);
  const chains = new Map<string, string[]>();
  const names = new Map<PodChain, string>();
  for (const chain of plan.chains) {
    const name = chainName(chain);
    names.set(chain, name);
    chains.set(name, [...chain.rules.map((r) => ruleText(r, chain.direction)), "drop"]);
  }
  const forward = ["ct state established,related accept"];
  const dispatch = (entries: ReadonlyArray<{ ip: string; chain: PodChain }>, dir: "saddr" | "daddr"): void => {
    for (const [fam, pick] of [["ip", isV4], ["ip6", (ip: string) => !isV4(ip)]] as const) {
      const els = entries.filter((e) => pick(e.ip));
      if (els.length) forward.push(`${fam} ${dir} vmap { ${els.map((e) => `${e.ip} : jump ${names.get(e.chain)!}`).join(", ")} }`);
    }
  };
  // Egress first: its chains `return` when allowed, so the destination's ingress is checked next.
  dispatch(plan.egressDispatch, "saddr");
  dispatch(plan.ingressDispatch, "daddr");
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
