// Schemas of io.k8s.api.autoscaling.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, int64, ref, object, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const hpaDefinitions: Definitions = {
  [n.HorizontalPodAutoscaler]: topLevel(
    {
      spec: ref(n.HorizontalPodAutoscalerSpec, "spec defines the behaviour of autoscaler."),
      status: ref(n.HorizontalPodAutoscalerStatus, "status is the current information about the autoscaler."),
    },
    "configuration of a horizontal pod autoscaler.",
    {"group":"autoscaling","version":"v1","kind":"HorizontalPodAutoscaler"},
  ),
  [n.HorizontalPodAutoscalerList]: listOf(n.HorizontalPodAutoscaler, "list of horizontal pod autoscaler objects.", {"group":"autoscaling","version":"v1","kind":"HorizontalPodAutoscalerList"}),
  [n.HorizontalPodAutoscalerSpec]: object(
    {
      maxReplicas: int32("maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas."),
      minReplicas: int32("minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
      scaleTargetRef: ref(n.CrossVersionObjectReference, "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
      targetCPUUtilizationPercentage: int32("targetCPUUtilizationPercentage is the target average CPU utilization (represented as a percentage of requested CPU) over all the pods; if not specified the default autoscaling policy will be used."),
    },
    { description: "specification of a horizontal pod autoscaler.", required: ["maxReplicas","scaleTargetRef"] },
  ),
  [n.HorizontalPodAutoscalerStatus]: object(
    {
      currentCPUUtilizationPercentage: int32("currentCPUUtilizationPercentage is the current average CPU utilization over all pods, represented as a percentage of requested CPU, e.g."),
      currentReplicas: int32("currentReplicas is the current number of replicas of pods managed by this autoscaler."),
      desiredReplicas: int32("desiredReplicas is the desired number of replicas of pods managed by this autoscaler."),
      lastScaleTime: time("lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods; used by the autoscaler to control how often the number of pods is changed."),
      observedGeneration: int64("observedGeneration is the most recent generation observed by this autoscaler."),
    },
    { description: "current status of a horizontal pod autoscaler", required: ["currentReplicas","desiredReplicas"] },
  ),
  [n.CrossVersionObjectReference]: object(
    {
      apiVersion: string("apiVersion is the API version of the referent"),
      kind: string("kind is the kind of the referent; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
      name: string("name is the name of the referent; More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
    },
    { description: "CrossVersionObjectReference contains enough information to let you identify the referred resource.", required: ["kind","name"] },
  ),
};
