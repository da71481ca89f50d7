/**
 * storage.k8s.io/v1 StorageClass (pkg/apis/storage/validation, pkg/registry/storage/
 * storageclass): defaults, validation with upstream's messages, immutable fields, and
 * kubectl's columns with "(default)" after the default class's name.
 */
import { fieldError, isQualifiedName } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import { listOf } from "../../meta/v1/index.js";
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { arrayOf, boolean, mapOf, object, ref, string, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { ageColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";

const p = "io.k8s.api.storage.v1.";
const n = { StorageClass: p + "StorageClass", StorageClassList: p + "StorageClassList", TopologySelectorTerm: "io.k8s.api.core.v1.TopologySelectorTerm", TopologySelectorLabelRequirement: "io.k8s.api.core.v1.TopologySelectorLabelRequirement" };

export const defaultStorageClassAnnotation = "storageclass.kubernetes.io/is-default-class";

export interface StorageClass extends KubeObject {
  metadata: ObjectMeta;
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: "Delete" | "Retain";
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: "Immediate" | "WaitForFirstConsumer";
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

export const storageClassDefinitions: Definitions = {
  [n.StorageClass]: {
    ...topLevel(
      {
        allowVolumeExpansion: boolean("allowVolumeExpansion shows whether the storage class allow volume expand."),
        allowedTopologies: arrayOf(ref(n.TopologySelectorTerm), "allowedTopologies restrict the node topologies where volumes can be dynamically provisioned.", { "x-kubernetes-list-type": "atomic" }),
        mountOptions: arrayOf(string(), "mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class.", { "x-kubernetes-list-type": "atomic" }),
        parameters: mapOf(string(), "parameters holds the parameters for the provisioner that should create volumes of this storage class."),
        provisioner: string("provisioner indicates the type of the provisioner."),
        reclaimPolicy: string("reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
        volumeBindingMode: string("volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
      },
      "StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.",
      { group: "storage.k8s.io", version: "v1", kind: "StorageClass" },
    ),
    required: ["provisioner"],
  },
  [n.StorageClassList]: listOf(n.StorageClass, "StorageClassList is a collection of storage classes.", { group: "storage.k8s.io", version: "v1", kind: "StorageClassList" }),
  [n.TopologySelectorTerm]: object({ matchLabelExpressions: arrayOf(ref(n.TopologySelectorLabelRequirement), "A list of topology selector requirements by labels.", { "x-kubernetes-list-type": "atomic" }) }, { description: "A topology selector term represents the result of label queries." }),
  [n.TopologySelectorLabelRequirement]: object({ key: string("The label key that the selector applies to."), values: arrayOf(string(), "An array of string values.", { "x-kubernetes-list-type": "atomic" }) }, { description: "A topology selector requirement is a selector that matches given label.", required: ["key", "values"] }),
};

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= "Delete";
  sc.volumeBindingMode ??= "Immediate";
}

export function validateStorageClass(sc: StorageClass, old: StorageClass | undefined): FieldError[] {
  const errs = validateNameRule(sc);
  if (!sc.provisioner) errs.push(fieldError.required("provisioner"));
  else for (const msg of isQualifiedName(sc.provisioner.toLowerCase())) errs.push(fieldError.invalid("provisioner", sc.provisioner, msg));
  if (sc.reclaimPolicy !== undefined && sc.reclaimPolicy !== "Delete" && sc.reclaimPolicy !== "Retain") errs.push(fieldError.notSupported("reclaimPolicy", sc.reclaimPolicy, ["Delete", "Retain"]));
  if (sc.volumeBindingMode !== undefined && sc.volumeBindingMode !== "Immediate" && sc.volumeBindingMode !== "WaitForFirstConsumer") errs.push(fieldError.notSupported("volumeBindingMode", sc.volumeBindingMode, ["Immediate", "WaitForFirstConsumer"]));
  if (old) {
    for (const f of ["parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"] as const) {
      if (JSON.stringify(sc[f] ?? null) !== JSON.stringify(old[f] ?? null)) errs.push(fieldError.forbidden(f, "updates to " + f + " are forbidden."));
    }
  }
  return errs;
}

const storageClassTable: TableConvertor = {
  columns: [
    { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.", priority: 0 },
    { name: "Provisioner", type: "string", format: "", description: "provisioner indicates the type of the provisioner.", priority: 0 },
    { name: "ReclaimPolicy", type: "string", format: "", description: "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.", priority: 0 },
    { name: "VolumeBindingMode", type: "string", format: "", description: "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.", priority: 0 },
    { name: "AllowVolumeExpansion", type: "string", format: "", description: "allowVolumeExpansion shows whether the storage class allow volume expand.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const sc = obj as StorageClass;
    const isDefault = sc.metadata.annotations?.[defaultStorageClassAnnotation] === "true" || sc.metadata.annotations?.["storageclass.beta.kubernetes.io/is-default-class"] === "true";
    return [`${sc.metadata.name}${isDefault ? " (default)" : ""}`, sc.provisioner ?? "", sc.reclaimPolicy ?? "Delete", sc.volumeBindingMode ?? "Immediate", String(sc.allowVolumeExpansion ?? false), translateTimestampSince(sc.metadata.creationTimestamp, now)];
  },
};

export const storageClassesResource: ResourceType = {
  group: "storage.k8s.io",
  version: "v1",
  kind: "StorageClass",
  plural: "storageclasses",
  singular: "storageclass",
  namespaced: false,
  shortNames: ["sc"],
  definition: n.StorageClass,
  definitions: storageClassDefinitions,
  strategy: {
    defaults: (obj) => defaultStorageClass(obj as StorageClass),
    validate: (obj, old) => validateStorageClass(obj as StorageClass, old as StorageClass | undefined),
    table: storageClassTable,
  },
};
