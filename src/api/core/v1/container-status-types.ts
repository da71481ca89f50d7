// TypeScript shapes of core/v1 container-status types (staging/src/k8s.io/api/core/v1/types.go).
import type { ResourceRequirements } from "./container-types.js";

/** ContainerStatus contains details for the current status of this container. */
export interface ContainerStatus {
  allocatedResources?: Record<string, string>;
  allocatedResourcesStatus?: ResourceStatus[];
  containerID?: string;
  image: string;
  imageID: string;
  lastState?: ContainerState;
  name: string;
  ready: boolean;
  resources?: ResourceRequirements;
  restartCount: number;
  started?: boolean;
  state?: ContainerState;
  stopSignal?: string;
  user?: ContainerUser;
  volumeMounts?: VolumeMountStatus[];
}

/** ResourceStatus represents the status of a single resource allocated to a Pod. */
export interface ResourceStatus {
  name: string;
  resources?: ResourceHealth[];
}

/** ContainerState holds a possible state of container. */
export interface ContainerState {
  running?: ContainerStateRunning;
  terminated?: ContainerStateTerminated;
  waiting?: ContainerStateWaiting;
}

/** ContainerUser represents user identity information */
export interface ContainerUser {
  linux?: LinuxContainerUser;
}

/** VolumeMountStatus shows status of volume mounts. */
export interface VolumeMountStatus {
  mountPath: string;
  name: string;
  readOnly?: boolean;
  recursiveReadOnly?: string;
}

/** ContainerExtendedResourceRequest has the mapping of container name, extended resource name to the device request name. */
export interface ContainerExtendedResourceRequest {
  containerName: string;
  requestName: string;
  resourceName: string;
}

/** ResourceHealth represents the health of a resource. */
export interface ResourceHealth {
  health?: string;
  resourceID: string;
}

/** ContainerStateRunning is a running state of a container. */
export interface ContainerStateRunning {
  startedAt?: string;
}

/** ContainerStateTerminated is a terminated state of a container. */
export interface ContainerStateTerminated {
  containerID?: string;
  exitCode: number;
  finishedAt?: string;
  message?: string;
  reason?: string;
  signal?: number;
  startedAt?: string;
}

/** ContainerStateWaiting is a waiting state of a container. */
export interface ContainerStateWaiting {
  message?: string;
  reason?: string;
}

/** LinuxContainerUser represents user identity information in Linux containers */
export interface LinuxContainerUser {
  gid: number;
  supplementalGroups?: number[];
  uid: number;
}
