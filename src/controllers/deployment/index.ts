// The public face of the deployment controller.
export { DeploymentController, byControllerUidIndex } from "./deployment-controller.js";
export type { DeploymentControllerOptions } from "./deployment-controller.js";
export { computeHash, safeEncodeString, fnv32a } from "./hash.js";
export {
  podTemplateHashLabel,
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  changeCauseAnnotation,
  reasons,
  resolveFenceposts,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  equalIgnoreHash,
  calculateStatus,
} from "./util.js";
