// Schemas of io.k8s.api.policy.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { ref, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const evictionDefinitions: Definitions = {
  [n.Eviction]: topLevel(
    {
      deleteOptions: ref(meta.DeleteOptions, "DeleteOptions may be provided"),
    },
    "Eviction evicts a pod from its node subject to certain policies and safety constraints.",
    {"group":"policy","version":"v1","kind":"Eviction"},
  ),
};
