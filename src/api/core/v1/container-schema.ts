// Schemas of core/v1 container types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, boolean, ref, object, mapOf, arrayOf, mergeList, quantity } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const containerDefinitions: Definitions = {
  [core.Container]: object(
    {
      args: arrayOf(string(), "Arguments to the entrypoint. The container image's CMD is used if this is not provided."),
      command: arrayOf(string(), "Entrypoint array. Not executed within a shell."),
      env: mergeList(ref(core.EnvVar), "name", "List of environment variables to set in the container."),
      envFrom: arrayOf(ref(core.EnvFromSource), "List of sources to populate environment variables in the container."),
      image: string("Container image name. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets."),
      imagePullPolicy: string("Image pull policy. One of Always, Never, IfNotPresent."),
      lifecycle: ref(core.Lifecycle),
      livenessProbe: ref(core.Probe),
      name: string("Name of the container specified as a DNS_LABEL."),
      ports: mergeList(ref(core.ContainerPort), "containerPort", "List of ports to expose from the container.", ["containerPort","protocol"]),
      readinessProbe: ref(core.Probe),
      resizePolicy: arrayOf(ref(core.ContainerResizePolicy), "Resources resize policy for the container."),
      resources: ref(core.ResourceRequirements),
      restartPolicy: string("RestartPolicy defines the restart behavior of individual containers in a pod."),
      restartPolicyRules: arrayOf(ref(core.ContainerRestartRule), "Represents a list of rules to be checked to determine if the container should be restarted on exit."),
      securityContext: ref(core.SecurityContext),
      startupProbe: ref(core.Probe),
      stdin: boolean("Whether this container should allocate a buffer for stdin in the container runtime."),
      stdinOnce: boolean("Whether the container runtime should close the stdin channel after it has been opened by a single attach."),
      terminationMessagePath: string("Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem."),
      terminationMessagePolicy: string("Indicate how the termination message should be populated."),
      tty: boolean("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true."),
      volumeDevices: mergeList(ref(core.VolumeDevice), "devicePath", "volumeDevices is the list of block devices to be used by the container."),
      volumeMounts: mergeList(ref(core.VolumeMount), "mountPath", "Pod volumes to mount into the container's filesystem."),
      workingDir: string("Container's working directory. If not specified, the container runtime's default will be used, which might be configured in the container image."),
    },
    { description: "A single application container that you want to run within a pod.", required: ["name"] },
  ),
  [core.EphemeralContainer]: object(
    {
      args: arrayOf(string(), "Arguments to the entrypoint. The image's CMD is used if this is not provided."),
      command: arrayOf(string(), "Entrypoint array. Not executed within a shell."),
      env: mergeList(ref(core.EnvVar), "name", "List of environment variables to set in the container."),
      envFrom: arrayOf(ref(core.EnvFromSource), "List of sources to populate environment variables in the container."),
      image: string("Container image name."),
      imagePullPolicy: string("Image pull policy. One of Always, Never, IfNotPresent."),
      lifecycle: ref(core.Lifecycle),
      livenessProbe: ref(core.Probe),
      name: string("Name of the ephemeral container specified as a DNS_LABEL."),
      ports: mergeList(ref(core.ContainerPort), "containerPort", "Ports are not allowed for ephemeral containers.", ["containerPort","protocol"]),
      readinessProbe: ref(core.Probe),
      resizePolicy: arrayOf(ref(core.ContainerResizePolicy), "Resources resize policy for the container."),
      resources: ref(core.ResourceRequirements),
      restartPolicy: string("Restart policy for the container to manage the restart behavior of each container within a pod."),
      restartPolicyRules: arrayOf(ref(core.ContainerRestartRule), "Represents a list of rules to be checked to determine if the container should be restarted on exit."),
      securityContext: ref(core.SecurityContext),
      startupProbe: ref(core.Probe),
      stdin: boolean("Whether this container should allocate a buffer for stdin in the container runtime."),
      stdinOnce: boolean("Whether the container runtime should close the stdin channel after it has been opened by a single attach."),
      targetContainerName: string("If set, the name of the container from PodSpec that this ephemeral container targets."),
      terminationMessagePath: string("Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem."),
      terminationMessagePolicy: string("Indicate how the termination message should be populated."),
      tty: boolean("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true."),
      volumeDevices: mergeList(ref(core.VolumeDevice), "devicePath", "volumeDevices is the list of block devices to be used by the container."),
      volumeMounts: mergeList(ref(core.VolumeMount), "mountPath", "Pod volumes to mount into the container's filesystem."),
      workingDir: string("Container's working directory. If not specified, the container runtime's default will be used, which might be configured in the container image."),
    },
    { description: "An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging.", required: ["name"] },
  ),
  [core.ResourceRequirements]: object(
    {
      claims: arrayOf(ref(core.ResourceClaim), "Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container."),
      limits: mapOf(quantity(), "Limits describes the maximum amount of compute resources allowed."),
      requests: mapOf(quantity(), "Requests describes the minimum amount of compute resources required."),
    },
    { description: "ResourceRequirements describes the compute resource requirements." },
  ),
  [core.EnvVar]: object(
    {
      name: string("Name of the environment variable. May consist of any printable ASCII characters except '='."),
      value: string("Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables."),
      valueFrom: ref(core.EnvVarSource),
    },
    { description: "EnvVar represents an environment variable present in a Container.", required: ["name"] },
  ),
  [core.EnvFromSource]: object(
    {
      configMapRef: ref(core.ConfigMapEnvSource),
      prefix: string("Optional text to prepend to the name of each environment variable."),
      secretRef: ref(core.SecretEnvSource),
    },
    { description: "EnvFromSource represents the source of a set of ConfigMaps or Secrets" },
  ),
  [core.ContainerPort]: object(
    {
      containerPort: int32("Number of port to expose on the pod's IP address."),
      hostIP: string("What host IP to bind the external port to."),
      hostPort: int32("Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536."),
      name: string("If specified, this must be an IANA_SVC_NAME and unique within the pod."),
      protocol: string("Protocol for port. Must be UDP, TCP, or SCTP.", { default: "TCP" }),
    },
    { description: "ContainerPort represents a network port in a single container.", required: ["containerPort"] },
  ),
  [core.ContainerResizePolicy]: object(
    {
      resourceName: string("Name of the resource to which this resource resize policy applies."),
      restartPolicy: string("Restart policy to apply when specified resource is resized."),
    },
    { description: "ContainerResizePolicy represents resource resize policy for the container.", required: ["resourceName","restartPolicy"] },
  ),
  [core.ContainerRestartRule]: object(
    {
      action: string("Specifies the action taken on a container exit if the requirements are satisfied."),
      exitCodes: ref(core.ContainerRestartRuleOnExitCodes),
    },
    { description: "ContainerRestartRule describes how a container exit is handled.", required: ["action"] },
  ),
  [core.VolumeDevice]: object(
    {
      devicePath: string("devicePath is the path inside of the container that the device will be mapped to."),
      name: string("name must match the name of a persistentVolumeClaim in the pod"),
    },
    { description: "volumeDevice describes a mapping of a raw block device within a container.", required: ["devicePath","name"] },
  ),
  [core.VolumeMount]: object(
    {
      mountPath: string("Path within the container at which the volume should be mounted."),
      mountPropagation: string("mountPropagation determines how mounts are propagated from the host to container and the other way around."),
      name: string("This must match the Name of a Volume."),
      readOnly: boolean("Mounted read-only if true, read-write otherwise (false or unspecified)."),
      recursiveReadOnly: string("RecursiveReadOnly specifies whether read-only mounts should be handled recursively."),
      subPath: string("Path within the volume from which the container's volume should be mounted."),
      subPathExpr: string("Expanded path within the volume from which the container's volume should be mounted."),
    },
    { description: "VolumeMount describes a mounting of a Volume within a container.", required: ["mountPath","name"] },
  ),
  [core.ResourceClaim]: object(
    {
      name: string("Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used."),
      request: string("Request is the name chosen for a request in the referenced claim."),
    },
    { description: "ResourceClaim references one entry in PodSpec.ResourceClaims.", required: ["name"] },
  ),
  [core.EnvVarSource]: object(
    {
      configMapKeyRef: ref(core.ConfigMapKeySelector),
      fieldRef: ref(core.ObjectFieldSelector),
      fileKeyRef: ref(core.FileKeySelector),
      resourceFieldRef: ref(core.ResourceFieldSelector),
      secretKeyRef: ref(core.SecretKeySelector),
    },
    { description: "EnvVarSource represents a source for the value of an EnvVar." },
  ),
  [core.ConfigMapEnvSource]: object(
    {
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("Specify whether the ConfigMap must be defined"),
    },
    { description: "ConfigMapEnvSource selects a ConfigMap to populate the environment variables with." },
  ),
  [core.SecretEnvSource]: object(
    {
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("Specify whether the Secret must be defined"),
    },
    { description: "SecretEnvSource selects a Secret to populate the environment variables with." },
  ),
  [core.ContainerRestartRuleOnExitCodes]: object(
    {
      operator: string("Represents the relationship between the container exit code(s) and the specified values."),
      values: arrayOf(int32(), "Specifies the set of values to check for container exit codes."),
    },
    { description: "ContainerRestartRuleOnExitCodes describes the condition for handling an exited container based on its exit codes.", required: ["operator"] },
  ),
  [core.ConfigMapKeySelector]: object(
    {
      key: string("The key to select."),
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("Specify whether the ConfigMap or its key must be defined"),
    },
    { description: "Selects a key from a ConfigMap.", required: ["key"] },
  ),
  [core.ObjectFieldSelector]: object(
    {
      apiVersion: string("Version of the schema the FieldPath is written in terms of, defaults to \"v1\"."),
      fieldPath: string("Path of the field to select in the specified API version."),
    },
    { description: "ObjectFieldSelector selects an APIVersioned field of an object.", required: ["fieldPath"] },
  ),
  [core.FileKeySelector]: object(
    {
      key: string("The key within the env file. An invalid key will prevent the pod from starting."),
      optional: boolean("Specify whether the file or its key must be defined."),
      path: string("The path within the volume from which to select the file."),
      volumeName: string("The name of the volume mount containing the env file."),
    },
    { description: "FileKeySelector selects a key of the env file.", required: ["key","path","volumeName"] },
  ),
  [core.ResourceFieldSelector]: object(
    {
      containerName: string("Container name: required for volumes, optional for env vars"),
      divisor: quantity("Specifies the output format of the exposed resources, defaults to \"1\""),
      resource: string("Required: resource to select"),
    },
    { description: "ResourceFieldSelector represents container resources (cpu, memory) and their output format", required: ["resource"] },
  ),
  [core.SecretKeySelector]: object(
    {
      key: string("The key of the secret to select from. Must be a valid secret key."),
      name: string("Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty."),
      optional: boolean("Specify whether the Secret or its key must be defined"),
    },
    { description: "SecretKeySelector selects a key of a Secret.", required: ["key"] },
  ),
};
