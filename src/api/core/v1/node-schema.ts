// Schemas of core/v1 node types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, boolean, bytes, ref, object, mapOf, arrayOf, mergeList, mergeSet, quantity, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const nodeDefinitions: Definitions = {
  [core.Node]: topLevel(
    {
      spec: ref(core.NodeSpec),
      status: ref(core.NodeStatus),
    },
    "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e.",
    {"group":"","version":"v1","kind":"Node"},
  ),
  [core.NodeList]: listOf(core.Node, "NodeList is the whole list of all Nodes which have been registered with master.", {"group":"","version":"v1","kind":"NodeList"}),
  [core.NodeSpec]: object(
    {
      configSource: ref(core.NodeConfigSource),
      externalID: string("Deprecated. Not all kubelets will set this field."),
      podCIDR: string("PodCIDR represents the pod IP range assigned to the node."),
      podCIDRs: mergeSet(string(), "podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node."),
      providerID: string("ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>"),
      taints: arrayOf(ref(core.Taint), "If specified, the node's taints."),
      unschedulable: boolean("Unschedulable controls node schedulability of new pods."),
    },
    { description: "NodeSpec describes the attributes that a node is created with." },
  ),
  [core.NodeStatus]: object(
    {
      addresses: mergeList(ref(core.NodeAddress), "type", "List of addresses reachable to the node."),
      allocatable: mapOf(quantity(), "Allocatable represents the resources of a node that are available for scheduling."),
      capacity: mapOf(quantity(), "Capacity represents the total resources of a node."),
      conditions: mergeList(ref(core.NodeCondition), "type", "Conditions is an array of current observed node conditions."),
      config: ref(core.NodeConfigStatus),
      daemonEndpoints: ref(core.NodeDaemonEndpoints),
      declaredFeatures: arrayOf(string(), "DeclaredFeatures represents the features related to feature gates that are declared by the node."),
      features: ref(core.NodeFeatures),
      images: arrayOf(ref(core.ContainerImage), "List of container images on this node"),
      nodeInfo: ref(core.NodeSystemInfo),
      phase: string("NodePhase is the recently observed lifecycle phase of the node."),
      runtimeHandlers: arrayOf(ref(core.NodeRuntimeHandler), "The available runtime handlers."),
      volumesAttached: arrayOf(ref(core.AttachedVolume), "List of volumes that are attached to the node."),
      volumesInUse: arrayOf(string(), "List of attachable volumes in use (mounted) by the node."),
    },
    { description: "NodeStatus is information about the current status of a node." },
  ),
  [core.NodeConfigSource]: object(
    {
      configMap: ref(core.ConfigMapNodeConfigSource),
    },
    { description: "NodeConfigSource specifies a source of node configuration." },
  ),
  [core.Taint]: object(
    {
      effect: string("Required. The effect of the taint on pods that do not tolerate the taint."),
      key: string("Required. The taint key to be applied to a node."),
      timeAdded: time("TimeAdded represents the time at which the taint was added."),
      value: string("The taint value corresponding to the taint key."),
    },
    { description: "The node this Taint is attached to has the \"effect\" on any pod that does not tolerate the Taint.", required: ["effect","key"] },
  ),
  [core.NodeAddress]: object(
    {
      address: string("The node address."),
      type: string("Node address type, one of Hostname, ExternalIP or InternalIP."),
    },
    { description: "NodeAddress contains information for the node's address.", required: ["address","type"] },
  ),
  [core.NodeCondition]: object(
    {
      lastHeartbeatTime: time("Last time we got an update on a given condition."),
      lastTransitionTime: time("Last time the condition transit from one status to another."),
      message: string("Human readable message indicating details about last transition."),
      reason: string("(brief) reason for the condition's last transition."),
      status: string("Status of the condition, one of True, False, Unknown."),
      type: string("Type of node condition."),
    },
    { description: "NodeCondition contains condition information for a node.", required: ["status","type"] },
  ),
  [core.NodeConfigStatus]: object(
    {
      active: ref(core.NodeConfigSource),
      assigned: ref(core.NodeConfigSource),
      error: string("Error describes any problems reconciling the Spec.ConfigSource to the Active config."),
      lastKnownGood: ref(core.NodeConfigSource),
    },
    { description: "NodeConfigStatus describes the status of the config assigned by Node.Spec.ConfigSource." },
  ),
  [core.NodeDaemonEndpoints]: object(
    {
      kubeletEndpoint: ref(core.DaemonEndpoint),
    },
    { description: "NodeDaemonEndpoints lists ports opened by daemons running on the Node." },
  ),
  [core.NodeFeatures]: object(
    {
      supplementalGroupsPolicy: boolean("SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser."),
    },
    { description: "NodeFeatures describes the set of features implemented by the CRI implementation." },
  ),
  [core.ContainerImage]: object(
    {
      names: arrayOf(string(), "Names by which this image is known. e.g."),
      sizeBytes: int64("The size of the image in bytes."),
    },
    { description: "Describe a container image" },
  ),
  [core.NodeSystemInfo]: object(
    {
      architecture: string("The Architecture reported by the node"),
      bootID: string("Boot ID reported by the node."),
      containerRuntimeVersion: string("ContainerRuntime Version reported by the node through runtime remote API (e.g."),
      kernelVersion: string("Kernel Version reported by the node from 'uname -r' (e.g."),
      kubeletVersion: string("Kubelet Version reported by the node."),
      kubeProxyVersion: string("Deprecated: KubeProxy Version reported by the node."),
      machineID: string("MachineID reported by the node. For unique machine identification in the cluster this field is preferred."),
      operatingSystem: string("The Operating System reported by the node"),
      osImage: string("OS Image reported by the node from /etc/os-release (e.g."),
      swap: ref(core.NodeSwapStatus),
      systemUUID: string("SystemUUID reported by the node. For unique machine identification MachineID is preferred."),
    },
    { description: "NodeSystemInfo is a set of ids/uuids to uniquely identify the node.", required: ["architecture","bootID","containerRuntimeVersion","kernelVersion","kubeletVersion","kubeProxyVersion","machineID","operatingSystem","osImage","systemUUID"] },
  ),
  [core.NodeRuntimeHandler]: object(
    {
      features: ref(core.NodeRuntimeHandlerFeatures),
      name: string("Runtime handler name. Empty for the default runtime handler."),
    },
    { description: "NodeRuntimeHandler is a set of runtime handler information." },
  ),
  [core.AttachedVolume]: object(
    {
      devicePath: string("DevicePath represents the device path where the volume should be available"),
      name: string("Name of the attached volume"),
    },
    { description: "AttachedVolume describes a volume attached to a node", required: ["devicePath","name"] },
  ),
  [core.NodeAffinity]: object(
    {
      preferredDuringSchedulingIgnoredDuringExecution: arrayOf(ref(core.PreferredSchedulingTerm), "The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions."),
      requiredDuringSchedulingIgnoredDuringExecution: ref(core.NodeSelector),
    },
    { description: "Node affinity is a group of node affinity scheduling rules." },
  ),
  [core.ConfigMapNodeConfigSource]: object(
    {
      kubeletConfigKey: string("KubeletConfigKey declares which key of the referenced ConfigMap corresponds to the KubeletConfiguration structure This field is required in all cases."),
      name: string("Name is the metadata.name of the referenced ConfigMap."),
      namespace: string("Namespace is the metadata.namespace of the referenced ConfigMap."),
      resourceVersion: string("ResourceVersion is the metadata.ResourceVersion of the referenced ConfigMap."),
      uid: string("UID is the metadata.UID of the referenced ConfigMap."),
    },
    { description: "ConfigMapNodeConfigSource contains the information to reference a ConfigMap as a config source for the Node.", required: ["kubeletConfigKey","name","namespace"] },
  ),
  [core.DaemonEndpoint]: object(
    {
      Port: int32("Port number of the given endpoint."),
    },
    { description: "DaemonEndpoint contains information about a single Daemon endpoint.", required: ["Port"] },
  ),
  [core.NodeSwapStatus]: object(
    {
      capacity: int64("Total amount of swap memory in bytes."),
    },
    { description: "NodeSwapStatus represents swap memory information." },
  ),
  [core.NodeRuntimeHandlerFeatures]: object(
    {
      recursiveReadOnlyMounts: boolean("RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts."),
      userNamespaces: boolean("UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes."),
    },
    { description: "NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler." },
  ),
  [core.NodeSelector]: object(
    {
      nodeSelectorTerms: arrayOf(ref(core.NodeSelectorTerm), "Required. A list of node selector terms."),
    },
    { description: "A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.", required: ["nodeSelectorTerms"] },
  ),
  [core.NodeSelectorTerm]: object(
    {
      matchExpressions: arrayOf(ref(core.NodeSelectorRequirement), "A list of node selector requirements by node's labels."),
      matchFields: arrayOf(ref(core.NodeSelectorRequirement), "A list of node selector requirements by node's fields."),
    },
    { description: "A null or empty node selector term matches no objects." },
  ),
  [core.NodeSelectorRequirement]: object(
    {
      key: string("The label key that the selector applies to."),
      operator: string("Represents a key's relationship to a set of values."),
      values: arrayOf(string(), "An array of string values. If the operator is In or NotIn, the values array must be non-empty."),
    },
    { description: "A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.", required: ["key","operator"] },
  ),
};
