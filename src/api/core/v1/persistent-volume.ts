/**
 * The `persistentvolumes` and `persistentvolumeclaims` resources (pkg/registry/core/
 * persistentvolume(claim), pkg/apis/core/validation): defaults, the validation users meet
 * first (with upstream's messages), status subresources and kubectl's columns.
 */
import { fieldError, parseQuantity } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { persistentVolumeDefinitions, pv } from "./persistent-volume-schema.js";
import type { PersistentVolume, PersistentVolumeClaim } from "./persistent-volume-types.js";
import { validateName } from "./_validation-helpers.js";

const accessModes = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];
const volumeSources = ["hostPath", "local", "nfs", "csi", "gcePersistentDisk", "awsElasticBlockStore", "iscsi", "fc", "rbd", "cephfs", "cinder", "azureFile", "azureDisk", "vsphereVolume", "flexVolume", "portworxVolume", "glusterfs", "quobyte", "scaleIO", "storageos", "photonPersistentDisk", "flocker"];

/** kubectl's short form of access modes: RWO,ROX,RWX,RWOP. */
export function accessModesShort(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: "RWO", ReadOnlyMany: "ROX", ReadWriteMany: "RWX", ReadWriteOncePod: "RWOP" };
  return (modes ?? []).map((m) => short[m] ?? m).join(",");
}

export function defaultPersistentVolume(v: PersistentVolume): void {
  v.spec ??= {};
  v.spec.persistentVolumeReclaimPolicy ??= "Retain";
  v.spec.volumeMode ??= "Filesystem";
  if (v.spec.hostPath) v.spec.hostPath.type ??= "";
  v.status ??= {};
  v.status.phase ??= "Pending";
}

export function defaultPersistentVolumeClaim(c: PersistentVolumeClaim): void {
  c.spec ??= {};
  c.spec.volumeMode ??= "Filesystem";
  c.status ??= {};
  c.status.phase ??= "Pending";
}

