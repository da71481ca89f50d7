// The stable identity of a StatefulSet's pods and their claims, as upstream's
// pkg/controller/statefulset/stateful_set_utils.go: names `<set>-<ordinal>`, the
// pod-name and pod-index labels, hostname and subdomain, the volumes of the claim
// templates (`<template>-<set>-<ordinal>`), and the revision label.
import type { OwnerReference, Pod, PodTemplateSpec, StatefulSet, Volume } from "../../api/index.js";

export const podNameLabel = "statefulset.kubernetes.io/pod-name";
export const podIndexLabel = "apps.kubernetes.io/pod-index";
/** The pod label naming its ControllerRevision (apps.ControllerRevisionHashLabelKey). */
export const revisionLabel = "controller-revision-hash";

const ordinalName = /^(.*)-([0-9]+)$/;

/** The parent's name and the ordinal from a pod name; ordinal -1 when the name has none. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = ordinalName.exec(pod.metadata.name ?? "");
  if (!m) return { parent: "", ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) && ordinal <= 2 ** 31 - 1 ? { parent: m[1] ?? "", ordinal } : { parent: "", ordinal: -1 };
}

export const ordinalOf = (pod: Pod): number => parentAndOrdinal(pod).ordinal;

export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;

/** The pod's name says it belongs to `set` (isMemberOf). */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

/** The first ordinal (spec.ordinals.start, default 0). */
export const startOrdinal = (set: StatefulSet): number => set.spec?.ordinals?.start ?? 0;

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[podNameLabel] === pod.metadata.name &&
    pod.metadata.labels?.[podIndexLabel] === String(ordinal)
  );
}

/** The labels updateIdentity sets on an existing pod. */
export function identityLabels(pod: Pod): Record<string, string> {
  return { [podNameLabel]: pod.metadata.name ?? "", [podIndexLabel]: String(ordinalOf(pod)) };
}

/** The pod's volumes with one per claim template pointing at its claim (updateStorage). */
export function volumesWithClaims(set: StatefulSet, ordinal: number, volumes: readonly Volume[] = []): Volume[] {
  const templates = set.spec?.volumeClaimTemplates ?? [];
  const claimed = new Set(templates.map((t) => t.metadata?.name ?? ""));
  const out: Volume[] = templates.map((t) => ({
    name: t.metadata?.name ?? "",
    persistentVolumeClaim: { claimName: claimName(set, t.metadata?.name ?? "", ordinal) },
  }));
  for (const v of volumes) if (!claimed.has(v.name)) out.push(v);
  return out;
}

/** The pod of `ordinal` from `template` (newStatefulSetPod + initIdentity + updateStorage + setPodRevision). */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revision: string): Pod {
  const name = podName(set, ordinal);
  const ref: OwnerReference = { apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name ?? "", uid: set.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
  const spec = structuredClone(template.spec ?? { containers: [] });
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  if ((set.spec?.volumeClaimTemplates ?? []).length > 0) spec.volumes = volumesWithClaims(set, ordinal, spec.volumes);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [podNameLabel]: name, [podIndexLabel]: String(ordinal), [revisionLabel]: revision },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [ref],
    },
    spec,
  };
}

/** A claim of `set` for the pod of `ordinal` (getPersistentVolumeClaims), with the retention owner reference. */
export function claimsFor(set: StatefulSet, ordinal: number): Record<string, unknown>[] {
  const matchLabels = set.spec?.selector?.matchLabels ?? {};
  const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete";
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const meta = t.metadata ?? {};
    return {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: claimName(set, meta.name ?? "", ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(meta.labels ?? {}), ...matchLabels },
        ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
        ...(deleteWithSet ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }] } : {}),
      },
      spec: structuredClone(t.spec ?? {}),
    };
  });
}
