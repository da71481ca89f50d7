// Schemas of core/v1 scheduling types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, ref, object, arrayOf, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const schedulingDefinitions: Definitions = {
  [core.Affinity]: object(
    {
      nodeAffinity: ref(core.NodeAffinity),
      podAffinity: ref(core.PodAffinity),
      podAntiAffinity: ref(core.PodAntiAffinity),
    },
    { description: "Affinity is a group of affinity scheduling rules." },
  ),
  [core.Toleration]: object(
    {
      effect: string("Effect indicates the taint effect to match."),
      key: string("Key is the taint key that the toleration applies to."),
      operator: string("Operator represents a key's relationship to the value."),
      tolerationSeconds: int64("TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint."),
      value: string("Value is the taint value the toleration matches to."),
    },
    { description: "The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>." },
  ),
  [core.TopologySpreadConstraint]: object(
    {
      labelSelector: ref(meta.LabelSelector),
      matchLabelKeys: arrayOf(string(), "MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated."),
      maxSkew: int32("MaxSkew describes the degree to which pods may be unevenly distributed."),
      minDomains: int32("MinDomains indicates a minimum number of eligible domains."),
      nodeAffinityPolicy: string("NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew."),
      nodeTaintsPolicy: string("NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew."),
      topologyKey: string("TopologyKey is the key of node labels. Nodes that have a label with this key and identical values are considered to be in the same topology."),
      whenUnsatisfiable: string("WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint."),
    },
    { description: "TopologySpreadConstraint specifies how to spread matching pods among the given topology.", required: ["maxSkew","topologyKey","whenUnsatisfiable"] },
  ),
  [core.PodAffinity]: object(
    {
      preferredDuringSchedulingIgnoredDuringExecution: arrayOf(ref(core.WeightedPodAffinityTerm), "The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions."),
      requiredDuringSchedulingIgnoredDuringExecution: arrayOf(ref(core.PodAffinityTerm), "If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node."),
    },
    { description: "Pod affinity is a group of inter pod affinity scheduling rules." },
  ),
  [core.PodAntiAffinity]: object(
    {
      preferredDuringSchedulingIgnoredDuringExecution: arrayOf(ref(core.WeightedPodAffinityTerm), "The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions."),
      requiredDuringSchedulingIgnoredDuringExecution: arrayOf(ref(core.PodAffinityTerm), "If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node."),
    },
    { description: "Pod anti affinity is a group of inter pod anti affinity scheduling rules." },
  ),
  [core.PreferredSchedulingTerm]: object(
    {
      preference: ref(core.NodeSelectorTerm),
      weight: int32("Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100."),
    },
    { description: "An empty preferred scheduling term matches all objects with implicit weight 0 (i.e.", required: ["preference","weight"] },
  ),
  [core.WeightedPodAffinityTerm]: object(
    {
      podAffinityTerm: ref(core.PodAffinityTerm),
      weight: int32("weight associated with matching the corresponding podAffinityTerm, in the range 1-100."),
    },
    { description: "The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)", required: ["podAffinityTerm","weight"] },
  ),
  [core.PodAffinityTerm]: object(
    {
      labelSelector: ref(meta.LabelSelector),
      matchLabelKeys: arrayOf(string(), "MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration."),
      mismatchLabelKeys: arrayOf(string(), "MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration."),
      namespaces: arrayOf(string(), "namespaces specifies a static list of namespace names that the term applies to."),
      namespaceSelector: ref(meta.LabelSelector),
      topologyKey: string("This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running."),
    },
    { description: "Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-located is defined as running on a node whose value of the label with key <topologyKey> matches that of any node on which…", required: ["topologyKey"] },
  ),
};
