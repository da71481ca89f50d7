// The kubelet's stats: a provider (CRI + /proc, or synthetic), the Summary API and
// /metrics/resource built from it.
export { criStatsProvider, syntheticNodeUsage, simulatedStatsProvider } from "./provider.js";
export type { StatsProvider, StatsSample } from "./provider.js";
export { buildSummary, CpuRateCache } from "./summary.js";
export type { BuildSummaryOptions } from "./summary.js";
export { resourceMetricsText } from "./resource-metrics.js";
export { readNodeUsage, parseProcStat, parseMeminfo, parseNetDev, parseDefaultRoute } from "./node-usage.js";
export type { NodeUsage } from "./node-usage.js";
export { SummaryService } from "./summary-service.js";
export type { Summary, NodeStats, PodStats, PodReference, ContainerStats as SummaryContainerStats, CPUStats, MemoryStats, NetworkStats, InterfaceStats, FsStats, VolumeStats } from "./summary-types.js";
export { startNodesStatsEndpoint } from "./nodes-endpoint.js";
export type { NodesStatsEndpointOptions, RunningNodesStatsEndpoint } from "./nodes-endpoint.js";
