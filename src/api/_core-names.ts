// The core/v1 definitions the other groups refer to by name; core/v1 defines them.
const p = "io.k8s.api.core.v1.";

export const core = {
  PodTemplateSpec: p + "PodTemplateSpec",
  PersistentVolumeClaim: p + "PersistentVolumeClaim",
  ObjectReference: p + "ObjectReference",
  EventSource: p + "EventSource",
} as const;
