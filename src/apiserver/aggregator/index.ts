// The aggregation layer: APIServices, their availability, and the proxy to aggregated servers.
export { Aggregator, type AggregatorOptions } from "./aggregator.js";
export type { ProxyClientCert } from "./proxy.js";
