// The public face of the NetworkPolicy enforcer (one per node agent, beside the service proxy).
export { startNetworkPolicy, cleanupNetworkPolicy, podEntry } from "./netpol.js";
export type { NetworkPolicyOptions, RunningNetworkPolicy } from "./netpol.js";
export { isNetpolMode, netpolModes } from "./backend.js";
export type { NetpolMode } from "./backend.js";
export { netpolModel, netpolTransaction, renderNetpol, netpolTable } from "./rules.js";
export type { PodEntry, NamespaceEntry, NetpolInput, NetpolModel } from "./rules.js";
export { iptablesNetpolModels, renderIptablesNetpol, iptablesNetpolForward, iptablesNetpolPrefix } from "./iptables-rules.js";
