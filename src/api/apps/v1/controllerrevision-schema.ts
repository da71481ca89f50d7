// Schemas of io.k8s.api.apps.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { int64, ref, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const controllerrevisionDefinitions: Definitions = {
  [n.ControllerRevision]: withRequired(topLevel(
    {
      data: ref(meta.RawExtension, "Data is the serialized representation of the state."),
      revision: int64("Revision indicates the revision of the state represented by Data."),
    },
    "ControllerRevision implements an immutable snapshot of state data.",
    {"group":"apps","version":"v1","kind":"ControllerRevision"},
  ), ["revision"]),
  [n.ControllerRevisionList]: listOf(n.ControllerRevision, "ControllerRevisionList is a resource containing a list of ControllerRevision objects.", {"group":"apps","version":"v1","kind":"ControllerRevisionList"}),
};
