// Schemas of core/v1 container-status types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, boolean, ref, object, mapOf, arrayOf, mergeList, quantity, time } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const containerStatusDefinitions: Definitions = {
  [core.ContainerStatus]: object(
    {
      allocatedResources: mapOf(quantity(), "AllocatedResources represents the compute resources allocated for this container by the node."),
      allocatedResourcesStatus: mergeList(ref(core.ResourceStatus), "name", "AllocatedResourcesStatus represents the status of various resources allocated for this Pod."),
      containerID: string("ContainerID is the ID of the container in the format '<type>://<container_id>'."),
      image: string("Image is the name of container image that the container is running."),
      imageID: string("ImageID is the image ID of the container's image."),
      lastState: ref(core.ContainerState),
      name: string("Name is a DNS_LABEL representing the unique name of the container."),
      ready: boolean("Ready specifies whether the container is currently passing its readiness check."),
      resources: ref(core.ResourceRequirements),
      restartCount: int32("RestartCount holds the number of times the container has been restarted."),
      started: boolean("Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe."),
      state: ref(core.ContainerState),
      stopSignal: string("StopSignal reports the effective stop signal for this container"),
      user: ref(core.ContainerUser),
      volumeMounts: mergeList(ref(core.VolumeMountStatus), "mountPath", "Status of volume mounts."),
    },
    { description: "ContainerStatus contains details for the current status of this container.", required: ["image","imageID","name","ready","restartCount"] },
  ),
  [core.ResourceStatus]: object(
    {
      name: string("Name of the resource. Must be unique within the pod and in case of non-DRA resource, match one of the resources from the pod spec."),
      resources: arrayOf(ref(core.ResourceHealth), "List of unique resources health. Each element in the list contains an unique resource ID and its health."),
    },
    { description: "ResourceStatus represents the status of a single resource allocated to a Pod.", required: ["name"] },
  ),
  [core.ContainerState]: object(
    {
      running: ref(core.ContainerStateRunning),
      terminated: ref(core.ContainerStateTerminated),
      waiting: ref(core.ContainerStateWaiting),
    },
    { description: "ContainerState holds a possible state of container." },
  ),
  [core.ContainerUser]: object(
    {
      linux: ref(core.LinuxContainerUser),
    },
    { description: "ContainerUser represents user identity information" },
  ),
  [core.VolumeMountStatus]: object(
    {
      mountPath: string("MountPath corresponds to the original VolumeMount."),
      name: string("Name corresponds to the name of the original VolumeMount."),
      readOnly: boolean("ReadOnly corresponds to the original VolumeMount."),
      recursiveReadOnly: string("RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts)."),
    },
    { description: "VolumeMountStatus shows status of volume mounts.", required: ["mountPath","name"] },
  ),
  [core.ContainerExtendedResourceRequest]: object(
    {
      containerName: string("The name of the container requesting resources."),
      requestName: string("The name of the request in the special ResourceClaim which corresponds to the extended resource."),
      resourceName: string("The name of the extended resource in that container which gets backed by DRA."),
    },
    { description: "ContainerExtendedResourceRequest has the mapping of container name, extended resource name to the device request name.", required: ["containerName","requestName","resourceName"] },
  ),
  [core.ResourceHealth]: object(
    {
      health: string("Health of the resource. can be one of: - Healthy: operates as normal - Unhealthy: reported unhealthy."),
      resourceID: string("ResourceID is the unique identifier of the resource."),
    },
    { description: "ResourceHealth represents the health of a resource.", required: ["resourceID"] },
  ),
  [core.ContainerStateRunning]: object(
    {
      startedAt: time("Time at which the container was last (re-)started"),
    },
    { description: "ContainerStateRunning is a running state of a container." },
  ),
  [core.ContainerStateTerminated]: object(
    {
      containerID: string("Container's ID in the format '<type>://<container_id>'"),
      exitCode: int32("Exit status from the last termination of the container"),
      finishedAt: time("Time at which the container last terminated"),
      message: string("Message regarding the last termination of the container"),
      reason: string("(brief) reason from the last termination of the container"),
      signal: int32("Signal from the last termination of the container"),
      startedAt: time("Time at which previous execution of the container started"),
    },
    { description: "ContainerStateTerminated is a terminated state of a container.", required: ["exitCode"] },
  ),
  [core.ContainerStateWaiting]: object(
    {
      message: string("Message regarding why the container is not yet running."),
      reason: string("(brief) reason the container is not yet running."),
    },
    { description: "ContainerStateWaiting is a waiting state of a container." },
  ),
  [core.LinuxContainerUser]: object(
    {
      gid: int64("GID is the primary gid initially attached to the first process in the container"),
      supplementalGroups: arrayOf(int64(), "SupplementalGroups are the supplemental groups initially attached to the first process in the container"),
      uid: int64("UID is the primary uid initially attached to the first process in the container"),
    },
    { description: "LinuxContainerUser represents user identity information in Linux containers", required: ["gid","uid"] },
  ),
};
