import type { Plugin } from "../../framework/plugin.js";
import { success, unschedulable } from "../../framework/status.js";

/** NodePorts: a pod's host ports (protocol, port, address) must be free on the node. */
export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: Plugin = {
  name: "NodePorts",
  events: ["NodeAdd", "AssignedPodDelete"],
  filter(_ctx, pod, node) {
    for (const p of pod.hostPorts) if (node.portConflicts(p)) return unschedulable(errReasonNodePorts);
    return success;
  },
};
