// Where the rules go: nftables (`table inet k8ts-netpol`) when the `nft` binary works,
// iptables (K8TS-NP-* chains of the filter table) otherwise; --network-policy-mode or
// K8TS_NETWORK_POLICY_MODE forces one. As upstream kube-proxy cleans the other mode's
// leftovers on start, the enforcer removes the other back-end's rules before its first sync:
// an old table or chain would otherwise keep dropping traffic no policy asks to drop.
import { runChecked, type CommandRunner } from "./exec.js";
import { iptablesNetpolForward, iptablesNetpolJump, iptablesNetpolModels, renderIptablesNetpol } from "./iptables-rules.js";
import type { NetpolInput } from "./plan.js";
import { netpolModel, netpolTable, netpolTransaction, type NetpolModel } from "./rules.js";

export const netpolModes = ["auto", "nftables", "iptables"] as const;
export type NetpolMode = (typeof netpolModes)[number];
export const isNetpolMode = (v: unknown): v is NetpolMode => typeof v === "string" && (netpolModes as readonly string[]).includes(v);

export interface NetpolBackend {
  readonly mode: "nftables" | "iptables";
  /** Where the rules are, for the log and `k8ts doctor`. */
  readonly where: string;
  /** Programs the rules for `input`, in as small a change from the last sync as it can. */
  sync(input: NetpolInput): Promise<void>;
  /** Removes every rule of this back-end; nothing to remove is not an error. */
  cleanup(): Promise<void>;
}

export class NftablesNetpolBackend implements NetpolBackend {
  readonly mode = "nftables" as const;
  readonly where = `nftables table inet ${netpolTable}`;
  private prev: NetpolModel | undefined;

  constructor(private readonly runner: CommandRunner) {}

  async sync(input: NetpolInput): Promise<void> {
    const model = netpolModel(input);
    const tx = netpolTransaction(this.prev, model);
    if (tx.script) {
      try {
        await runChecked(this.runner, "nft", ["-f", "-"], tx.script);
      } catch (err) {
        this.prev = undefined; // the next sync replaces the table whole
        throw err;
      }
    }
    this.prev = model;
  }

  async cleanup(): Promise<void> {
    this.prev = undefined;
    // An absent table or an absent nft: nothing to remove.
    await this.runner.run("nft", ["delete", "table", "inet", netpolTable]).catch(() => undefined);
  }
}

const families = [
  { family: "v4", iptables: "iptables", save: "iptables-save", restore: "iptables-restore" },
  { family: "v6", iptables: "ip6tables", save: "ip6tables-save", restore: "ip6tables-restore" },
] as const;

export class IptablesNetpolBackend implements NetpolBackend {
  readonly mode = "iptables" as const;
  readonly where = "iptables filter chains K8TS-NP-*";
  private prev: Partial<Record<"v4" | "v6", NetpolModel>> = {};
  /** ip6tables may be missing or IPv6 off: then only IPv4 is filtered (said once). */
  private v6: boolean | undefined;

  constructor(private readonly runner: CommandRunner, private readonly log: (line: string) => void = () => undefined) {}

  async sync(input: NetpolInput): Promise<void> {
    if (this.v6 === undefined) {
      this.v6 = (await this.runner.run("ip6tables", ["-w", "-S", "FORWARD"]).catch(() => ({ code: 1 }))).code === 0;
      if (!this.v6) this.log("network policy: ip6tables does not work here: IPv6 pod traffic is not filtered");
    }
    const models = iptablesNetpolModels(input);
    for (const f of families) {
      if (f.family === "v6" && !this.v6) continue;
      const prev = this.prev[f.family];
      try {
        const leftovers = prev ? [] : await netpolChains(this.runner, f.save);
        const input = renderIptablesNetpol(prev, models[f.family], { deleteChains: leftovers });
        if (input) await runChecked(this.runner, f.restore, ["-w", "--noflush"], input);
        this.prev[f.family] = models[f.family];
        // Every sync: the proxy inserts its FORWARD jumps first when it (re)starts, and its
        // K8TS-FORWARD accepts marked and established traffic before ours would drop it.
        await ensureJumpFirst(this.runner, f.iptables);
      } catch (err) {
        this.prev[f.family] = undefined; // the next sync rewrites every chain
        throw err;
      }
    }
  }

  async cleanup(): Promise<void> {
    this.prev = {};
    for (const f of families) {
      // Read first: on a node that never ran this mode nothing is touched (iptables-nft would
      // create its filter table just to find no jump to delete).
      const names = await netpolChains(this.runner, f.save).catch(() => []);
      if (names.length === 0) continue;
      for (let i = 0; i < 10; i++) {
        const r = await this.runner.run(f.iptables, ["-w", "-D", "FORWARD", ...iptablesNetpolJump]).catch(() => ({ code: 1 }));
        if (r.code !== 0) break;
      }
      // Declared (so flushed) first, deleted after: the chains jump to each other.
      const lines = ["*filter", ...names.map((n) => `:${n} - [0:0]`), ...names.map((n) => `-X ${n}`), "COMMIT", ""];
      await runChecked(this.runner, f.restore, ["-w", "--noflush"], lines.join("\n"));
    }
  }
}

/** K8TS-NP-* chains of the filter table as they are on the node. */
async function netpolChains(runner: CommandRunner, save: string): Promise<string[]> {
  const r = await runner.run(save, ["-t", "filter"]);
  if (r.code !== 0) return [];
  return [...r.stdout.matchAll(/^:(K8TS-NP-[^ ]+) /gm)].map((m) => m[1]!);
}

/** Makes `-j K8TS-NP-FORWARD` FORWARD's first rule, and its only jump there; inserts before deleting, so no packet slips by. */
async function ensureJumpFirst(runner: CommandRunner, iptables: string): Promise<void> {
  const list = async (): Promise<string[]> => (await runChecked(runner, iptables, ["-w", "-S", "FORWARD"])).split("\n").filter((l) => l.startsWith("-A FORWARD "));
  const ours = (rule: string): boolean => rule.endsWith(`-j ${iptablesNetpolForward}`);
  let rules = await list();
  if (rules.length > 0 && ours(rules[0]!) && rules.filter(ours).length === 1) return;
  if (!(rules.length > 0 && ours(rules[0]!))) {
    await runChecked(runner, iptables, ["-w", "-I", "FORWARD", "1", ...iptablesNetpolJump]);
    rules = await list();
  }
  // Rule numbers count from 1; the extra jumps go from the last, so the numbers before stay right.
  const extra = rules.map((r, i) => (i > 0 && ours(r) ? i + 1 : 0)).filter((n) => n > 0).reverse();
  for (const n of extra) await runChecked(runner, iptables, ["-w", "-D", "FORWARD", String(n)]);
}

/** The back-end of a mode; "auto" picks nftables when `nft list tables` works. */
export async function chooseNetpolBackend(mode: NetpolMode, runner: CommandRunner, log: (line: string) => void): Promise<NetpolBackend> {
  let chosen = mode;
  if (chosen === "auto") {
    const r = await runner.run("nft", ["list", "tables"]).catch(() => ({ code: 127 }));
    chosen = r.code === 0 ? "nftables" : "iptables";
  }
  return chosen === "nftables" ? new NftablesNetpolBackend(runner) : new IptablesNetpolBackend(runner, log);
}

/** The other back-end's rules, for cleaning up at start. */
export function otherNetpolBackend(backend: NetpolBackend, runner: CommandRunner): NetpolBackend {
  return backend.mode === "nftables" ? new IptablesNetpolBackend(runner) : new NftablesNetpolBackend(runner);
}
