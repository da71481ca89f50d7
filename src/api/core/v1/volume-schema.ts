// Schemas of core/v1 volume types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, boolean, ref, object, mapOf, arrayOf, quantity, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const volumeDefinitions: Definitions = {
  [core.Volume]: object(
    {
      awsElasticBlockStore: ref(core.AWSElasticBlockStoreVolumeSource),
      azureDisk: ref(core.AzureDiskVolumeSource),
      azureFile: ref(core.AzureFileVolumeSource),
      cephfs: ref(core.CephFSVolumeSource),
      cinder: ref(core.CinderVolumeSource),
      configMap: ref(core.ConfigMapVolumeSource),
      csi: ref(core.CSIVolumeSource),
      downwardAPI: ref(core.DownwardAPIVolumeSource),
      emptyDir: ref(core.EmptyDirVolumeSource),
      ephemeral: ref(core.EphemeralVolumeSource),
      fc: ref(core.FCVolumeSource),
      flexVolume: ref(core.FlexVolumeSource),
      flocker: ref(core.FlockerVolumeSource),
      gcePersistentDisk: ref(core.GCEPersistentDiskVolumeSource),
      gitRepo: ref(core.GitRepoVolumeSource),
      glusterfs: ref(core.GlusterfsVolumeSource),
      hostPath: ref(core.HostPathVolumeSource),
      image: ref(core.ImageVolumeSource),
      iscsi: ref(core.ISCSIVolumeSource),
      name: string("name of the volume. Must be a DNS_LABEL and unique within the pod."),
      nfs: ref(core.NFSVolumeSource),
      persistentVolumeClaim: ref(core.PersistentVolumeClaimVolumeSource),
      photonPersistentDisk: ref(core.PhotonPersistentDiskVolumeSource),
      portworxVolume: ref(core.PortworxVolumeSource),
      projected: ref(core.ProjectedVolumeSource),
      quobyte: ref(core.QuobyteVolumeSource),
      rbd: ref(core.RBDVolumeSource),
      scaleIO: ref(core.ScaleIOVolumeSource),
      secret: ref(core.SecretVolumeSource),
      storageos: ref(core.StorageOSVolumeSource),
      vsphereVolume: ref(core.VsphereVirtualDiskVolumeSource),
    },
    { description: "Volume represents a named volume in a pod that may be accessed by any container in the pod.", required: ["name"] },
  ),
  [core.ConfigMapVolumeSource]: object(
    {
      defaultMode: int32("defaultMode is optional: mode bits used to set permissions on created files by default."),
      items: arrayOf(ref(core.KeyToPath), "items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value."),
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("optional specify whether the ConfigMap or its keys must be defined"),
    },
    { description: "Adapts a ConfigMap into a volume. The contents of the target ConfigMap's Data field will be presented in a volume as files using the keys in the Data field as the file names, unless the items element is populated with specific mappings of keys to paths." },
  ),
  [core.CSIVolumeSource]: object(
    {
      driver: string("driver is the name of the CSI driver that handles this volume."),
      fsType: string("fsType to mount. Ex."),
      nodePublishSecretRef: ref(core.LocalObjectReference),
      readOnly: boolean("readOnly specifies a read-only configuration for the volume."),
      volumeAttributes: mapOf(string(), "volumeAttributes stores driver-specific properties that are passed to the CSI driver."),
    },
    { description: "Represents a source location of a volume to mount, managed by an external CSI driver", required: ["driver"] },
  ),
  [core.DownwardAPIVolumeSource]: object(
    {
      defaultMode: int32("Optional: mode bits to use on created files by default."),
      items: arrayOf(ref(core.DownwardAPIVolumeFile), "Items is a list of downward API volume file"),
    },
    { description: "DownwardAPIVolumeSource represents a volume containing downward API info." },
  ),
  [core.EmptyDirVolumeSource]: object(
    {
      medium: string("medium represents what type of storage medium should back this directory."),
      sizeLimit: quantity("sizeLimit is the total amount of local storage required for this EmptyDir volume."),
    },
    { description: "Represents an empty directory for a pod." },
  ),
  [core.EphemeralVolumeSource]: object(
    {
      volumeClaimTemplate: ref(core.PersistentVolumeClaimTemplate),
    },
    { description: "Represents an ephemeral volume that is handled by a normal storage driver." },
  ),
  [core.HostPathVolumeSource]: object(
    {
      path: string("path of the directory on the host. If the path is a symlink, it will follow the link to the real path."),
      type: string("type for HostPath Volume Defaults to \"\" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath"),
    },
    { description: "Represents a host path mapped into a pod.", required: ["path"] },
  ),
  [core.ImageVolumeSource]: object(
    {
      pullPolicy: string("Policy for pulling OCI objects. Possible values are: Always: the kubelet always attempts to pull the reference."),
      reference: string("Required: Image or artifact reference to be used."),
    },
    { description: "ImageVolumeSource represents a image volume resource." },
  ),
  [core.NFSVolumeSource]: object(
    {
      path: string("path that is exported by the NFS server."),
      readOnly: boolean("readOnly here will force the NFS export to be mounted with read-only permissions."),
      server: string("server is the hostname or IP address of the NFS server."),
    },
    { description: "Represents an NFS mount that lasts the lifetime of a pod.", required: ["path","server"] },
  ),
  [core.PersistentVolumeClaimVolumeSource]: object(
    {
      claimName: string("claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume."),
      readOnly: boolean("readOnly Will force the ReadOnly setting in VolumeMounts."),
    },
    { description: "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.", required: ["claimName"] },
  ),
  [core.ProjectedVolumeSource]: object(
    {
      defaultMode: int32("defaultMode are the mode bits used to set permissions on created files by default."),
      sources: arrayOf(ref(core.VolumeProjection), "sources is the list of volume projections."),
    },
    { description: "Represents a projected volume source" },
  ),
  [core.SecretVolumeSource]: object(
    {
      defaultMode: int32("defaultMode is Optional: mode bits used to set permissions on created files by default."),
      items: arrayOf(ref(core.KeyToPath), "items If unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value."),
      optional: boolean("optional field specify whether the Secret or its keys must be defined"),
      secretName: string("secretName is the name of the secret in the pod's namespace to use."),
    },
    { description: "Adapts a Secret into a volume. The contents of the target Secret's Data field will be presented in a volume as files using the keys in the Data field as the file names." },
  ),
  [core.KeyToPath]: object(
    {
      key: string("key is the key to project."),
      mode: int32("mode is Optional: mode bits used to set permissions on this file."),
      path: string("path is the relative path of the file to map the key to."),
    },
    { description: "Maps a string key to a path within a volume.", required: ["key","path"] },
  ),
  [core.DownwardAPIVolumeFile]: object(
    {
      fieldRef: ref(core.ObjectFieldSelector),
      mode: int32("Optional: mode bits used to set permissions on this file, must be an octal value between 0000 and 0777 or a decimal value between 0 and 511."),
      path: string("Required: Path is the relative path name of the file to be created."),
      resourceFieldRef: ref(core.ResourceFieldSelector),
    },
    { description: "DownwardAPIVolumeFile represents information to create the file containing the pod field", required: ["path"] },
  ),
  [core.PersistentVolumeClaimTemplate]: object(
    {
      metadata: ref(meta.ObjectMeta),
      spec: ref(core.PersistentVolumeClaimSpec),
    },
    { description: "PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.", required: ["spec"] },
  ),
  [core.VolumeProjection]: object(
    {
      clusterTrustBundle: ref(core.ClusterTrustBundleProjection),
      configMap: ref(core.ConfigMapProjection),
      downwardAPI: ref(core.DownwardAPIProjection),
      podCertificate: ref(core.PodCertificateProjection),
      secret: ref(core.SecretProjection),
      serviceAccountToken: ref(core.ServiceAccountTokenProjection),
    },
    { description: "Projection that may be projected along with other supported volume types." },
  ),
  [core.PersistentVolumeClaimSpec]: object(
    {
      accessModes: arrayOf(string(), "accessModes contains the desired access modes the volume should have."),
      dataSource: ref(core.TypedLocalObjectReference),
      dataSourceRef: ref(core.TypedObjectReference),
      resources: ref(core.VolumeResourceRequirements),
      selector: ref(meta.LabelSelector),
      storageClassName: string("storageClassName is the name of the StorageClass required by the claim."),
      volumeAttributesClassName: string("volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
      volumeMode: string("volumeMode defines what type of volume is required by the claim."),
      volumeName: string("volumeName is the binding reference to the PersistentVolume backing this claim."),
    },
    { description: "PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes" },
  ),
  [core.ClusterTrustBundleProjection]: object(
    {
      labelSelector: ref(meta.LabelSelector),
      name: string("Select a single ClusterTrustBundle by object name."),
      optional: boolean("If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available."),
      path: string("Relative path from the volume root to write the bundle."),
      signerName: string("Select all ClusterTrustBundles that match this signer name."),
    },
    { description: "ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.", required: ["path"] },
  ),
  [core.ConfigMapProjection]: object(
    {
      items: arrayOf(ref(core.KeyToPath), "items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value."),
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("optional specify whether the ConfigMap or its keys must be defined"),
    },
    { description: "Adapts a ConfigMap into a projected volume." },
  ),
  [core.DownwardAPIProjection]: object(
    {
      items: arrayOf(ref(core.DownwardAPIVolumeFile), "Items is a list of DownwardAPIVolume file"),
    },
    { description: "Represents downward API info for projecting into a projected volume." },
  ),
  [core.PodCertificateProjection]: object(
    {
      certificateChainPath: string("Write the certificate chain at this path in the projected volume."),
      credentialBundlePath: string("Write the credential bundle at this path in the projected volume."),
      keyPath: string("Write the key at this path in the projected volume."),
      keyType: string("The type of keypair Kubelet will generate for the pod."),
      maxExpirationSeconds: int32("maxExpirationSeconds is the maximum lifetime permitted for the certificate."),
      signerName: string("Kubelet's generated CSRs will be addressed to this signer."),
      userAnnotations: mapOf(string(), "userAnnotations allow pod authors to pass additional information to the signer implementation."),
    },
    { description: "PodCertificateProjection provides a private key and X.509 certificate in the pod filesystem.", required: ["keyType","signerName"] },
  ),
  [core.SecretProjection]: object(
    {
      items: arrayOf(ref(core.KeyToPath), "items if unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value."),
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("optional field specify whether the Secret or its key must be defined"),
    },
    { description: "Adapts a secret into a projected volume." },
  ),
  [core.ServiceAccountTokenProjection]: object(
    {
      audience: string("audience is the intended audience of the token."),
      expirationSeconds: int64("expirationSeconds is the requested duration of validity of the service account token."),
      path: string("path is the path relative to the mount point of the file to project the token into."),
    },
    { description: "ServiceAccountTokenProjection represents a projected service account token volume.", required: ["path"] },
  ),
  [core.VolumeResourceRequirements]: object(
    {
      limits: mapOf(quantity(), "Limits describes the maximum amount of compute resources allowed."),
      requests: mapOf(quantity(), "Requests describes the minimum amount of compute resources required."),
    },
    { description: "VolumeResourceRequirements describes the storage resource requirements for a volume." },
  ),
};
