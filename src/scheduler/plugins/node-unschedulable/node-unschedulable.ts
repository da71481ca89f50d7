import type { Plugin } from "../../framework/plugin.js";
import { success, unresolvable } from "../../framework/status.js";
import { tolerationsTolerateTaint } from "../../framework/taints.js";

/**
 * NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate
 * the `node.kubernetes.io/unschedulable:NoSchedule` taint.
 */
export const errReasonUnschedulable = "node(s) were unschedulable";

export const nodeUnschedulable: Plugin = {
  name: "NodeUnschedulable",
  events: ["NodeAdd", "NodeUpdate"],
  filter(_ctx, pod, node) {
    if (!node.node?.spec?.unschedulable) return success;
    const tolerates = tolerationsTolerateTaint(pod.pod.spec?.tolerations, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" });
    return tolerates ? success : unresolvable(errReasonUnschedulable);
  },
};
