// Schemas of io.k8s.api.apps.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, ref, object, mergeList, time, intOrString, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const daemonsetDefinitions: Definitions = {
  [n.DaemonSet]: topLevel(
    {
      spec: ref(n.DaemonSetSpec, "The desired behavior of this daemon set."),
      status: ref(n.DaemonSetStatus, "The current status of this daemon set."),
    },
    "DaemonSet represents the configuration of a daemon set.",
    {"group":"apps","version":"v1","kind":"DaemonSet"},
  ),
  [n.DaemonSetList]: listOf(n.DaemonSet, "DaemonSetList is a collection of daemon sets.", {"group":"apps","version":"v1","kind":"DaemonSetList"}),
  [n.DaemonSetSpec]: object(
    {
      minReadySeconds: int32("The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)."),
      revisionHistoryLimit: int32("The number of old history to retain to allow rollback. Defaults to 10."),
      selector: ref(meta.LabelSelector, "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels."),
      template: ref(core.PodTemplateSpec, "An object that describes the pod that will be created. The only allowed template.spec.restartPolicy value is \"Always\"."),
      updateStrategy: ref(n.DaemonSetUpdateStrategy, "An update strategy to replace existing DaemonSet pods with new pods."),
    },
    { description: "DaemonSetSpec is the specification of a daemon set.", required: ["selector","template"] },
  ),
  [n.DaemonSetStatus]: object(
    {
      collisionCount: int32("Count of hash collisions for the DaemonSet."),
      conditions: mergeList(ref(n.DaemonSetCondition), "type", "Represents the latest available observations of a DaemonSet's current state."),
      currentNumberScheduled: int32("The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
      desiredNumberScheduled: int32("The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
      numberAvailable: int32("The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
      numberMisscheduled: int32("The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod."),
      numberReady: int32("numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
      numberUnavailable: int32("The number of nodes that should be running the daemon pod and have none of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
      observedGeneration: int64("The most recent generation observed by the daemon set controller."),
      updatedNumberScheduled: int32("The total number of nodes that are running updated daemon pod"),
    },
    { description: "DaemonSetStatus represents the current status of a daemon set.", required: ["currentNumberScheduled","desiredNumberScheduled","numberMisscheduled","numberReady"] },
  ),
  [n.DaemonSetCondition]: object(
    {
      lastTransitionTime: time("Last time the condition transitioned from one status to another."),
      message: string("A human readable message indicating details about the transition."),
      reason: string("The reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of DaemonSet condition."),
    },
    { description: "DaemonSetCondition describes the state of a DaemonSet at a certain point.", required: ["status","type"] },
  ),
  [n.DaemonSetUpdateStrategy]: object(
    {
      rollingUpdate: ref(n.RollingUpdateDaemonSet, "Rolling update config params. Present only if type = \"RollingUpdate\"."),
      type: string("Type of daemon set update. Can be \"RollingUpdate\" or \"OnDelete\"."),
    },
    { description: "DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet." },
  ),
  [n.RollingUpdateDaemonSet]: object(
    {
      maxSurge: intOrString("The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update. Defaults to 0."),
      maxUnavailable: intOrString("The maximum number of DaemonSet pods that can be unavailable during the update. Defaults to 1."),
    },
    { description: "Spec to control the desired behavior of daemon set rolling update." },
  ),
};
