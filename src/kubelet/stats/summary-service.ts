import type { StatsProvider } from "./provider.js";
import { buildSummary, CpuRateCache } from "./summary.js";
import type { Summary } from "./summary-types.js";

/**
 * The node's Summary on demand: one sample at a time however many callers ask (the
 * Summary API, /metrics/resource, the metrics scraper), reused for `maxAgeMs` (default
 * 1 s) so back-to-back scrapes cost one CRI round.
 */
export class SummaryService {
  private readonly cache = new CpuRateCache();
  private last: { at: number; summary: Summary } | undefined;
  private inFlight: Promise<Summary> | undefined;
  private readonly maxAgeMs: number;

  constructor(private readonly options: { nodeName: string; provider: StatsProvider; maxAgeMs?: number; now?: () => number }) {
    this.maxAgeMs = options.maxAgeMs ?? 1000;
  }

  summary(): Promise<Summary> {
    const now = (this.options.now ?? Date.now)();
    if (this.last && now - this.last.at < this.maxAgeMs) return Promise.resolve(this.last.summary);
    this.inFlight ??= (async () => {
      try {
        const s = await this.options.provider.sample();
        const summary = buildSummary({ nodeName: this.options.nodeName, node: s.node, sandboxes: s.sandboxes, createdAt: s.createdAt, cache: this.cache });
        this.last = { at: (this.options.now ?? Date.now)(), summary };
        return summary;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
