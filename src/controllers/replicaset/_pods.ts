// Pod helpers the replica controllers share (pkg/api/v1/pod/util.go, pkg/controller/controller_utils.go).
import type { OwnerReference, Pod, PodTemplateSpec } from "../../api/index.js";

/** IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

/** Being deleted but not yet in a terminal phase (counted as terminatingReplicas). */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed";
}

export function podReadyCondition(pod: Pod): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === "True";
}

/**
 * IsPodAvailable: ready, and ready for longer than minReadySeconds (strictly, as
 * upstream's `LastTransitionTime.Add(minReady).Before(now)`).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = podReadyCondition(pod);
  if (ready?.status !== "True") return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < nowMs;
}

/** When a ready pod becomes available (ms since epoch), or undefined if it is not ready or has no transition time. */
export function availableAtMs(pod: Pod, minReadySeconds: number): number | undefined {
  const ready = podReadyCondition(pod);
  if (ready?.status !== "True" || !ready.lastTransitionTime) return undefined;
  const since = Date.parse(ready.lastTransitionTime);
  return Number.isNaN(since) ? undefined : since + minReadySeconds * 1000;
}

export function controllerRefOf(obj: { metadata: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The pod a controller creates from its template (GetPodFromTemplate). */
export function podFromTemplate(template: PodTemplateSpec, options: { ownerName: string; namespace: string; controllerRef: OwnerReference }): Pod {
  const meta = template.metadata ?? {};
  // getPodsPrefix: "<name>-" unless that is no longer a valid generateName.
  const prefix = options.ownerName.length + 1 > 253 ? options.ownerName : `${options.ownerName}-`;
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName: prefix, namespace: options.namespace, ownerReferences: [options.controllerRef] },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
  if (meta.labels && Object.keys(meta.labels).length) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/** metav1.Time as the API writes it (seconds precision). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
