// Schemas of core/v1 replication-controller types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, ref, object, mapOf, mergeList, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const replicationControllerDefinitions: Definitions = {
  [core.ReplicationController]: topLevel(
    {
      spec: ref(core.ReplicationControllerSpec),
      status: ref(core.ReplicationControllerStatus),
    },
    "ReplicationController represents the configuration of a replication controller.",
    {"group":"","version":"v1","kind":"ReplicationController"},
  ),
  [core.ReplicationControllerList]: listOf(core.ReplicationController, "ReplicationControllerList is a collection of replication controllers.", {"group":"","version":"v1","kind":"ReplicationControllerList"}),
  [core.ReplicationControllerSpec]: object(
    {
      minReadySeconds: int32("Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available."),
      replicas: int32("Replicas is the number of desired replicas."),
      selector: mapOf(string(), "Selector is a label query over pods that should match the Replicas count."),
      template: ref(core.PodTemplateSpec),
    },
    { description: "ReplicationControllerSpec is the specification of a replication controller." },
  ),
  [core.ReplicationControllerStatus]: object(
    {
      availableReplicas: int32("The number of available replicas (ready for at least minReadySeconds) for this replication controller."),
      conditions: mergeList(ref(core.ReplicationControllerCondition), "type", "Represents the latest available observations of a replication controller's current state."),
      fullyLabeledReplicas: int32("The number of pods that have labels matching the labels of the pod template of the replication controller."),
      observedGeneration: int64("ObservedGeneration reflects the generation of the most recently observed replication controller."),
      readyReplicas: int32("The number of ready replicas for this replication controller."),
      replicas: int32("Replicas is the most recently observed number of replicas."),
    },
    { description: "ReplicationControllerStatus represents the current status of a replication controller.", required: ["replicas"] },
  ),
  [core.ReplicationControllerCondition]: object(
    {
      lastTransitionTime: time("The last time the condition transitioned from one status to another."),
      message: string("A human readable message indicating details about the transition."),
      reason: string("The reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of replication controller condition."),
    },
    { description: "ReplicationControllerCondition describes the state of a replication controller at a certain point.", required: ["status","type"] },
  ),
};
