// TypeScript shapes of core/v1 config types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { LocalObjectReference, ObjectReference } from "./reference-types.js";

/** ConfigMap holds configuration data for pods to consume. */
export interface ConfigMap extends KubeObject {
  apiVersion?: "v1";
  kind?: "ConfigMap";
  metadata: ObjectMeta;
  binaryData?: Record<string, string>;
  data?: Record<string, string>;
  immutable?: boolean;
}

/** Secret holds secret data of a certain type. */
export interface Secret extends KubeObject {
  apiVersion?: "v1";
  kind?: "Secret";
  metadata: ObjectMeta;
  data?: Record<string, string>;
  immutable?: boolean;
  stringData?: Record<string, string>;
  type?: string;
}

/** ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets */
export interface ServiceAccount extends KubeObject {
  apiVersion?: "v1";
  kind?: "ServiceAccount";
  metadata: ObjectMeta;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: LocalObjectReference[];
  secrets?: ObjectReference[];
}
