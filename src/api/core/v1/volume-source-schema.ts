// Schemas of core/v1 volume-source types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, number, boolean, ref, object, mapOf, arrayOf } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const volumeSourceDefinitions: Definitions = {
  [core.AWSElasticBlockStoreVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type of the volume that you want to mount."),
      partition: int32("partition is the partition in the volume that you want to mount."),
      readOnly: boolean("readOnly value true will force the readOnly setting in VolumeMounts."),
      volumeID: string("volumeID is unique ID of the persistent disk resource in AWS (Amazon EBS volume)."),
    },
    { description: "Represents a Persistent Disk resource in AWS.", required: ["volumeID"] },
  ),
  [core.AzureDiskVolumeSource]: object(
    {
      cachingMode: string("cachingMode is the Host Caching mode: None, Read Only, Read Write."),
      diskName: string("diskName is the Name of the data disk in the blob storage"),
      diskURI: string("diskURI is the URI of data disk in the blob storage"),
      fsType: string("fsType is Filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      kind: string("kind expected values are Shared: multiple blob disks per storage account Dedicated: single blob disk per storage account Managed: azure managed data disk (only in managed availability set)."),
      readOnly: boolean("readOnly Defaults to false (read/write)."),
    },
    { description: "AzureDisk represents an Azure Data Disk mount on the host and bind mount to the pod.", required: ["diskName","diskURI"] },
  ),
  [core.AzureFileVolumeSource]: object(
    {
      readOnly: boolean("readOnly defaults to false (read/write)."),
      secretName: string("secretName is the name of secret that contains Azure Storage Account Name and Key"),
      shareName: string("shareName is the azure share Name"),
    },
    { description: "AzureFile represents an Azure File Service mount on the host and bind mount to the pod.", required: ["secretName","shareName"] },
  ),
  [core.CephFSVolumeSource]: object(
    {
      monitors: arrayOf(string(), "monitors is Required: Monitors is a collection of Ceph monitors More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it"),
      path: string("path is Optional: Used as the mounted root, rather than the full Ceph tree, default is /"),
      readOnly: boolean("readOnly is Optional: Defaults to false (read/write)."),
      secretFile: string("secretFile is Optional: SecretFile is the path to key ring for User, default is /etc/ceph/user.secret More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it"),
      secretRef: ref(core.LocalObjectReference),
      user: string("user is optional: User is the rados user name, default is admin More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it"),
    },
    { description: "Represents a Ceph Filesystem mount that lasts the lifetime of a pod Cephfs volumes do not support ownership management or SELinux relabeling.", required: ["monitors"] },
  ),
  [core.CinderVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      readOnly: boolean("readOnly defaults to false (read/write)."),
      secretRef: ref(core.LocalObjectReference),
      volumeID: string("volumeID used to identify the volume in cinder."),
    },
    { description: "Represents a cinder volume resource in Openstack.", required: ["volumeID"] },
  ),
  [core.FCVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      lun: int32("lun is Optional: FC target lun number"),
      readOnly: boolean("readOnly is Optional: Defaults to false (read/write)."),
      targetWWNs: arrayOf(string(), "targetWWNs is Optional: FC target worldwide names (WWNs)"),
      wwids: arrayOf(string(), "wwids Optional: FC volume world wide identifiers (wwids) Either wwids or combination of targetWWNs and lun must be set, but not both simultaneously."),
    },
    { description: "Represents a Fibre Channel volume. Fibre Channel volumes can only be mounted as read/write once." },
  ),
  [core.FlexVolumeSource]: object(
    {
      driver: string("driver is the name of the driver to use for this volume."),
      fsType: string("fsType is the filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      options: mapOf(string(), "options is Optional: this field holds extra command options if any."),
      readOnly: boolean("readOnly is Optional: defaults to false (read/write)."),
      secretRef: ref(core.LocalObjectReference),
    },
    { description: "FlexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin.", required: ["driver"] },
  ),
  [core.FlockerVolumeSource]: object(
    {
      datasetName: string("datasetName is Name of the dataset stored as metadata -> name on the dataset for Flocker should be considered as deprecated"),
      datasetUUID: string("datasetUUID is the UUID of the dataset."),
    },
    { description: "Represents a Flocker volume mounted by the Flocker agent." },
  ),
  [core.GCEPersistentDiskVolumeSource]: object(
    {
      fsType: string("fsType is filesystem type of the volume that you want to mount."),
      partition: int32("partition is the partition in the volume that you want to mount."),
      pdName: string("pdName is unique name of the PD resource in GCE."),
      readOnly: boolean("readOnly here will force the ReadOnly setting in VolumeMounts."),
    },
    { description: "Represents a Persistent Disk resource in Google Compute Engine.", required: ["pdName"] },
  ),
  [core.GitRepoVolumeSource]: object(
    {
      directory: string("directory is the target directory name. Must not contain or start with '..'."),
      repository: string("repository is the URL"),
      revision: string("revision is the commit hash for the specified revision."),
    },
    { description: "Represents a volume that is populated with the contents of a git repository.", required: ["repository"] },
  ),
  [core.GlusterfsVolumeSource]: object(
    {
      endpoints: string("endpoints is the endpoint name that details Glusterfs topology."),
      path: string("path is the Glusterfs volume path."),
      readOnly: boolean("readOnly here will force the Glusterfs volume to be mounted with read-only permissions."),
    },
    { description: "Represents a Glusterfs mount that lasts the lifetime of a pod.", required: ["endpoints","path"] },
  ),
  [core.ISCSIVolumeSource]: object(
    {
      chapAuthDiscovery: boolean("chapAuthDiscovery defines whether support iSCSI Discovery CHAP authentication"),
      chapAuthSession: boolean("chapAuthSession defines whether support iSCSI Session CHAP authentication"),
      fsType: string("fsType is the filesystem type of the volume that you want to mount."),
      initiatorName: string("initiatorName is the custom iSCSI Initiator Name."),
      iqn: string("iqn is the target iSCSI Qualified Name."),
      iscsiInterface: string("iscsiInterface is the interface Name that uses an iSCSI transport."),
      lun: int32("lun represents iSCSI Target Lun number."),
      portals: arrayOf(string(), "portals is the iSCSI Target Portal List."),
      readOnly: boolean("readOnly here will force the ReadOnly setting in VolumeMounts."),
      secretRef: ref(core.LocalObjectReference),
      targetPortal: string("targetPortal is iSCSI Target Portal. The Portal is either an IP or ip_addr:port if the port is other than default (typically TCP ports 860 and 3260)."),
    },
    { description: "Represents an ISCSI disk. ISCSI volumes can only be mounted as read/write once.", required: ["iqn","lun","targetPortal"] },
  ),
  [core.PhotonPersistentDiskVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      pdID: string("pdID is the ID that identifies Photon Controller persistent disk"),
    },
    { description: "Represents a Photon Controller persistent disk resource.", required: ["pdID"] },
  ),
  [core.PortworxVolumeSource]: object(
    {
      fsType: string("fSType represents the filesystem type to mount Must be a filesystem type supported by the host operating system."),
      readOnly: boolean("readOnly defaults to false (read/write)."),
      volumeID: string("volumeID uniquely identifies a Portworx volume"),
    },
    { description: "PortworxVolumeSource represents a Portworx volume resource.", required: ["volumeID"] },
  ),
  [core.QuobyteVolumeSource]: object(
    {
      group: string("group to map volume access to Default is no group"),
      readOnly: boolean("readOnly here will force the Quobyte volume to be mounted with read-only permissions."),
      registry: string("registry represents a single or multiple Quobyte Registry services specified as a string as host:port pair (multiple entries are separated with commas) which acts as the central registry for volumes"),
      tenant: string("tenant owning the given Quobyte volume in the Backend Used with dynamically provisioned Quobyte volumes, value is set by the plugin"),
      user: string("user to map volume access to Defaults to serivceaccount user"),
      volume: string("volume is a string that references an already created Quobyte volume by name."),
    },
    { description: "Represents a Quobyte mount that lasts the lifetime of a pod.", required: ["registry","volume"] },
  ),
  [core.RBDVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type of the volume that you want to mount."),
      image: string("image is the rados image name."),
      keyring: string("keyring is the path to key ring for RBDUser."),
      monitors: arrayOf(string(), "monitors is a collection of Ceph monitors."),
      pool: string("pool is the rados pool name. Default is rbd."),
      readOnly: boolean("readOnly here will force the ReadOnly setting in VolumeMounts."),
      secretRef: ref(core.LocalObjectReference),
      user: string("user is the rados user name. Default is admin."),
    },
    { description: "Represents a Rados Block Device mount that lasts the lifetime of a pod.", required: ["image","monitors"] },
  ),
  [core.ScaleIOVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      gateway: string("gateway is the host address of the ScaleIO API Gateway."),
      protectionDomain: string("protectionDomain is the name of the ScaleIO Protection Domain for the configured storage."),
      readOnly: boolean("readOnly Defaults to false (read/write)."),
      secretRef: ref(core.LocalObjectReference),
      sslEnabled: boolean("sslEnabled Flag enable/disable SSL communication with Gateway, default false"),
      storageMode: string("storageMode indicates whether the storage for a volume should be ThickProvisioned or ThinProvisioned."),
      storagePool: string("storagePool is the ScaleIO Storage Pool associated with the protection domain."),
      system: string("system is the name of the storage system as configured in ScaleIO."),
      volumeName: string("volumeName is the name of a volume already created in the ScaleIO system that is associated with this volume source."),
    },
    { description: "ScaleIOVolumeSource represents a persistent ScaleIO volume", required: ["gateway","secretRef","system"] },
  ),
  [core.StorageOSVolumeSource]: object(
    {
      fsType: string("fsType is the filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      readOnly: boolean("readOnly defaults to false (read/write)."),
      secretRef: ref(core.LocalObjectReference),
      volumeName: string("volumeName is the human-readable name of the StorageOS volume."),
      volumeNamespace: string("volumeNamespace specifies the scope of the volume within StorageOS."),
    },
    { description: "Represents a StorageOS persistent volume resource." },
  ),
  [core.VsphereVirtualDiskVolumeSource]: object(
    {
      fsType: string("fsType is filesystem type to mount. Must be a filesystem type supported by the host operating system."),
      storagePolicyID: string("storagePolicyID is the storage Policy Based Management (SPBM) profile ID associated with the StoragePolicyName."),
      storagePolicyName: string("storagePolicyName is the storage Policy Based Management (SPBM) profile name."),
      volumePath: string("volumePath is the path that identifies vSphere volume vmdk"),
    },
    { description: "Represents a vSphere volume resource.", required: ["volumePath"] },
  ),
};
