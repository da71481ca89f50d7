// The public face of the built-in metrics-server: scrapes kubelets, serves metrics.k8s.io from memory.
export { MetricsScraper, httpsNodeFetcher, kubeletEndpoint } from "./metrics-scraper.js";
export type { MetricsScraperOptions, NodeFetcher } from "./metrics-scraper.js";
export { formatCpuNanoCores, formatBytes, formatDuration } from "./quantity-format.js";
export { parseResourceMetrics } from "./resource-text.js";
export type { NodeScrape, ResourcePoint } from "./resource-text.js";
