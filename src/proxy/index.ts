// The public face of the service proxy.
export { startProxy, cleanupProxy } from "./proxy.js";
export type { ProxyOptions, RunningProxy, SyncInfo } from "./proxy.js";
export { proxyModes, isProxyMode } from "./backend.js";
export type { ProxyMode, ProxyBackend } from "./backend.js";
export { buildServiceTable, servicePorts, categorizeEndpoints, sliceServiceKey } from "./service-table.js";
export type { NodeInfo, ServicePortInfo, EndpointInfo } from "./service-table.js";
export { nftablesModel, nftablesTransaction, renderNftables, nftTable } from "./nftables-rules.js";
export { iptablesModel, renderIptables } from "./iptables-rules.js";
export { ipvsModel, renderAddresses, renderIpvsadm, renderIpvsNft, renderIpvsNftDelta, parseIpvsadmSave, ipvsInterface, ipvsNftTable } from "./ipvs-rules.js";
export { userspacePlan } from "./userspace-rules.js";
export { conntrackDeletions } from "./conntrack.js";
export { fixtureCluster, fixtureNode } from "./_fixtures.js";
export { proxyRegistry } from "./metrics.js";
