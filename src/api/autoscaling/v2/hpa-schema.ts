// Schemas of io.k8s.api.autoscaling.v2 types, after upstream's OpenAPI (staging/src/k8s.io/api/autoscaling/v2/types.go):
// field names, types, required fields and list types as upstream; descriptions cut to their first sentence.
import { arrayOf, int32, int64, labelSelector, object, quantity, ref, string, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const gvk = (kind: string) => ({ group: "autoscaling", version: "v2", kind });

export const hpaV2Definitions: Definitions = {
  [n.HorizontalPodAutoscaler]: topLevel(
    {
      spec: ref(n.HorizontalPodAutoscalerSpec, "spec is the specification for the behaviour of the autoscaler."),
      status: ref(n.HorizontalPodAutoscalerStatus, "status is the current information about the autoscaler."),
    },
    "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.",
    gvk("HorizontalPodAutoscaler"),
  ),
  [n.HorizontalPodAutoscalerList]: listOf(n.HorizontalPodAutoscaler, "HorizontalPodAutoscalerList is a list of horizontal pod autoscaler objects.", gvk("HorizontalPodAutoscalerList")),
  [n.HorizontalPodAutoscalerSpec]: object(
    {
      behavior: ref(n.HorizontalPodAutoscalerBehavior, "behavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively)."),
      maxReplicas: int32("maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
      metrics: arrayOf(ref(n.MetricSpec), "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).", { "x-kubernetes-list-type": "atomic" }),
      minReplicas: int32("minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
      scaleTargetRef: ref(n.CrossVersionObjectReference, "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
    },
    { description: "HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.", required: ["scaleTargetRef", "maxReplicas"] },
  ),
  [n.HorizontalPodAutoscalerBehavior]: object(
    {
      scaleDown: ref(n.HPAScalingRules, "scaleDown is scaling policy for scaling Down."),
      scaleUp: ref(n.HPAScalingRules, "scaleUp is scaling policy for scaling Up."),
    },
    { description: "HorizontalPodAutoscalerBehavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively)." },
  ),
  [n.HPAScalingRules]: object(
    {
      policies: arrayOf(ref(n.HPAScalingPolicy), "policies is a list of potential scaling polices which can be used during scaling.", { "x-kubernetes-list-type": "atomic" }),
      selectPolicy: string("selectPolicy is used to specify which policy should be used."),
      stabilizationWindowSeconds: int32("stabilizationWindowSeconds is the number of seconds for which past recommendations should be considered while scaling up or scaling down."),
      tolerance: quantity("tolerance is the tolerance on the ratio between the current and desired metric value under which no updates are made to the desired number of replicas (e.g."),
    },
    { description: "HPAScalingRules configures the scaling behavior for one direction via scaling Policy Rules and a configurable metric tolerance." },
  ),
  [n.HPAScalingPolicy]: object(
    {
      periodSeconds: int32("periodSeconds specifies the window of time for which the policy should hold true."),
      type: string("type is used to specify the scaling policy."),
      value: int32("value contains the amount of change which is permitted by the policy."),
    },
    { description: "HPAScalingPolicy is a single policy which must hold true for a specified past interval.", required: ["type", "value", "periodSeconds"] },
  ),
  [n.CrossVersionObjectReference]: object(
    {
      apiVersion: string("apiVersion is the API version of the referent"),
      kind: string("kind is the kind of the referent; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
      name: string("name is the name of the referent; More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
    },
    { description: "CrossVersionObjectReference contains enough information to let you identify the referred resource.", required: ["kind", "name"] },
  ),
  [n.MetricSpec]: object(
    {
      containerResource: ref(n.ContainerResourceMetricSource, "containerResource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod of the current scale target (e.g."),
      external: ref(n.ExternalMetricSource, "external refers to a global metric that is not associated with any Kubernetes object."),
      object: ref(n.ObjectMetricSource, "object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object)."),
      pods: ref(n.PodsMetricSource, "pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second)."),
      resource: ref(n.ResourceMetricSource, "resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing each pod in the current scale target (e.g."),
      type: string("type is the type of metric source."),
    },
    { description: "MetricSpec specifies how to scale based on a single metric (only `type` and one other matching field should be set at once).", required: ["type"] },
  ),
  [n.MetricTarget]: object(
    {
      averageUtilization: int32("averageUtilization is the target value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods."),
      averageValue: quantity("averageValue is the target value of the average of the metric across all relevant pods (as a quantity)"),
      type: string("type represents whether the metric type is Utilization, Value, or AverageValue"),
      value: quantity("value is the target value of the metric (as a quantity)."),
    },
    { description: "MetricTarget defines the target value, average value, or average utilization of a specific metric", required: ["type"] },
  ),
  [n.MetricValueStatus]: object(
    {
      averageUtilization: int32("currentAverageUtilization is the current value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods."),
      averageValue: quantity("averageValue is the current value of the average of the metric across all relevant pods (as a quantity)"),
      value: quantity("value is the current value of the metric (as a quantity)."),
    },
    { description: "MetricValueStatus holds the current value for a metric" },
  ),
  [n.MetricIdentifier]: object(
    { name: string("name is the name of the given metric"), selector: labelSelector("selector is the string-encoded form of a standard kubernetes label selector for the given metric When set, it is passed as an additional parameter to the metrics server for more specific metrics scoping.") },
    { description: "MetricIdentifier defines the name and optionally selector for a metric", required: ["name"] },
  ),
  [n.ResourceMetricSource]: object(
    { name: string("name is the name of the resource in question."), target: ref(n.MetricTarget, "target specifies the target value for the given metric") },
    { description: "ResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g.", required: ["name", "target"] },
  ),
  [n.ContainerResourceMetricSource]: object(
    { container: string("container is the name of the container in the pods of the scaling target"), name: string("name is the name of the resource in question."), target: ref(n.MetricTarget, "target specifies the target value for the given metric") },
    { description: "ContainerResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g.", required: ["name", "target", "container"] },
  ),
  [n.PodsMetricSource]: object(
    { metric: ref(n.MetricIdentifier, "metric identifies the target metric by name and selector"), target: ref(n.MetricTarget, "target specifies the target value for the given metric") },
    { description: "PodsMetricSource indicates how to scale on a metric describing each pod in the current scale target (for example, transactions-processed-per-second).", required: ["metric", "target"] },
  ),
  [n.ObjectMetricSource]: object(
    {
      describedObject: ref(n.CrossVersionObjectReference, "describedObject specifies the descriptions of a object,such as kind,name apiVersion"),
      metric: ref(n.MetricIdentifier, "metric identifies the target metric by name and selector"),
      target: ref(n.MetricTarget, "target specifies the target value for the given metric"),
    },
    { description: "ObjectMetricSource indicates how to scale on a metric describing a kubernetes object (for example, hits-per-second on an Ingress object).", required: ["describedObject", "target", "metric"] },
  ),
  [n.ExternalMetricSource]: object(
    { metric: ref(n.MetricIdentifier, "metric identifies the target metric by name and selector"), target: ref(n.MetricTarget, "target specifies the target value for the given metric") },
    { description: "ExternalMetricSource indicates how to scale on a metric not associated with any Kubernetes object (for example length of queue in cloud messaging service, or QPS from loadbalancer running outside of cluster).", required: ["metric", "target"] },
  ),
  [n.HorizontalPodAutoscalerStatus]: object(
    {
      conditions: arrayOf(ref(n.HorizontalPodAutoscalerCondition), "conditions is the set of conditions required for this autoscaler to scale its target, and indicates whether or not those conditions are met.", { "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge" }),
      currentMetrics: arrayOf(ref(n.MetricStatus), "currentMetrics is the last read state of the metrics used by this autoscaler.", { "x-kubernetes-list-type": "atomic" }),
      currentReplicas: int32("currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
      desiredReplicas: int32("desiredReplicas is the desired number of replicas of pods managed by this autoscaler, as last calculated by the autoscaler."),
      lastScaleTime: time("lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods, used by the autoscaler to control how often the number of pods is changed."),
      observedGeneration: int64("observedGeneration is the most recent generation observed by this autoscaler."),
    },
    { description: "HorizontalPodAutoscalerStatus describes the current status of a horizontal pod autoscaler.", required: ["desiredReplicas"] },
  ),
  [n.HorizontalPodAutoscalerCondition]: object(
    {
      lastTransitionTime: time("lastTransitionTime is the last time the condition transitioned from one status to another"),
      message: string("message is a human-readable explanation containing details about the transition"),
      reason: string("reason is the reason for the condition's last transition."),
      status: string("status is the status of the condition (True, False, Unknown)"),
      type: string("type describes the current condition"),
    },
    { description: "HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscaler at a certain point.", required: ["type", "status"] },
  ),
  [n.MetricStatus]: object(
    {
      containerResource: ref(n.ContainerResourceMetricStatus, "container resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing a single container in each pod in the current scale target (e.g."),
      external: ref(n.ExternalMetricStatus, "external refers to a global metric that is not associated with any Kubernetes object."),
      object: ref(n.ObjectMetricStatus, "object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object)."),
      pods: ref(n.PodsMetricStatus, "pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second)."),
      resource: ref(n.ResourceMetricStatus, "resource refers to a resource metric (such as those specified in requests and limits) known to Kubernetes describing each pod in the current scale target (e.g."),
      type: string("type is the type of metric source."),
    },
    { description: "MetricStatus describes the last-read state of a single metric.", required: ["type"] },
  ),
  [n.ResourceMetricStatus]: object(
    { current: ref(n.MetricValueStatus, "current contains the current value for the given metric"), name: string("name is the name of the resource in question.") },
    { description: "ResourceMetricStatus indicates the current value of a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g.", required: ["name", "current"] },
  ),
  [n.ContainerResourceMetricStatus]: object(
    { container: string("container is the name of the container in the pods of the scaling target"), current: ref(n.MetricValueStatus, "current contains the current value for the given metric"), name: string("name is the name of the resource in question.") },
    { description: "ContainerResourceMetricStatus indicates the current value of a resource metric known to Kubernetes, as specified in requests and limits, describing a single container in each pod in the current scale target (e.g.", required: ["name", "current", "container"] },
  ),
  [n.PodsMetricStatus]: object(
    { current: ref(n.MetricValueStatus, "current contains the current value for the given metric"), metric: ref(n.MetricIdentifier, "metric identifies the target metric by name and selector") },
    { description: "PodsMetricStatus indicates the current value of a metric describing each pod in the current scale target (for example, transactions-processed-per-second).", required: ["metric", "current"] },
  ),
  [n.ObjectMetricStatus]: object(
    {
      current: ref(n.MetricValueStatus, "current contains the current value for the given metric"),
      describedObject: ref(n.CrossVersionObjectReference, "DescribedObject specifies the descriptions of a object,such as kind,name apiVersion"),
      metric: ref(n.MetricIdentifier, "metric identifies the target metric by name and selector"),
    },
    { description: "ObjectMetricStatus indicates the current value of a metric describing a kubernetes object (for example, hits-per-second on an Ingress object).", required: ["metric", "current", "describedObject"] },
  ),
  [n.ExternalMetricStatus]: object(
    { current: ref(n.MetricValueStatus, "current contains the current value for the given metric"), metric: ref(n.MetricIdentifier, "metric identifies the target metric by name and selector") },
    { description: "ExternalMetricStatus indicates the current value of a global metric not associated with any Kubernetes object.", required: ["metric", "current"] },
  ),
};
