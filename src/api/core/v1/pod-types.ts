// TypeScript shapes of core/v1 pod types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { Container, EphemeralContainer, ResourceRequirements } from "./container-types.js";
import type { ContainerExtendedResourceRequest, ContainerStatus } from "./container-status-types.js";
import type { LocalObjectReference } from "./reference-types.js";
import type { Affinity, Toleration, TopologySpreadConstraint } from "./scheduling-types.js";
import type { PodSecurityContext } from "./security-types.js";
import type { Volume } from "./volume-types.js";

/** Pod is a collection of containers that can run on a host. */
export interface Pod extends KubeObject {
  apiVersion?: "v1";
  kind?: "Pod";
  metadata: ObjectMeta;
  spec?: PodSpec;
  status?: PodStatus;
}

/** PodTemplate describes a template for creating copies of a predefined pod. */
export interface PodTemplate extends KubeObject {
  apiVersion?: "v1";
  kind?: "PodTemplate";
  metadata: ObjectMeta;
  template?: PodTemplateSpec;
}

/** PodSpec is a description of a pod. */
export interface PodSpec {
  activeDeadlineSeconds?: number;
  affinity?: Affinity;
  automountServiceAccountToken?: boolean;
  containers: Container[];
  dnsConfig?: PodDNSConfig;
  dnsPolicy?: string;
  enableServiceLinks?: boolean;
  ephemeralContainers?: EphemeralContainer[];
  hostAliases?: HostAlias[];
  hostIPC?: boolean;
  hostname?: string;
  hostnameOverride?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostUsers?: boolean;
  imagePullSecrets?: LocalObjectReference[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  os?: PodOS;
  overhead?: Record<string, string>;
  preemptionPolicy?: string;
  priority?: number;
  priorityClassName?: string;
  readinessGates?: PodReadinessGate[];
  resourceClaims?: PodResourceClaim[];
  resources?: ResourceRequirements;
  restartPolicy?: string;
  runtimeClassName?: string;
  schedulerName?: string;
  schedulingGates?: PodSchedulingGate[];
  securityContext?: PodSecurityContext;
  serviceAccount?: string;
  serviceAccountName?: string;
  setHostnameAsFQDN?: boolean;
  shareProcessNamespace?: boolean;
  subdomain?: string;
  terminationGracePeriodSeconds?: number;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  volumes?: Volume[];
  workloadRef?: WorkloadReference;
}

/** PodStatus represents information about the status of a pod. */
export interface PodStatus {
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
  extendedResourceClaimStatus?: PodExtendedResourceClaimStatus;
  hostIP?: string;
  hostIPs?: HostIP[];
  initContainerStatuses?: ContainerStatus[];
  message?: string;
  nominatedNodeName?: string;
  observedGeneration?: number;
  phase?: string;
  podIP?: string;
  podIPs?: PodIP[];
  qosClass?: string;
  reason?: string;
  resize?: string;
  resourceClaimStatuses?: PodResourceClaimStatus[];
  startTime?: string;
}

/** PodTemplateSpec describes the data a pod should have when created from a template */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy. */
export interface PodDNSConfig {
  nameservers?: string[];
  options?: PodDNSConfigOption[];
  searches?: string[];
}

/** HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file. */
export interface HostAlias {
  hostnames?: string[];
  ip: string;
}

/** PodOS defines the OS parameters of a pod. */
export interface PodOS {
  name: string;
}

/** PodReadinessGate contains the reference to a pod condition */
export interface PodReadinessGate {
  conditionType: string;
}

/** PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod. */
export interface PodResourceClaim {
  name: string;
  resourceClaimName?: string;
  resourceClaimTemplateName?: string;
}

/** PodSchedulingGate is associated to a Pod to guard its scheduling. */
export interface PodSchedulingGate {
  name: string;
}

/** WorkloadReference identifies the Workload object and PodGroup membership that a Pod belongs to. */
export interface WorkloadReference {
  name: string;
  podGroup: string;
  podGroupReplicaKey?: string;
}

/** PodCondition contains details for the current condition of this pod. */
export interface PodCondition {
  lastProbeTime?: string;
  lastTransitionTime?: string;
  message?: string;
  observedGeneration?: number;
  reason?: string;
  status: string;
  type: string;
}

/** PodExtendedResourceClaimStatus is stored in the PodStatus for the extended resource requests backed by DRA. */
export interface PodExtendedResourceClaimStatus {
  requestMappings: ContainerExtendedResourceRequest[];
  resourceClaimName: string;
}

/** HostIP represents a single IP address allocated to the host. */
export interface HostIP {
  ip: string;
}

/** PodIP represents a single IP address allocated to the pod. */
export interface PodIP {
  ip: string;
}

/** PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate. */
export interface PodResourceClaimStatus {
  name: string;
  resourceClaimName?: string;
}

/** PodDNSConfigOption defines DNS resolver options of a pod. */
export interface PodDNSConfigOption {
  name?: string;
  value?: string;
}
