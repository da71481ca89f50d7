// Schemas of io.k8s.api.scheduling.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields as upstream; descriptions cut to their first sentence.
import { string, int32, boolean, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const priorityClassDefinitions: Definitions = {
  [n.PriorityClass]: withRequired(
    topLevel(
      {
        description: string("description is an arbitrary string that usually provides guidelines on when this priority class should be used."),
        globalDefault: boolean("globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
        preemptionPolicy: string("preemptionPolicy is the Policy for preempting pods with lower priority."),
        value: int32("value represents the integer value of this priority class."),
      },
      "PriorityClass defines mapping from a priority class name to the priority integer value.",
      { group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass" },
    ),
    ["value"],
  ),
  [n.PriorityClassList]: listOf(n.PriorityClass, "PriorityClassList is a collection of priority classes.", { group: "scheduling.k8s.io", version: "v1", kind: "PriorityClassList" }),
};
