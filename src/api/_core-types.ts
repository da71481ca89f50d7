// The core/v1 shapes the other groups' interfaces use, from core/v1; and IntOrString.
import type { ObjectMeta } from "./object.js";

export type { PodTemplateSpec, PodSpec, ObjectReference, EventSource } from "./core/v1/index.js";

/** An int32 or a string such as "25%" (intstr.IntOrString). */
export type IntOrString = number | string;

/**
 * StatefulSet volumeClaimTemplates items. TODO(core/v1): core/v1 defines no
 * PersistentVolumeClaim type or `io.k8s.api.core.v1.PersistentVolumeClaim` schema yet.
 */
export interface PersistentVolumeClaim {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
