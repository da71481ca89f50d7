// TypeScript shapes of core/v1 reference types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { DeleteOptions } from "./_meta-types.js";

/** Binding ties one object to another; for example, a pod is bound to a node by a scheduler. */
export interface Binding extends KubeObject {
  apiVersion?: "v1";
  kind?: "Binding";
  metadata: ObjectMeta;
  target: ObjectReference;
}

/** Eviction evicts a pod from its node subject to certain policies and safety constraints. */
export interface Eviction extends KubeObject {
  apiVersion?: "policy/v1";
  kind?: "Eviction";
  metadata: ObjectMeta;
  deleteOptions?: DeleteOptions;
}

/** LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace. */
export interface LocalObjectReference {
  name?: string;
}

/** ObjectReference contains enough information to let you inspect or modify the referred object. */
export interface ObjectReference {
  apiVersion?: string;
  fieldPath?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
}

/** TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace. */
export interface TypedLocalObjectReference {
  apiGroup?: string;
  kind: string;
  name: string;
}

/** TypedObjectReference contains enough information to let you locate the typed referenced object */
export interface TypedObjectReference {
  apiGroup?: string;
  kind: string;
  name: string;
  namespace?: string;
}
