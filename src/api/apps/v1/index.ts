// The public face of apps/v1: resources, definitions, object types and strategy functions.
import type { ResourceType } from "../../resource-type.js";
import { controllerRevisionsResource } from "./controllerrevision.js";
import { daemonSetsResource } from "./daemonset.js";
import { deploymentsResource } from "./deployment.js";
import { replicaSetsResource } from "./replicaset.js";
import { statefulSetsResource } from "./statefulset.js";

export { appsV1Definitions } from "./definitions.js";
export { deploymentsResource, defaultDeployment, validateDeployment } from "./deployment.js";
export { replicaSetsResource, defaultReplicaSet, validateReplicaSet } from "./replicaset.js";
export { statefulSetsResource, defaultStatefulSet, validateStatefulSet } from "./statefulset.js";
export { daemonSetsResource, defaultDaemonSet, validateDaemonSet } from "./daemonset.js";
export { controllerRevisionsResource } from "./controllerrevision.js";
export type { Deployment, DeploymentSpec, DeploymentStatus, DeploymentCondition, DeploymentStrategy, RollingUpdateDeployment } from "./deployment-types.js";
export type { ReplicaSet, ReplicaSetSpec, ReplicaSetStatus, ReplicaSetCondition } from "./replicaset-types.js";
export type { StatefulSet, StatefulSetSpec, StatefulSetStatus, StatefulSetCondition, StatefulSetUpdateStrategy } from "./statefulset-types.js";
export type { DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetCondition, DaemonSetUpdateStrategy } from "./daemonset-types.js";
export type { ControllerRevision } from "./controllerrevision-types.js";

/** Every apps/v1 resource, in discovery order. */
export const appsV1Resources: ResourceType[] = [controllerRevisionsResource, daemonSetsResource, deploymentsResource, replicaSetsResource, statefulSetsResource];
