// Schemas of core/v1 reference types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, ref, object, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const referenceDefinitions: Definitions = {
  [core.Binding]: { ...topLevel(
    {
      target: ref(core.ObjectReference),
    },
    "Binding ties one object to another; for example, a pod is bound to a node by a scheduler.",
    {"group":"","version":"v1","kind":"Binding"},
  ), required: ["target"] },
  [core.Eviction]: topLevel(
    {
      deleteOptions: ref(meta.DeleteOptions),
    },
    "Eviction evicts a pod from its node subject to certain policies and safety constraints.",
    {"group":"policy","version":"v1","kind":"Eviction"},
  ),
  [core.LocalObjectReference]: object(
    {
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
    },
    { description: "LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace." },
  ),
  [core.ObjectReference]: object(
    {
      apiVersion: string("API version of the referent."),
      fieldPath: string("If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
      kind: string("Kind of the referent."),
      name: string("Name of the referent."),
      namespace: string("Namespace of the referent."),
      resourceVersion: string("Specific resourceVersion to which this reference is made, if any."),
      uid: string("UID of the referent."),
    },
    { description: "ObjectReference contains enough information to let you inspect or modify the referred object." },
  ),
  [core.TypedLocalObjectReference]: object(
    {
      apiGroup: string("APIGroup is the group for the resource being referenced."),
      kind: string("Kind is the type of resource being referenced"),
      name: string("Name is the name of resource being referenced"),
    },
    { description: "TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.", required: ["kind","name"] },
  ),
  [core.TypedObjectReference]: object(
    {
      apiGroup: string("APIGroup is the group for the resource being referenced."),
      kind: string("Kind is the type of resource being referenced"),
      name: string("Name is the name of resource being referenced"),
      namespace: string("Namespace is the namespace of resource being referenced Note that when a namespace is specified, a gateway.networking.k8s.io/ReferenceGrant object is required in the referent namespace to allow that namespace's owner to accept the reference."),
    },
    { description: "TypedObjectReference contains enough information to let you locate the typed referenced object", required: ["kind","name"] },
  ),
};