function accessModeErrors(path: string, modes: string[] | undefined, requiredDetail?: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!modes || modes.length === 0) errs.push(fieldError.required(path, requiredDetail));
  for (const m of modes ?? []) if (!accessModes.includes(m)) errs.push(fieldError.notSupported(path, m, accessModes));
  if (modes?.includes("ReadWriteOncePod") && modes.length > 1) errs.push(fieldError.forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

function quantityErrors(path: string, q: string | undefined): FieldError[] {
  if (q === undefined) return [fieldError.required(path)];
  try {
    if (parseQuantity(q).sign <= 0) return [fieldError.invalid(path, q, "must be greater than zero")];
  } catch {
    return [fieldError.invalid(path, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")];
  }
  return [];
}

export function validatePersistentVolume(v: PersistentVolume, old: PersistentVolume | undefined): FieldError[] {
  const errs = validateName(v);
  const spec = v.spec ?? {};
  errs.push(...accessModeErrors("spec.accessModes", spec.accessModes));
  if (!spec.capacity || Object.keys(spec.capacity).length === 0) errs.push(fieldError.required("spec.capacity"));
  else if (spec.capacity.storage === undefined || Object.keys(spec.capacity).length !== 1) errs.push(fieldError.notSupported("spec.capacity", Object.keys(spec.capacity).filter((k) => k !== "storage")[0] ?? "", ["storage"]));
  else errs.push(...quantityErrors("spec.capacity.storage", spec.capacity.storage));
  const sources = volumeSources.filter((s) => spec[s] !== undefined);
  if (sources.length === 0) errs.push(fieldError.required("spec", "must specify a volume type"));
  if (sources.length > 1) errs.push(fieldError.forbidden(`spec.${sources[1]}`, "may not specify more than 1 volume type"));
  if (spec.hostPath && !spec.hostPath.path) errs.push(fieldError.required("spec.hostPath.path"));
  if (spec.local) {
    if (!spec.local.path) errs.push(fieldError.required("spec.local.path"));
    if (!spec.nodeAffinity?.required) errs.push(fieldError.required("spec.nodeAffinity", "Local volume requires node affinity"));
  }
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && !["Retain", "Delete", "Recycle"].includes(policy)) errs.push(fieldError.notSupported("spec.persistentVolumeReclaimPolicy", policy, ["Delete", "Recycle", "Retain"]));
  if (spec.volumeMode !== undefined && !["Filesystem", "Block"].includes(spec.volumeMode)) errs.push(fieldError.notSupported("spec.volumeMode", spec.volumeMode, ["Block", "Filesystem"]));
  if (old) {
    if (old.spec?.volumeMode !== spec.volumeMode) errs.push(fieldError.invalid("spec.volumeMode", spec.volumeMode, "field is immutable"));
    if (old.spec?.nodeAffinity && JSON.stringify(old.spec.nodeAffinity) !== JSON.stringify(spec.nodeAffinity)) errs.push(fieldError.invalid("spec.nodeAffinity", spec.nodeAffinity, "field is immutable"));
  }
  return errs;
}

export function validatePersistentVolumeClaim(c: PersistentVolumeClaim, old: PersistentVolumeClaim | undefined, subresource: string): FieldError[] {
  const errs = validateName(c);
  if (subresource === "status") return errs;
  const spec = c.spec ?? {};
  errs.push(...accessModeErrors("spec.accessModes", spec.accessModes, "at least 1 access mode is required"));
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(fieldError.required("spec.resources[storage]"));
  else errs.push(...quantityErrors("spec.resources[storage]", storage));
  if (spec.volumeMode !== undefined && !["Filesystem", "Block"].includes(spec.volumeMode)) errs.push(fieldError.notSupported("spec.volumeMode", spec.volumeMode, ["Block", "Filesystem"]));
  if (old) {
    // Only the requested size may change (and volumeName may be set once, by binding).
    const strip = (s: PersistentVolumeClaim["spec"]) => ({ ...s, resources: { ...s?.resources, requests: undefined }, volumeName: undefined, volumeAttributesClassName: undefined });
    if (JSON.stringify(strip(old.spec)) !== JSON.stringify(strip(spec))) {
      errs.push(fieldError.forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
    }
    if (old.spec?.volumeName && spec.volumeName !== old.spec.volumeName) errs.push(fieldError.invalid("spec.volumeName", spec.volumeName, "field is immutable"));
  }
  return errs;
}

const pvTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Capacity", type: "string", format: "", description: "capacity is the description of the persistent volume's resources and capacity.", priority: 0 },
    { name: "Access Modes", type: "string", format: "", description: "accessModes contains all ways the volume can be mounted.", priority: 0 },
    { name: "Reclaim Policy", type: "string", format: "", description: "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.", priority: 0 },
    { name: "Status", type: "string", format: "", description: "phase indicates if a volume is available, bound to a claim, or released by a claim.", priority: 0 },
    { name: "Claim", type: "string", format: "", description: "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.", priority: 0 },
    { name: "StorageClass", type: "string", format: "", description: "storageClassName is the name of StorageClass to which this persistent volume belongs.", priority: 0 },
    { name: "VolumeAttributesClass", type: "string", format: "", description: "Name of VolumeAttributesClass to which this persistent volume belongs.", priority: 0 },
    { name: "Reason", type: "string", format: "", description: "reason is a brief CamelCase string that describes any failure.", priority: 0 },
    ageColumn,
    { name: "VolumeMode", type: "string", format: "", description: "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", priority: 1 },
  ],
  cells(obj, now) {
    const v = obj as PersistentVolume;
    const claim = v.spec?.claimRef ? `${v.spec.claimRef.namespace}/${v.spec.claimRef.name}` : "";
    return [v.metadata.name, v.spec?.capacity?.storage ?? "", accessModesShort(v.spec?.accessModes), v.spec?.persistentVolumeReclaimPolicy ?? "", v.status?.phase ?? "", claim, v.spec?.storageClassName ?? "", (v.spec?.["volumeAttributesClassName"] as string | undefined) ?? "<unset>", v.status?.reason ?? "", translateTimestampSince(v.metadata.creationTimestamp, now), v.spec?.volumeMode ?? ""];
  },
};

const pvcTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Status", type: "string", format: "", description: "phase represents the current phase of PersistentVolumeClaim.", priority: 0 },
    { name: "Volume", type: "string", format: "", description: "volumeName is the binding reference to the PersistentVolume backing this claim.", priority: 0 },
    { name: "Capacity", type: "string", format: "", description: "capacity represents the actual resources of the underlying volume.", priority: 0 },
    { name: "Access Modes", type: "string", format: "", description: "accessModes contains the actual access modes the volume backing the PVC has.", priority: 0 },
    { name: "StorageClass", type: "string", format: "", description: "storageClassName is the name of the StorageClass required by the claim.", priority: 0 },
    { name: "VolumeAttributesClass", type: "string", format: "", description: "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.", priority: 0 },
    ageColumn,
    { name: "VolumeMode", type: "string", format: "", description: "volumeMode defines what type of volume is required by the claim.", priority: 1 },
  ],
  cells(obj, now) {
    const c = obj as PersistentVolumeClaim;
    const bound = c.status?.phase === "Bound";
    return [c.metadata.name, c.status?.phase ?? "", c.spec?.volumeName ?? "", bound ? (c.status?.capacity?.storage ?? "") : "", bound ? accessModesShort(c.status?.accessModes) : "", c.spec?.storageClassName ?? "", c.spec?.volumeAttributesClassName ?? "<unset>", translateTimestampSince(c.metadata.creationTimestamp, now), c.spec?.volumeMode ?? ""];
  },
};

export const persistentVolumesResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "PersistentVolume",
  plural: "persistentvolumes",
  singular: "persistentvolume",
  namespaced: false,
  shortNames: ["pv"],
  definition: pv.PersistentVolume,
  definitions: persistentVolumeDefinitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj: KubeObject) => defaultPersistentVolume(obj as PersistentVolume),
    validate: (obj, old) => validatePersistentVolume(obj as PersistentVolume, old as PersistentVolume | undefined),
    table: pvTable,
    prepareForCreate(obj) {
      (obj as PersistentVolume).status = { phase: "Pending" };
    },
  },
};

export const persistentVolumeClaimsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "PersistentVolumeClaim",
  plural: "persistentvolumeclaims",
  singular: "persistentvolumeclaim",
  namespaced: true,
  shortNames: ["pvc"],
  definition: pv.PersistentVolumeClaim,
  definitions: persistentVolumeDefinitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj: KubeObject) => defaultPersistentVolumeClaim(obj as PersistentVolumeClaim),
    validate: (obj, old, ctx) => validatePersistentVolumeClaim(obj as PersistentVolumeClaim, old as PersistentVolumeClaim | undefined, ctx.subresource),
    table: pvcTable,
    prepareForCreate(obj) {
      (obj as PersistentVolumeClaim).status = { phase: "Pending" };
    },
  },
};
