// Schemas of core/v1 security types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int64, boolean, ref, object, arrayOf } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const securityDefinitions: Definitions = {
  [core.PodSecurityContext]: object(
    {
      appArmorProfile: ref(core.AppArmorProfile),
      fsGroup: int64("A special supplemental group that applies to all containers in a pod."),
      fsGroupChangePolicy: string("fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod."),
      runAsGroup: int64("The GID to run the entrypoint of the container process."),
      runAsNonRoot: boolean("Indicates that the container must run as a non-root user."),
      runAsUser: int64("The UID to run the entrypoint of the container process."),
      seccompProfile: ref(core.SeccompProfile),
      seLinuxChangePolicy: string("seLinuxChangePolicy defines how the container's SELinux label is applied to all volumes used by the Pod."),
      seLinuxOptions: ref(core.SELinuxOptions),
      supplementalGroups: arrayOf(int64(), "A list of groups applied to the first process run in each container, in addition to the container's primary GID and fsGroup (if specified)."),
      supplementalGroupsPolicy: string("Defines how supplemental groups of the first container processes are calculated."),
      sysctls: arrayOf(ref(core.Sysctl), "Sysctls hold a list of namespaced sysctls used for the pod."),
      windowsOptions: ref(core.WindowsSecurityContextOptions),
    },
    { description: "PodSecurityContext holds pod-level security attributes and common container settings." },
  ),
  [core.SecurityContext]: object(
    {
      allowPrivilegeEscalation: boolean("AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process."),
      appArmorProfile: ref(core.AppArmorProfile),
      capabilities: ref(core.Capabilities),
      privileged: boolean("Run container in privileged mode. Processes in privileged containers are essentially equivalent to root on the host."),
      procMount: string("procMount denotes the type of proc mount to use for the containers."),
      readOnlyRootFilesystem: boolean("Whether this container has a read-only root filesystem."),
      runAsGroup: int64("The GID to run the entrypoint of the container process."),
      runAsNonRoot: boolean("Indicates that the container must run as a non-root user."),
      runAsUser: int64("The UID to run the entrypoint of the container process."),
      seccompProfile: ref(core.SeccompProfile),
      seLinuxOptions: ref(core.SELinuxOptions),
      windowsOptions: ref(core.WindowsSecurityContextOptions),
    },
    { description: "SecurityContext holds security configuration that will be applied to a container." },
  ),
  [core.AppArmorProfile]: object(
    {
      localhostProfile: string("localhostProfile indicates a profile loaded on the node that should be used."),
      type: string("type indicates which kind of AppArmor profile will be applied."),
    },
    { description: "AppArmorProfile defines a pod or container's AppArmor settings.", required: ["type"] },
  ),
  [core.SELinuxOptions]: object(
    {
      level: string("Level is SELinux level label that applies to the container."),
      role: string("Role is a SELinux role label that applies to the container."),
      type: string("Type is a SELinux type label that applies to the container."),
      user: string("User is a SELinux user label that applies to the container."),
    },
    { description: "SELinuxOptions are the labels to be applied to the container" },
  ),
  [core.SeccompProfile]: object(
    {
      localhostProfile: string("localhostProfile indicates a profile defined in a file on the node should be used."),
      type: string("type indicates which kind of seccomp profile will be applied."),
    },
    { description: "SeccompProfile defines a pod/container's seccomp profile settings.", required: ["type"] },
  ),
  [core.Sysctl]: object(
    {
      name: string("Name of a property to set"),
      value: string("Value of a property to set"),
    },
    { description: "Sysctl defines a kernel parameter to be set", required: ["name","value"] },
  ),
  [core.WindowsSecurityContextOptions]: object(
    {
      gmsaCredentialSpec: string("GMSACredentialSpec is where the GMSA admission webhook (https://github.com/kubernetes-sigs/windows-gmsa) inlines the contents of the GMSA credential spec named by the GMSACredentialSpecName field."),
      gmsaCredentialSpecName: string("GMSACredentialSpecName is the name of the GMSA credential spec to use."),
      hostProcess: boolean("HostProcess determines if a container should be run as a 'Host Process' container."),
      runAsUserName: string("The UserName in Windows to run the entrypoint of the container process."),
    },
    { description: "WindowsSecurityContextOptions contain Windows-specific options and credentials." },
  ),
  [core.Capabilities]: object(
    {
      add: arrayOf(string(), "Added capabilities"),
      drop: arrayOf(string(), "Removed capabilities"),
    },
    { description: "Adds and removes POSIX capabilities from running containers." },
  ),
};
