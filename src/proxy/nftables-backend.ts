import type { ProxyBackend } from "./backend.js";
import { runChecked, type CommandRunner } from "./exec.js";
import { nftChainNames, nftTable, nftablesModel, nftablesTransaction, type NftModel } from "./nftables-rules.js";
import type { NodeInfo, ServicePortInfo } from "./service-table.js";

/** Chains left flushed are deleted this long after (upstream: kernels before 6.2 notice a dropped reference late). */
const staleChainDelayMs = 1000;

/** Programs `table ip k8ts-proxy` with `nft -f -`: the first sync replaces the table atomically, later ones are small transactions. */
export class NftablesBackend implements ProxyBackend {
  readonly mode = "nftables" as const;
  private prev: NftModel | undefined;
  private readonly staleChains = new Map<string, number>();

  constructor(private readonly runner: CommandRunner) {}

  async sync(table: readonly ServicePortInfo[], node: NodeInfo): Promise<{ full: boolean; retryAfterMs?: number }> {
    const model = nftablesModel(table, node);
    const now = Date.now();
    const live = nftChainNames(model);
    const due: string[] = [];
    for (const [name, since] of this.staleChains) {
      if (live.has(name)) this.staleChains.delete(name);
      else if (now - since >= staleChainDelayMs) due.push(name);
    }
    const tx = nftablesTransaction(this.prev, model, due);
    if (tx.script) {
      try {
        await runChecked(this.runner, "nft", ["-f", "-"], tx.script);
      } catch (err) {
        this.prev = undefined;
        throw err;
      }
    }
    if (tx.full) this.staleChains.clear();
    for (const name of due) this.staleChains.delete(name);
    for (const name of tx.staleChains) this.staleChains.set(name, now);
    this.prev = model;
    return { full: tx.full, retryAfterMs: this.staleChains.size > 0 ? staleChainDelayMs : undefined };
  }

  async cleanup(): Promise<void> {
    this.prev = undefined;
    this.staleChains.clear();
    await this.runner.run("nft", ["delete", "table", "ip", nftTable]);
  }

  async close(): Promise<void> {}
}
