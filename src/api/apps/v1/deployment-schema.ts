// Schemas of io.k8s.api.apps.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, boolean, ref, object, mergeList, time, intOrString, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const deploymentDefinitions: Definitions = {
  [n.Deployment]: topLevel(
    {
      spec: ref(n.DeploymentSpec, "Specification of the desired behavior of the Deployment."),
      status: ref(n.DeploymentStatus, "Most recently observed status of the Deployment."),
    },
    "Deployment enables declarative updates for Pods and ReplicaSets.",
    {"group":"apps","version":"v1","kind":"Deployment"},
  ),
  [n.DeploymentList]: listOf(n.Deployment, "DeploymentList is a list of Deployments.", {"group":"apps","version":"v1","kind":"DeploymentList"}),
  [n.DeploymentSpec]: object(
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available."),
      paused: boolean("Indicates that the deployment is paused."),
      progressDeadlineSeconds: int32("The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s."),
      replicas: int32("Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1."),
      revisionHistoryLimit: int32("The number of old ReplicaSets to retain to allow rollback. Defaults to 10."),
      selector: ref(meta.LabelSelector, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
      strategy: { ...ref(n.DeploymentStrategy, "The deployment strategy to use to replace existing pods with new ones."), "x-kubernetes-patch-strategy": "retainKeys" },
      template: ref(core.PodTemplateSpec, "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is \"Always\"."),
    },
    { description: "DeploymentSpec is the specification of the desired behavior of the Deployment.", required: ["selector","template"] },
  ),
  [n.DeploymentStatus]: object(
    {
      availableReplicas: int32("Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
      collisionCount: int32("Count of hash collisions for the Deployment."),
      conditions: mergeList(ref(n.DeploymentCondition), "type", "Represents the latest available observations of a deployment's current state."),
      observedGeneration: int64("The generation observed by the deployment controller."),
      readyReplicas: int32("Total number of non-terminating pods targeted by this Deployment with a Ready Condition."),
      replicas: int32("Total number of non-terminating pods targeted by this deployment (their labels match the selector)."),
      terminatingReplicas: int32("Total number of terminating pods targeted by this deployment."),
      unavailableReplicas: int32("Total number of unavailable pods targeted by this deployment."),
      updatedReplicas: int32("Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
    },
    { description: "DeploymentStatus is the most recently observed status of the Deployment." },
  ),
  [n.DeploymentCondition]: object(
    {
      lastTransitionTime: time("Last time the condition transitioned from one status to another."),
      lastUpdateTime: time("The last time this condition was updated."),
      message: string("A human readable message indicating details about the transition."),
      reason: string("The reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of deployment condition."),
    },
    { description: "DeploymentCondition describes the state of a deployment at a certain point.", required: ["status","type"] },
  ),
  [n.DeploymentStrategy]: object(
    {
      rollingUpdate: ref(n.RollingUpdateDeployment, "Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate."),
      type: string("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\"."),
    },
    { description: "DeploymentStrategy describes how to replace existing pods with new ones." },
  ),
  [n.RollingUpdateDeployment]: object(
    {
      maxSurge: intOrString("The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%."),
      maxUnavailable: intOrString("The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%."),
    },
    { description: "Spec to control the desired behavior of rolling update." },
  ),
};
