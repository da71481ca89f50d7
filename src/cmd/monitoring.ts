// Monitoring wiring of `k8ts server` and `k8ts agent`: which registries each /metrics
// serves (upstream: one endpoint per component; here the API server's /metrics carries
// the API server, scheduler and controller manager of this process, the kubelet port's
// /metrics the kubelet and the service proxy), and the metrics pipeline behind
// metrics.k8s.io.
import { collectDefaultMetrics, Registry } from "prom-client";
import type { ResourceMetricsSource } from "../api/index.js";
import { apiserverRegistry } from "../apiserver/index.js";
import { workqueueRegistry, type Client } from "../client/index.js";
import { MetricsScraper, type NodeFetcher } from "../controllers/metricsserver/index.js";
import { proxyRegistry } from "../proxy/index.js";
import { schedulerRegistry } from "../scheduler/index.js";

let processRegistry: Registry | undefined;

/** process_* and nodejs_* of this process, collected once however many components serve them. */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** What the agent's kubelet port serves besides the kubelet's own metrics. */
export function agentMetricsRegistries(): Registry[] {
  return [proxyRegistry, processMetrics()];
}

export class ServerMonitoring {
  private scraper: MetricsScraper | undefined;
  private readonly merged = Registry.merge([apiserverRegistry, schedulerRegistry, workqueueRegistry, processMetrics()]);

  /** metrics.k8s.io for the API server: empty until the pipeline runs. */
  readonly resourceMetrics: ResourceMetricsSource = {
    nodeMetrics: () => this.scraper?.nodeMetrics() ?? [],
    podMetrics: (namespace) => this.scraper?.podMetrics(namespace) ?? [],
  };

  private controlLoopsMetrics: (() => Promise<string>) | undefined;
  private withoutControlLoops: Registry | undefined;

  /**
   * The scheduler and controllers run in a worker thread (--control-loops-thread): their
   * registries there replace this thread's, whose work queues (start-up manifests) are
   * then not reported — two copies of one metric family would make the text invalid.
   */
  addControlLoopsMetrics(metrics: () => Promise<string>): void {
    this.controlLoopsMetrics = metrics;
    this.withoutControlLoops = Registry.merge([apiserverRegistry, processMetrics()]);
  }

  /** The API server's /metrics. */
  readonly metrics = async (): Promise<{ contentType: string; text: string }> => {
    if (!this.controlLoopsMetrics || !this.withoutControlLoops) return { contentType: this.merged.contentType, text: await this.merged.metrics() };
    const [own, loops] = await Promise.all([this.withoutControlLoops.metrics(), this.controlLoopsMetrics()]);
    return { contentType: this.withoutControlLoops.contentType, text: `${own}${own.endsWith("\n") || !own ? "" : "\n"}${loops}` };
  };

  /** Starts scraping kubelets every `intervalMs` (default 15 s) with the API server's kubelet client certificate. */
  start(options: { client: Client; tls: { cert: string; key: string; ca?: string }; signal: AbortSignal; intervalMs?: number; fetchNode?: NodeFetcher; log?: (line: string) => void }): Promise<void> {
    this.scraper = new MetricsScraper({
      client: options.client,
      tls: options.tls,
      intervalMs: options.intervalMs,
      fetchNode: options.fetchNode,
      onError: (key, err) => options.log?.(`metrics: ${key}: ${err instanceof Error ? err.message : String(err)}`),
    });
    // Never an unhandled rejection: the pipeline failing must not take the server down.
    return this.scraper.start(options.signal).catch((err: unknown) => options.log?.(`metrics: stopped: ${err instanceof Error ? err.message : String(err)}`));
  }
}
