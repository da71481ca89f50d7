import type { ProxyBackend } from "./backend.js";
import { runChecked, type CommandRunner } from "./exec.js";
import { iptablesJumps, iptablesModel, iptablesTopChains, renderIptables, type IptModel } from "./iptables-rules.js";
import type { NodeInfo, ServicePortInfo } from "./service-table.js";

/** Programs K8TS-* chains in the nat and filter tables with `iptables-restore --noflush`. */
export class IptablesBackend implements ProxyBackend {
  readonly mode = "iptables" as const;
  private prev: IptModel | undefined;

  constructor(private readonly runner: CommandRunner) {}

  async sync(table: readonly ServicePortInfo[], node: NodeInfo): Promise<{ full: boolean }> {
    const model = iptablesModel(table, node);
    const full = !this.prev || this.prev.nodeKey !== model.nodeKey;
    try {
      if (full) await this.ensureJumps();
      // A full sync starts from what is there: chains of an earlier run not in the model are removed too.
      const leftovers = full ? (await this.chainNames("nat")).filter((n) => /^K8TS-(SVC|SVL|EXT|FW|SEP)-/.test(n)) : [];
      await runChecked(this.runner, "iptables-restore", ["-w", "--noflush"], renderIptables(full ? undefined : this.prev, model, { deleteChains: leftovers }));
    } catch (err) {
      this.prev = undefined;
      throw err;
    }
    this.prev = model;
    return { full };
  }

  /** The top-level chains and the jumps to them from the built-in chains (prepended, once). */
  private async ensureJumps(): Promise<void> {
    for (const [table, chains] of Object.entries(iptablesTopChains)) {
      for (const chain of chains) await this.runner.run("iptables", ["-w", "-t", table, "-N", chain]);
    }
    for (const j of iptablesJumps) {
      const check = await this.runner.run("iptables", ["-w", "-t", j.table, "-C", j.chain, ...j.args]);
      if (check.code !== 0) await runChecked(this.runner, "iptables", ["-w", "-t", j.table, "-I", j.chain, "1", ...j.args]);
    }
  }

  private async chainNames(table: string): Promise<string[]> {
    const r = await this.runner.run("iptables-save", ["-t", table]);
    // K8TS-NP-* are the network policy enforcer's (src/netpol), not the proxy's.
    return [...r.stdout.matchAll(/^:(K8TS-(?!NP-)[^ ]+) /gm)].map((m) => m[1]!);
  }

  async cleanup(): Promise<void> {
    this.prev = undefined;
    for (const j of iptablesJumps) {
      for (let i = 0; i < 10; i++) if ((await this.runner.run("iptables", ["-w", "-t", j.table, "-D", j.chain, ...j.args])).code !== 0) break;
    }
    for (const table of ["nat", "filter"]) {
      const names = await this.chainNames(table);
      if (names.length === 0) continue;
      const lines = [`*${table}`, ...names.map((n) => `:${n} - [0:0]`), ...names.map((n) => `-X ${n}`), "COMMIT", ""];
      await this.runner.run("iptables-restore", ["-w", "--noflush"], { input: lines.join("\n") });
    }
  }

  async close(): Promise<void> {}
}
