import type { Toleration } from "../../../api/index.js";
import { defaultNormalizeScore } from "../../framework/normalize.js";
import type { Plugin } from "../../framework/plugin.js";
import { success, unresolvable } from "../../framework/status.js";
import { findUntoleratedTaint, tolerationsTolerateTaint } from "../../framework/taints.js";

/**
 * TaintToleration: Filter refuses a node with a NoSchedule/NoExecute taint the pod does
 * not tolerate; Score prefers nodes with fewer untolerated PreferNoSchedule taints.
 */
export const untoleratedTaintReason = (key: string, value: string | undefined): string => `node(s) had untolerated taint {${key}: ${value ?? ""}}`;

const preScoreKey = "PreScoreTaintToleration";

export const taintToleration: Plugin = {
  name: "TaintToleration",
  events: ["NodeAdd", "NodeUpdate"],
  filter(_ctx, pod, node) {
    const taint = findUntoleratedTaint(node.node?.spec?.taints, pod.pod.spec?.tolerations, (t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
    return taint ? unresolvable(untoleratedTaintReason(taint.key, taint.value)) : success;
  },
  preScore(ctx, pod) {
    // Tolerations with an empty effect match every effect, PreferNoSchedule included.
    const prefer: Toleration[] = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    ctx.state.write(preScoreKey, prefer);
    return success;
  },
  score(ctx, _pod, node) {
    const tolerations = ctx.state.read<Toleration[]>(preScoreKey) ?? [];
    let count = 0;
    for (const t of node.node?.spec?.taints ?? []) if (t.effect === "PreferNoSchedule" && !tolerationsTolerateTaint(tolerations, t)) count++;
    return count;
  },
  normalizeScore(_ctx, _pod, scores) {
    defaultNormalizeScore(scores, true);
  },
};
