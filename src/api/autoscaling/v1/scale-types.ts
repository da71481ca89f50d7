// TypeScript shapes of io.k8s.api.autoscaling.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";

/** Scale represents a scaling request for a resource. */
export interface Scale extends KubeObject {
  metadata: ObjectMeta;
  spec?: ScaleSpec;
  status?: ScaleStatus;
}

/** ScaleSpec describes the attributes of a scale subresource. */
export interface ScaleSpec {
  replicas?: number;
}

/** ScaleStatus represents the current status of a scale subresource. */
export interface ScaleStatus {
  replicas: number;
  selector?: string;
}
