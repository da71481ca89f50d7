import type { PreferredSchedulingTerm } from "../../../api/index.js";
import { termMatchesNode, podMatchesNodeSelectorAndAffinity } from "../../framework/node-selector.js";
import { defaultNormalizeScore } from "../../framework/normalize.js";
import type { Plugin } from "../../framework/plugin.js";
import { skip, success, unresolvable } from "../../framework/status.js";

/**
 * NodeAffinity: Filter applies spec.nodeSelector and required node affinity; Score sums
 * the weights of the preferred terms a node matches.
 */
export const errReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: Plugin = {
  name: "NodeAffinity",
  events: ["NodeAdd", "NodeUpdate"],
  filter(_ctx, pod, node) {
    if (!node.node) return unresolvable("node not found");
    return podMatchesNodeSelectorAndAffinity(pod.pod, node.node) ? success : unresolvable(errReasonNodeAffinity);
  },
  preScore(_ctx, pod) {
    return preferredTerms(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).length ? success : skip;
  },
  score(_ctx, pod, node) {
    let total = 0;
    for (const t of preferredTerms(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution)) {
      if (node.node && termMatchesNode(t.preference, node.node)) total += t.weight;
    }
    return total;
  },
  normalizeScore(_ctx, _pod, scores) {
    defaultNormalizeScore(scores, false);
  },
};

function preferredTerms(terms: PreferredSchedulingTerm[] | undefined): PreferredSchedulingTerm[] {
  return (terms ?? []).filter((t) => t.weight !== 0);
}
