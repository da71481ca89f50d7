// The public face of the statefulset controller.
export { StatefulSetController, statefulSetOwnerIndex } from "./statefulset-controller.js";
export type { StatefulSetControllerOptions } from "./statefulset-controller.js";
export { podNameLabel, podIndexLabel, revisionLabel, parentAndOrdinal, podName, claimName, identityMatches, newStatefulSetPod, claimsFor, volumesWithClaims } from "./identity.js";
export { revisionData, revisionName, hashRevisionData, newRevision, equalRevision, templateOf } from "./history.js";
