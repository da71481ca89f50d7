// TypeScript shapes of core/v1 PersistentVolume and PersistentVolumeClaim (the fields k8ts uses).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { LabelSelector } from "../../meta/v1/index.js";

export type ResourceList = Record<string, string>;

export interface ObjectReferenceLite {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface NodeSelectorLite {
  nodeSelectorTerms: { matchExpressions?: { key: string; operator: string; values?: string[] }[]; matchFields?: { key: string; operator: string; values?: string[] }[] }[];
}

export interface PersistentVolumeSpec {
  capacity?: ResourceList;
  accessModes?: string[];
  claimRef?: ObjectReferenceLite;
  persistentVolumeReclaimPolicy?: "Retain" | "Delete" | "Recycle";
  storageClassName?: string;
  mountOptions?: string[];
  volumeMode?: "Filesystem" | "Block";
  nodeAffinity?: { required?: NodeSelectorLite };
  hostPath?: { path: string; type?: string };
  local?: { path: string; fsType?: string };
  nfs?: { server: string; path: string; readOnly?: boolean };
  csi?: { driver: string; volumeHandle: string; readOnly?: boolean; fsType?: string; volumeAttributes?: Record<string, string> };
  [source: string]: unknown;
}

export interface PersistentVolume extends KubeObject {
  metadata: ObjectMeta;
  spec?: PersistentVolumeSpec;
  status?: { phase?: "Pending" | "Available" | "Bound" | "Released" | "Failed"; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface PersistentVolumeClaimSpec {
  accessModes?: string[];
  selector?: LabelSelector;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  volumeName?: string;
  storageClassName?: string;
  volumeMode?: "Filesystem" | "Block";
  dataSource?: unknown;
  dataSourceRef?: unknown;
  volumeAttributesClassName?: string;
}

export interface PersistentVolumeClaim extends KubeObject {
  metadata: ObjectMeta;
  spec?: PersistentVolumeClaimSpec;
  status?: { phase?: "Pending" | "Bound" | "Lost"; accessModes?: string[]; capacity?: ResourceList; conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[] };
}
