// The public face of core/v1: the resources it serves, the TypeScript shapes of its objects,
// and the pod-template helpers the workload groups reuse.
import type { ResourceType } from "../../resource-type.js";
import { configMapsResource } from "./configmap.js";
import { endpointsResource } from "./endpoints.js";
import { eventsResource } from "./event.js";
import { limitRangesResource, resourceQuotasResource } from "./quota.js";
import { namespacesResource } from "./namespace.js";
import { nodesResource } from "./node.js";
import { podsResource } from "./pod.js";
import { persistentVolumeClaimsResource, persistentVolumesResource } from "./persistent-volume.js";
import { podTemplatesResource, replicationControllersResource } from "./replication-controller.js";
import { secretsResource } from "./secret.js";
import { serviceAccountsResource } from "./service-account.js";
import { servicesResource } from "./service.js";

/** Every core/v1 resource, in the order discovery lists them upstream. */
export const coreV1Resources: ResourceType[] = [
  configMapsResource,
  endpointsResource,
  eventsResource,
  limitRangesResource,
  namespacesResource,
  nodesResource,
  persistentVolumeClaimsResource,
  persistentVolumesResource,
  podsResource,
  podTemplatesResource,
  replicationControllersResource,
  resourceQuotasResource,
  secretsResource,
  serviceAccountsResource,
  servicesResource,
];

export { persistentVolumeClaimsResource, persistentVolumesResource, accessModesShort } from "./persistent-volume.js";
export type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSpec } from "./persistent-volume-types.js";

export {
  configMapsResource,
  endpointsResource,
  eventsResource,
  limitRangesResource,
  namespacesResource,
  nodesResource,
  podsResource,
  podTemplatesResource,
  replicationControllersResource,
  resourceQuotasResource,
  secretsResource,
  serviceAccountsResource,
  servicesResource,
};
export { coreV1Definitions } from "./definitions.js";
export { core as coreV1Names } from "./_names.js";
export { defaultPodSpec, defaultContainer, defaultProbe, defaultVolume } from "./pod-defaults.js";
export { validatePodSpec } from "./pod-validation.js";
export { validatePodTemplateSpec } from "./replication-controller.js";
export { podQOSClass } from "./pod-qos.js";
export type { QOSClass } from "./pod-qos.js";
export { setPodCondition } from "./pod.js";
export { podCells } from "./pod-table.js";
export { nodeRoles, nodeStatusText } from "./node-table.js";
export { servicePools } from "./service-allocation.js";
export type { ConfigMap, Secret, ServiceAccount } from "./config-types.js";
export type { ConfigMapEnvSource, ConfigMapKeySelector, Container, ContainerPort, ContainerResizePolicy, ContainerRestartRule, ContainerRestartRuleOnExitCodes, EnvFromSource, EnvVar, EnvVarSource, EphemeralContainer, FileKeySelector, ObjectFieldSelector, ResourceClaim, ResourceFieldSelector, ResourceRequirements, SecretEnvSource, SecretKeySelector, VolumeDevice, VolumeMount } from "./container-types.js";
export type { ContainerExtendedResourceRequest, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus, ContainerUser, LinuxContainerUser, ResourceHealth, ResourceStatus, VolumeMountStatus } from "./container-status-types.js";
export type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints } from "./endpoints-types.js";
export type { Event, EventSeries, EventSource } from "./event-types.js";
export type { Namespace, NamespaceCondition, NamespaceSpec, NamespaceStatus } from "./namespace-types.js";
export type { AttachedVolume, ConfigMapNodeConfigSource, ContainerImage, DaemonEndpoint, Node, NodeAddress, NodeAffinity, NodeCondition, NodeConfigSource, NodeConfigStatus, NodeDaemonEndpoints, NodeFeatures, NodeRuntimeHandler, NodeRuntimeHandlerFeatures, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, NodeSpec, NodeStatus, NodeSwapStatus, NodeSystemInfo, Taint } from "./node-types.js";
export type { HostAlias, HostIP, Pod, PodCondition, PodDNSConfig, PodDNSConfigOption, PodExtendedResourceClaimStatus, PodIP, PodOS, PodReadinessGate, PodResourceClaim, PodResourceClaimStatus, PodSchedulingGate, PodSpec, PodStatus, PodTemplate, PodTemplateSpec, WorkloadReference } from "./pod-types.js";
export type { ExecAction, GRPCAction, HTTPGetAction, HTTPHeader, Lifecycle, LifecycleHandler, Probe, SleepAction, TCPSocketAction } from "./probe-types.js";
export type { LimitRange, LimitRangeItem, LimitRangeSpec, ResourceQuota, ResourceQuotaSpec, ResourceQuotaStatus, ScopeSelector, ScopedResourceSelectorRequirement } from "./quota-types.js";
export type { Binding, Eviction, LocalObjectReference, ObjectReference, TypedLocalObjectReference, TypedObjectReference } from "./reference-types.js";
export type { ReplicationController, ReplicationControllerCondition, ReplicationControllerSpec, ReplicationControllerStatus } from "./replication-controller-types.js";
export type { Affinity, PodAffinity, PodAffinityTerm, PodAntiAffinity, PreferredSchedulingTerm, Toleration, TopologySpreadConstraint, WeightedPodAffinityTerm } from "./scheduling-types.js";
export type { AppArmorProfile, Capabilities, PodSecurityContext, SELinuxOptions, SeccompProfile, SecurityContext, Sysctl, WindowsSecurityContextOptions } from "./security-types.js";
export type { ClientIPConfig, LoadBalancerIngress, LoadBalancerStatus, PortStatus, Service, ServicePort, ServiceSpec, ServiceStatus, SessionAffinityConfig } from "./service-types.js";
export type { CSIVolumeSource, ClusterTrustBundleProjection, ConfigMapProjection, ConfigMapVolumeSource, DownwardAPIProjection, DownwardAPIVolumeFile, DownwardAPIVolumeSource, EmptyDirVolumeSource, EphemeralVolumeSource, HostPathVolumeSource, ImageVolumeSource, KeyToPath, NFSVolumeSource, PersistentVolumeClaimSpec, PersistentVolumeClaimTemplate, PersistentVolumeClaimVolumeSource, PodCertificateProjection, ProjectedVolumeSource, SecretProjection, SecretVolumeSource, ServiceAccountTokenProjection, Volume, VolumeProjection, VolumeResourceRequirements } from "./volume-types.js";
export type { AWSElasticBlockStoreVolumeSource, AzureDiskVolumeSource, AzureFileVolumeSource, CephFSVolumeSource, CinderVolumeSource, FCVolumeSource, FlexVolumeSource, FlockerVolumeSource, GCEPersistentDiskVolumeSource, GitRepoVolumeSource, GlusterfsVolumeSource, ISCSIVolumeSource, PhotonPersistentDiskVolumeSource, PortworxVolumeSource, QuobyteVolumeSource, RBDVolumeSource, ScaleIOVolumeSource, StorageOSVolumeSource, VsphereVirtualDiskVolumeSource } from "./volume-source-types.js";
