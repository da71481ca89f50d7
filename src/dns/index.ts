// The public face of the cluster DNS server.
export { ClusterDnsServer } from "./server.js";
export type { ClusterDnsServerOptions } from "./server.js";
export { answerInZone, soaRecord } from "./records.js";
export type { ClusterSources, ZoneAnswer } from "./records.js";
export { forwardQuery, upstreamsFromResolvConf } from "./forward.js";
export type { Upstream } from "./forward.js";
export { startClusterDns, ensureKubeDnsService, dnsServiceIP, informerSources } from "./cluster-dns.js";
export type { ClusterDnsOptions } from "./cluster-dns.js";
