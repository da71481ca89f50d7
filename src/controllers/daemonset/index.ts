// The public face of the daemonset controller.
export { DaemonSetController, daemonSetOwnerIndex } from "./daemonset-controller.js";
export type { DaemonSetControllerOptions } from "./daemonset-controller.js";
export { nodeShouldRunDaemonPod, daemonPodTolerations, toleratesTaint, requiredNodeAffinityMatches, withNodeNameAffinity, targetNodeName, taintKeys } from "./node-eligibility.js";
export type { NodeEligibility } from "./node-eligibility.js";
export { computeHash, revisionData, revisionMatches, controllerRevisionHashLabel, templateGenerationLabel } from "./history.js";
export { manage, rollingUpdate, computeStatus, desiredNodeCounts, isPodUpdated } from "./plan.js";
export type { Snapshot, Plan } from "./plan.js";
