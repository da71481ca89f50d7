// Schemas of io.k8s.api.apps.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, ref, object, arrayOf, mergeList, time, intOrString, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const statefulsetDefinitions: Definitions = {
  [n.StatefulSet]: topLevel(
    {
      spec: ref(n.StatefulSetSpec, "Spec defines the desired identities of pods in this set."),
      status: ref(n.StatefulSetStatus, "Status is the current status of Pods in this StatefulSet."),
    },
    "StatefulSet represents a set of pods with consistent identities.",
    {"group":"apps","version":"v1","kind":"StatefulSet"},
  ),
  [n.StatefulSetList]: listOf(n.StatefulSet, "StatefulSetList is a collection of StatefulSets.", {"group":"apps","version":"v1","kind":"StatefulSetList"}),
  [n.StatefulSetSpec]: object(
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available."),
      ordinals: ref(n.StatefulSetOrdinals, "ordinals controls the numbering of replica indices in a StatefulSet."),
      persistentVolumeClaimRetentionPolicy: ref(n.StatefulSetPersistentVolumeClaimRetentionPolicy, "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates."),
      podManagementPolicy: string("podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down."),
      replicas: int32("replicas is the desired number of replicas of the given Template."),
      revisionHistoryLimit: int32("revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history."),
      selector: ref(meta.LabelSelector, "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
      serviceName: string("serviceName is the name of the service that governs this StatefulSet."),
      template: ref(core.PodTemplateSpec, "template is the object that describes the pod that will be created if insufficient replicas are detected."),
      updateStrategy: ref(n.StatefulSetUpdateStrategy, "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template."),
      volumeClaimTemplates: arrayOf(ref(core.PersistentVolumeClaim), "volumeClaimTemplates is a list of claims that pods are allowed to reference.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "A StatefulSetSpec is the specification of a StatefulSet.", required: ["selector","template"] },
  ),
  [n.StatefulSetStatus]: object(
    {
      availableReplicas: int32("Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset."),
      collisionCount: int32("collisionCount is the count of hash collisions for the StatefulSet."),
      conditions: mergeList(ref(n.StatefulSetCondition), "type", "Represents the latest available observations of a statefulset's current state."),
      currentReplicas: int32("currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision."),
      currentRevision: string("currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas)."),
      observedGeneration: int64("observedGeneration is the most recent generation observed for this StatefulSet."),
      readyReplicas: int32("readyReplicas is the number of pods created for this StatefulSet with a Ready Condition."),
      replicas: int32("replicas is the number of Pods created by the StatefulSet controller."),
      updateRevision: string("updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)"),
      updatedReplicas: int32("updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision."),
    },
    { description: "StatefulSetStatus represents the current state of a StatefulSet.", required: ["replicas"] },
  ),
  [n.StatefulSetCondition]: object(
    {
      lastTransitionTime: time("Last time the condition transitioned from one status to another."),
      message: string("A human readable message indicating details about the transition."),
      reason: string("The reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of statefulset condition."),
    },
    { description: "StatefulSetCondition describes the state of a statefulset at a certain point.", required: ["status","type"] },
  ),
  [n.StatefulSetUpdateStrategy]: object(
    {
      rollingUpdate: ref(n.RollingUpdateStatefulSetStrategy, "RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType."),
      type: string("Type indicates the type of the StatefulSetUpdateStrategy."),
    },
    { description: "StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates." },
  ),
  [n.RollingUpdateStatefulSetStrategy]: object(
    {
      maxUnavailable: intOrString("The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 1."),
      partition: int32("Partition indicates the ordinal at which the StatefulSet should be partitioned for updates."),
    },
    { description: "RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType." },
  ),
  [n.StatefulSetPersistentVolumeClaimRetentionPolicy]: object(
    {
      whenDeleted: string("WhenDeleted specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted."),
      whenScaled: string("WhenScaled specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down."),
    },
    { description: "StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates." },
  ),
  [n.StatefulSetOrdinals]: object(
    {
      start: int32("start is the number representing the first replica's index."),
    },
    { description: "StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet." },
  ),
};
