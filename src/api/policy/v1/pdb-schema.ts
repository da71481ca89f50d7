// Schemas of io.k8s.api.policy.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, ref, object, mapOf, mergeList, time, intOrString, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const pdbDefinitions: Definitions = {
  [n.PodDisruptionBudget]: topLevel(
    {
      spec: ref(n.PodDisruptionBudgetSpec, "Specification of the desired behavior of the PodDisruptionBudget."),
      status: ref(n.PodDisruptionBudgetStatus, "Most recently observed status of the PodDisruptionBudget."),
    },
    "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods",
    {"group":"policy","version":"v1","kind":"PodDisruptionBudget"},
  ),
  [n.PodDisruptionBudgetList]: listOf(n.PodDisruptionBudget, "PodDisruptionBudgetList is a collection of PodDisruptionBudgets.", {"group":"policy","version":"v1","kind":"PodDisruptionBudgetList"}),
  [n.PodDisruptionBudgetSpec]: object(
    {
      maxUnavailable: intOrString("An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction, i.e. even in absence of the evicted pod."),
      minAvailable: intOrString("An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction, i.e. even in the absence of the evicted pod."),
      selector: { ...ref(meta.LabelSelector, "Label query over pods whose evictions are managed by the disruption budget."), "x-kubernetes-patch-strategy": "replace" },
      unhealthyPodEvictionPolicy: string("UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction."),
    },
    { description: "PodDisruptionBudgetSpec is a description of a PodDisruptionBudget." },
  ),
  [n.PodDisruptionBudgetStatus]: object(
    {
      conditions: mergeList(ref(meta.Condition), "type", "Conditions contain conditions for PDB. The disruption controller sets the DisruptionAllowed condition."),
      currentHealthy: int32("current number of healthy pods"),
      desiredHealthy: int32("minimum desired number of healthy pods"),
      disruptedPods: mapOf(time(), "DisruptedPods contains information about pods whose eviction was processed by the API server eviction subresource handler but has not yet been observed by the PodDisruptionBudget controller."),
      disruptionsAllowed: int32("Number of pod disruptions that are currently allowed."),
      expectedPods: int32("total number of pods counted by this disruption budget"),
      observedGeneration: int64("Most recent generation observed when updating this PDB status."),
    },
    { description: "PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget.", required: ["currentHealthy","desiredHealthy","disruptionsAllowed","expectedPods"] },
  ),
};
