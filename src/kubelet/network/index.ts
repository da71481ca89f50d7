// The public face of the pod network between nodes (host-gw routes and VXLAN).
export { startPodNetwork, routeIsOnLink, startMasquerade, cleanupPodNetwork, masqueradeCommand, linkMtuOf } from "./pod-network.js";
export type { PodNetworkOptions, RunningPodNetwork } from "./pod-network.js";
export { planPodNetwork, networkCommands, commandLine, vtepMacOf, peerOf, isNetworkBackend, networkBackends, vxlanDevice, routeProtocol, masqueradeRuleset, natTable, podMtuFor, vxlanMtuFor, vxlanOverhead } from "./plan.js";
export type { NetworkBackend, NetworkPlan, PeerRoute, NetCommand } from "./plan.js";
