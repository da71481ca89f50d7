// Schemas of core/v1 PersistentVolume(Claim), after upstream's OpenAPI (staging/src/k8s.io/api/core/v1/types.go);
// the volume sources k8ts serves (hostPath, local, nfs, csi) and descriptions cut to their first sentence.
import { string, boolean, ref, object, arrayOf, mapOf, topLevel, quantity, labelSelector, time } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf } from "../../meta/v1/index.js";
import { core } from "./_names.js";

const p = "io.k8s.api.core.v1.";
export const pv = {
  PersistentVolume: p + "PersistentVolume",
  PersistentVolumeList: p + "PersistentVolumeList",
  PersistentVolumeSpec: p + "PersistentVolumeSpec",
  PersistentVolumeStatus: p + "PersistentVolumeStatus",
  VolumeNodeAffinity: p + "VolumeNodeAffinity",
  LocalVolumeSource: p + "LocalVolumeSource",
  CSIPersistentVolumeSource: p + "CSIPersistentVolumeSource",
  PersistentVolumeClaim: p + "PersistentVolumeClaim",
  PersistentVolumeClaimList: p + "PersistentVolumeClaimList",
  PersistentVolumeClaimSpec: p + "PersistentVolumeClaimSpec",
  PersistentVolumeClaimStatus: p + "PersistentVolumeClaimStatus",
  PersistentVolumeClaimCondition: p + "PersistentVolumeClaimCondition",
} as const;

const atomicStrings = (d: string) => arrayOf(string(), d, { "x-kubernetes-list-type": "atomic" });

