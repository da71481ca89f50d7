// Schemas of io.k8s.api.apps.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, ref, object, mergeList, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const replicasetDefinitions: Definitions = {
  [n.ReplicaSet]: topLevel(
    {
      spec: ref(n.ReplicaSetSpec, "Spec defines the specification of the desired behavior of the ReplicaSet."),
      status: ref(n.ReplicaSetStatus, "Status is the most recently observed status of the ReplicaSet."),
    },
    "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
    {"group":"apps","version":"v1","kind":"ReplicaSet"},
  ),
  [n.ReplicaSetList]: listOf(n.ReplicaSet, "ReplicaSetList is a collection of ReplicaSets.", {"group":"apps","version":"v1","kind":"ReplicaSetList"}),
  [n.ReplicaSetSpec]: object(
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available."),
      replicas: int32("Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1."),
      selector: ref(meta.LabelSelector, "Selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
      template: ref(core.PodTemplateSpec, "Template is the object that describes the pod that will be created if insufficient replicas are detected."),
    },
    { description: "ReplicaSetSpec is the specification of a ReplicaSet.", required: ["selector"] },
  ),
  [n.ReplicaSetStatus]: object(
    {
      availableReplicas: int32("The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set."),
      conditions: mergeList(ref(n.ReplicaSetCondition), "type", "Represents the latest available observations of a replica set's current state."),
      fullyLabeledReplicas: int32("The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset."),
      observedGeneration: int64("ObservedGeneration reflects the generation of the most recently observed ReplicaSet."),
      readyReplicas: int32("The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
      replicas: int32("Replicas is the most recently observed number of non-terminating pods."),
      terminatingReplicas: int32("The number of terminating pods for this replica set."),
    },
    { description: "ReplicaSetStatus represents the current status of a ReplicaSet.", required: ["replicas"] },
  ),
  [n.ReplicaSetCondition]: object(
    {
      lastTransitionTime: time("The last time the condition transitioned from one status to another."),
      message: string("A human readable message indicating details about the transition."),
      reason: string("The reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of replica set condition."),
    },
    { description: "ReplicaSetCondition describes the state of a replica set at a certain point.", required: ["status","type"] },
  ),
};
