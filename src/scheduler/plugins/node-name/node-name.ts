import type { Plugin } from "../../framework/plugin.js";
import { success, unresolvable } from "../../framework/status.js";

/** NodeName: a pod that names a node (spec.nodeName) fits only that node. */
export const errReasonNodeName = "node(s) didn't match the requested node name";

export const nodeName: Plugin = {
  name: "NodeName",
  events: ["NodeAdd"],
  filter(_ctx, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    return !wanted || wanted === node.name ? success : unresolvable(errReasonNodeName);
  },
};