export const persistentVolumeDefinitions: Definitions = {
  [pv.PersistentVolume]: topLevel(
    { spec: ref(pv.PersistentVolumeSpec, "spec defines a specification of a persistent volume owned by the cluster."), status: ref(pv.PersistentVolumeStatus, "status represents the current information/status for the persistent volume.") },
    "PersistentVolume (PV) is a storage resource provisioned by an administrator.",
    { group: "", version: "v1", kind: "PersistentVolume" },
  ),
  [pv.PersistentVolumeList]: listOf(pv.PersistentVolume, "PersistentVolumeList is a list of PersistentVolume items.", { group: "", version: "v1", kind: "PersistentVolumeList" }),
  [pv.PersistentVolumeSpec]: object(
    {
      accessModes: atomicStrings("accessModes contains all ways the volume can be mounted."),
      capacity: mapOf(quantity(), "capacity is the description of the persistent volume's resources and capacity."),
      claimRef: { ...ref(core.ObjectReference, "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."), "x-kubernetes-map-type": "granular" },
      csi: ref(pv.CSIPersistentVolumeSource, "csi represents storage that is handled by an external CSI driver."),
      hostPath: ref(core.HostPathVolumeSource, "hostPath represents a directory on the host."),
      local: ref(pv.LocalVolumeSource, "local represents directly-attached storage with node affinity"),
      mountOptions: atomicStrings("mountOptions is the list of mount options, e.g. [\"ro\", \"soft\"]."),
      nfs: ref(core.NFSVolumeSource, "nfs represents an NFS mount on the host."),
      nodeAffinity: ref(pv.VolumeNodeAffinity, "nodeAffinity defines constraints that limit what nodes this volume can be accessed from."),
      persistentVolumeReclaimPolicy: string("persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
      storageClassName: string("storageClassName is the name of StorageClass to which this persistent volume belongs."),
      volumeAttributesClassName: string("Name of VolumeAttributesClass to which this persistent volume belongs."),
      volumeMode: string("volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
    },
    { description: "PersistentVolumeSpec is the specification of a persistent volume." },
  ),
  [pv.PersistentVolumeStatus]: object(
    {
      lastPhaseTransitionTime: time("lastPhaseTransitionTime is the time the phase transitioned from one to another and automatically resets to current time everytime a volume phase transitions."),
      message: string("message is a human-readable message indicating details about why the volume is in this state."),
      phase: string("phase indicates if a volume is available, bound to a claim, or released by a claim."),
      reason: string("reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
    },
    { description: "PersistentVolumeStatus is the current status of a persistent volume." },
  ),
  [pv.VolumeNodeAffinity]: object({ required: ref(core.NodeSelector, "required specifies hard node constraints that must be met.") }, { description: "VolumeNodeAffinity defines constraints that limit what nodes this volume can be accessed from." }),
  [pv.LocalVolumeSource]: object({ fsType: string("fsType is the filesystem type to mount."), path: string("path of the full path to the volume on the node.") }, { description: "Local represents directly-attached storage with node affinity", required: ["path"] }),
  [pv.CSIPersistentVolumeSource]: object(
    {
      driver: string("driver is the name of the driver to use for this volume."),
      fsType: string("fsType to mount."),
      readOnly: boolean("readOnly value to pass to ControllerPublishVolumeRequest."),
      volumeAttributes: mapOf(string(), "volumeAttributes of the volume to publish."),
      volumeHandle: string("volumeHandle is the unique volume name returned by the CSI volume plugin’s CreateVolume to refer to the volume on all subsequent calls."),
    },
    { description: "Represents storage that is managed by an external CSI volume driver", required: ["driver", "volumeHandle"] },
  ),
  [pv.PersistentVolumeClaim]: topLevel(
    { spec: ref(pv.PersistentVolumeClaimSpec, "spec defines the desired characteristics of a volume requested by a pod author."), status: ref(pv.PersistentVolumeClaimStatus, "status represents the current information/status of a persistent volume claim.") },
    "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
    { group: "", version: "v1", kind: "PersistentVolumeClaim" },
  ),
  [pv.PersistentVolumeClaimList]: listOf(pv.PersistentVolumeClaim, "PersistentVolumeClaimList is a list of PersistentVolumeClaim items.", { group: "", version: "v1", kind: "PersistentVolumeClaimList" }),
  [pv.PersistentVolumeClaimSpec]: object(
    {
      accessModes: atomicStrings("accessModes contains the desired access modes the volume should have."),
      dataSource: ref(core.TypedLocalObjectReference, "dataSource field can be used to specify either an existing VolumeSnapshot object or an existing PVC."),
      dataSourceRef: ref(core.TypedObjectReference, "dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired."),
      resources: ref(core.VolumeResourceRequirements, "resources represents the minimum resources the volume should have."),
      selector: labelSelector("selector is a label query over volumes to consider for binding."),
      storageClassName: string("storageClassName is the name of the StorageClass required by the claim."),
      volumeAttributesClassName: string("volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
      volumeMode: string("volumeMode defines what type of volume is required by the claim."),
      volumeName: string("volumeName is the binding reference to the PersistentVolume backing this claim."),
    },
    { description: "PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes" },
  ),
  [pv.PersistentVolumeClaimStatus]: object(
    {
      accessModes: atomicStrings("accessModes contains the actual access modes the volume backing the PVC has."),
      allocatedResources: mapOf(quantity(), "allocatedResources tracks the resources allocated to a PVC including its capacity."),
      capacity: mapOf(quantity(), "capacity represents the actual resources of the underlying volume."),
      conditions: { ...arrayOf(ref(pv.PersistentVolumeClaimCondition), "conditions is the current Condition of persistent volume claim."), "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge" },
      phase: string("phase represents the current phase of PersistentVolumeClaim."),
    },
    { description: "PersistentVolumeClaimStatus is the current status of a persistent volume claim." },
  ),
  [pv.PersistentVolumeClaimCondition]: object(
    {
      lastProbeTime: time("lastProbeTime is the time we probed the condition."),
      lastTransitionTime: time("lastTransitionTime is the time the condition transitioned from one status to another."),
      message: string("message is the human-readable message indicating details about last transition."),
      reason: string("reason is a unique, this should be a short, machine understandable string that gives the reason for condition's last transition."),
      status: string("Status is the status of the condition."),
      type: string("Type is the type of the condition."),
    },
    { description: "PersistentVolumeClaimCondition contains details about state of pvc", required: ["type", "status"] },
  ),
};
