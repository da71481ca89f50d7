// Schemas of core/v1 namespace types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, ref, object, arrayOf, mergeList, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const namespaceDefinitions: Definitions = {
  [core.Namespace]: topLevel(
    {
      spec: ref(core.NamespaceSpec),
      status: ref(core.NamespaceStatus),
    },
    "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    {"group":"","version":"v1","kind":"Namespace"},
  ),
  [core.NamespaceList]: listOf(core.Namespace, "NamespaceList is a list of Namespaces.", {"group":"","version":"v1","kind":"NamespaceList"}),
  [core.NamespaceSpec]: object(
    {
      finalizers: arrayOf(string(), "Finalizers is an opaque list of values that must be empty to permanently remove object from storage."),
    },
    { description: "NamespaceSpec describes the attributes on a Namespace." },
  ),
  [core.NamespaceStatus]: object(
    {
      conditions: mergeList(ref(core.NamespaceCondition), "type", "Represents the latest available observations of a namespace's current state."),
      phase: string("Phase is the current lifecycle phase of the namespace."),
    },
    { description: "NamespaceStatus is information about the current status of a Namespace." },
  ),
  [core.NamespaceCondition]: object(
    {
      lastTransitionTime: time("Last time the condition transitioned from one status to another."),
      message: string("Human-readable message indicating details about last transition."),
      reason: string("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of namespace controller condition."),
    },
    { description: "NamespaceCondition contains details about state of namespace.", required: ["status","type"] },
  ),
};
