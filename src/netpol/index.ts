// The public face of the NetworkPolicy enforcer (one per node agent, beside the service proxy).
export { startNetworkPolicy, cleanupNetworkPolicy, podEntry } from "./netpol.js";
export type { NetworkPolicyOptions, RunningNetworkPolicy } from "./netpol.js";
export { netpolModel, netpolTransaction, renderNetpol, netpolTable } from "./rules.js";
export type { PodEntry, NamespaceEntry, NetpolInput, NetpolModel } from "./rules.js";
