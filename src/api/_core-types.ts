// The few core/v1 shapes the other groups' interfaces use, reduced to what they read. Structural, so
// core/v1's full types are assignable to them. TODO: re-export core/v1's own once its index.ts names them.
import type { ObjectMeta } from "./object.js";

/** An int32 or a string such as "25%" (intstr.IntOrString). */
export type IntOrString = number | string;

export interface ContainerShape {
  name: string;
  image?: string;
}

export interface PodSpecShape {
  containers: ContainerShape[];
  initContainers?: ContainerShape[];
  restartPolicy?: string;
  nodeSelector?: Record<string, string>;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpecShape;
}

export interface ObjectReference {
  apiVersion?: string;
  fieldPath?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
}

export interface EventSource {
  component?: string;
  host?: string;
}

export interface PersistentVolumeClaim {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
