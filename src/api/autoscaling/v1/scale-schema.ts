// Schemas of io.k8s.api.autoscaling.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, ref, object, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const scaleDefinitions: Definitions = {
  [n.Scale]: topLevel(
    {
      spec: ref(n.ScaleSpec, "spec defines the behavior of the scale."),
      status: ref(n.ScaleStatus, "status is the current status of the scale."),
    },
    "Scale represents a scaling request for a resource.",
    {"group":"autoscaling","version":"v1","kind":"Scale"},
  ),
  [n.ScaleSpec]: object(
    {
      replicas: int32("replicas is the desired number of instances for the scaled object."),
    },
    { description: "ScaleSpec describes the attributes of a scale subresource." },
  ),
  [n.ScaleStatus]: object(
    {
      replicas: int32("replicas is the actual number of observed instances of the scaled object."),
      selector: string("selector is the label query over pods that should match the replicas count."),
    },
    { description: "ScaleStatus represents the current status of a scale subresource.", required: ["replicas"] },
  ),
};
