// TypeScript shapes of core/v1 namespace types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";

/** Namespace provides a scope for Names. Use of multiple namespaces is optional. */
export interface Namespace extends KubeObject {
  apiVersion?: "v1";
  kind?: "Namespace";
  metadata: ObjectMeta;
  spec?: NamespaceSpec;
  status?: NamespaceStatus;
}

/** NamespaceSpec describes the attributes on a Namespace. */
export interface NamespaceSpec {
  finalizers?: string[];
}

/** NamespaceStatus is information about the current status of a Namespace. */
export interface NamespaceStatus {
  conditions?: NamespaceCondition[];
  phase?: string;
}

/** NamespaceCondition contains details about state of namespace. */
export interface NamespaceCondition {
  lastTransitionTime?: string;
  message?: string;
  reason?: string;
  status: string;
  type: string;
}
