// Schemas of core/v1 pod types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, boolean, ref, object, mapOf, arrayOf, mergeList, quantity, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const podDefinitions: Definitions = {
  [core.Pod]: topLevel(
    {
      spec: ref(core.PodSpec),
      status: ref(core.PodStatus),
    },
    "Pod is a collection of containers that can run on a host.",
    {"group":"","version":"v1","kind":"Pod"},
  ),
  [core.PodList]: listOf(core.Pod, "PodList is a list of Pods.", {"group":"","version":"v1","kind":"PodList"}),
  [core.PodTemplate]: topLevel(
    {
      template: ref(core.PodTemplateSpec),
    },
    "PodTemplate describes a template for creating copies of a predefined pod.",
    {"group":"","version":"v1","kind":"PodTemplate"},
  ),
  [core.PodTemplateList]: listOf(core.PodTemplate, "PodTemplateList is a list of PodTemplates.", {"group":"","version":"v1","kind":"PodTemplateList"}),
  [core.PodSpec]: object(
    {
      activeDeadlineSeconds: int64("Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers."),
      affinity: ref(core.Affinity),
      automountServiceAccountToken: boolean("AutomountServiceAccountToken indicates whether a service account token should be automatically mounted."),
      containers: mergeList(ref(core.Container), "name", "List of containers belonging to the pod."),
      dnsConfig: ref(core.PodDNSConfig),
      dnsPolicy: string("Set DNS policy for the pod. Defaults to \"ClusterFirst\"."),
      enableServiceLinks: boolean("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables, matching the syntax of Docker links."),
      ephemeralContainers: mergeList(ref(core.EphemeralContainer), "name", "List of ephemeral containers run in this pod."),
      hostAliases: mergeList(ref(core.HostAlias), "ip", "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified."),
      hostIPC: boolean("Use the host's ipc namespace. Optional: Default to false."),
      hostname: string("Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value."),
      hostnameOverride: string("HostnameOverride specifies an explicit override for the pod's hostname as perceived by the pod."),
      hostNetwork: boolean("Host networking requested for this pod. Use the host's network namespace."),
      hostPID: boolean("Use the host's pid namespace. Optional: Default to false."),
      hostUsers: boolean("Use the host's user namespace. Optional: Default to true."),
      imagePullSecrets: mergeList(ref(core.LocalObjectReference), "name", "ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec."),
      initContainers: mergeList(ref(core.Container), "name", "List of initialization containers belonging to the pod."),
      nodeName: string("NodeName indicates in which node this pod is scheduled."),
      nodeSelector: mapOf(string(), "NodeSelector is a selector which must be true for the pod to fit on a node."),
      os: ref(core.PodOS),
      overhead: mapOf(quantity(), "Overhead represents the resource overhead associated with running a pod for a given RuntimeClass."),
      preemptionPolicy: string("PreemptionPolicy is the Policy for preempting pods with lower priority."),
      priority: int32("The priority value. Various system components use this field to find the priority of the pod."),
      priorityClassName: string("If specified, indicates the pod's priority."),
      readinessGates: arrayOf(ref(core.PodReadinessGate), "If specified, all readiness gates will be evaluated for pod readiness."),
      resourceClaims: { ...mergeList(ref(core.PodResourceClaim), "name", "ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start."), "x-kubernetes-patch-strategy": "merge,retainKeys" },
      resources: ref(core.ResourceRequirements),
      restartPolicy: string("Restart policy for all containers within the pod."),
      runtimeClassName: string("RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod."),
      schedulerName: string("If specified, the pod will be dispatched by specified scheduler."),
      schedulingGates: mergeList(ref(core.PodSchedulingGate), "name", "SchedulingGates is an opaque list of values that if specified will block scheduling the pod."),
      securityContext: ref(core.PodSecurityContext),
      serviceAccount: string("DeprecatedServiceAccount is a deprecated alias for ServiceAccountName."),
      serviceAccountName: string("ServiceAccountName is the name of the ServiceAccount to use to run this pod."),
      setHostnameAsFQDN: boolean("If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default)."),
      shareProcessNamespace: boolean("Share a single process namespace between all of the containers in a pod."),
      subdomain: string("If specified, the fully qualified Pod hostname will be \"<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>\"."),
      terminationGracePeriodSeconds: int64("Optional duration in seconds the pod needs to terminate gracefully."),
      tolerations: arrayOf(ref(core.Toleration), "If specified, the pod's tolerations."),
      topologySpreadConstraints: mergeList(ref(core.TopologySpreadConstraint), "topologyKey", "TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.", ["topologyKey","whenUnsatisfiable"]),
      volumes: { ...mergeList(ref(core.Volume), "name", "List of volumes that can be mounted by containers belonging to the pod."), "x-kubernetes-patch-strategy": "merge,retainKeys" },
      workloadRef: ref(core.WorkloadReference, "WorkloadRef provides a reference to the Workload object that this Pod belongs to."),
    },
    { description: "PodSpec is a description of a pod.", required: ["containers"] },
  ),
  [core.PodStatus]: object(
    {
      conditions: mergeList(ref(core.PodCondition), "type", "Current service state of pod."),
      containerStatuses: arrayOf(ref(core.ContainerStatus), "Statuses of containers in this pod. Each container in the pod should have at most one status in this list, and all statuses should be for containers in the pod."),
      ephemeralContainerStatuses: arrayOf(ref(core.ContainerStatus), "Statuses for any ephemeral containers that have run in this pod."),
      extendedResourceClaimStatus: ref(core.PodExtendedResourceClaimStatus),
      hostIP: string("hostIP holds the IP address of the host to which the pod is assigned."),
      hostIPs: mergeList(ref(core.HostIP), "ip", "hostIPs holds the IP addresses allocated to the host."),
      initContainerStatuses: arrayOf(ref(core.ContainerStatus), "Statuses of init containers in this pod."),
      message: string("A human readable message indicating details about why the pod is in this condition."),
      nominatedNodeName: string("nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
      observedGeneration: int64("If set, this represents the .metadata.generation that the pod status was set based upon."),
      phase: string("The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle."),
      podIP: string("podIP address allocated to the pod. Routable at least within the cluster."),
      podIPs: mergeList(ref(core.PodIP), "ip", "podIPs holds the IP addresses allocated to the pod."),
      qosClass: string("The Quality of Service (QOS) classification assigned to the pod based on resource requirements See PodQOSClass type for available QOS classes More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#quality-of-service-classes"),
      reason: string("A brief CamelCase message indicating details about why the pod is in this state."),
      resize: string("Status of resources resize desired for pod's containers."),
      resourceClaimStatuses: { ...mergeList(ref(core.PodResourceClaimStatus), "name", "Status of resource claims."), "x-kubernetes-patch-strategy": "merge,retainKeys" },
      startTime: time("RFC 3339 date and time at which the object was acknowledged by the Kubelet."),
    },
    { description: "PodStatus represents information about the status of a pod." },
  ),
  [core.PodTemplateSpec]: object(
    {
      metadata: ref(meta.ObjectMeta),
      spec: ref(core.PodSpec),
    },
    { description: "PodTemplateSpec describes the data a pod should have when created from a template" },
  ),
  [core.PodDNSConfig]: object(
    {
      nameservers: arrayOf(string(), "A list of DNS name server IP addresses. This will be appended to the base nameservers generated from DNSPolicy."),
      options: arrayOf(ref(core.PodDNSConfigOption), "A list of DNS resolver options. This will be merged with the base options generated from DNSPolicy."),
      searches: arrayOf(string(), "A list of DNS search domains for host-name lookup."),
    },
    { description: "PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy." },
  ),
  [core.HostAlias]: object(
    {
      hostnames: arrayOf(string(), "Hostnames for the above IP address."),
      ip: string("IP address of the host file entry."),
    },
    { description: "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.", required: ["ip"] },
  ),
  [core.PodOS]: object(
    {
      name: string("Name is the name of the operating system."),
    },
    { description: "PodOS defines the OS parameters of a pod.", required: ["name"] },
  ),
  [core.PodReadinessGate]: object(
    {
      conditionType: string("ConditionType refers to a condition in the pod's condition list with matching type."),
    },
    { description: "PodReadinessGate contains the reference to a pod condition", required: ["conditionType"] },
  ),
  [core.PodResourceClaim]: object(
    {
      name: string("Name uniquely identifies this resource claim inside the pod."),
      resourceClaimName: string("ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod."),
      resourceClaimTemplateName: string("ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod."),
    },
    { description: "PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod.", required: ["name"] },
  ),
  [core.PodSchedulingGate]: object(
    {
      name: string("Name of the scheduling gate. Each scheduling gate must have a unique name field."),
    },
    { description: "PodSchedulingGate is associated to a Pod to guard its scheduling.", required: ["name"] },
  ),
  [core.WorkloadReference]: object(
    {
      name: string("Name defines the name of the Workload object this Pod belongs to."),
      podGroup: string("PodGroup is the name of the PodGroup within the Workload that this Pod belongs to."),
      podGroupReplicaKey: string("PodGroupReplicaKey specifies the replica key of the PodGroup to which this Pod belongs."),
    },
    { description: "WorkloadReference identifies the Workload object and PodGroup membership that a Pod belongs to.", required: ["name","podGroup"] },
  ),
  [core.PodCondition]: object(
    {
      lastProbeTime: time("Last time we probed the condition."),
      lastTransitionTime: time("Last time the condition transitioned from one status to another."),
      message: string("Human-readable message indicating details about last transition."),
      observedGeneration: int64("If set, this represents the .metadata.generation that the pod condition was set based upon."),
      reason: string("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: string("Status is the status of the condition. Can be True, False, Unknown."),
      type: string("Type is the type of the condition."),
    },
    { description: "PodCondition contains details for the current condition of this pod.", required: ["status","type"] },
  ),
  [core.PodExtendedResourceClaimStatus]: object(
    {
      requestMappings: arrayOf(ref(core.ContainerExtendedResourceRequest), "RequestMappings identifies the mapping of <container, extended resource backed by DRA> to device request in the generated ResourceClaim."),
      resourceClaimName: string("ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod."),
    },
    { description: "PodExtendedResourceClaimStatus is stored in the PodStatus for the extended resource requests backed by DRA.", required: ["requestMappings","resourceClaimName"] },
  ),
  [core.HostIP]: object(
    {
      ip: string("IP is the IP address assigned to the host"),
    },
    { description: "HostIP represents a single IP address allocated to the host.", required: ["ip"] },
  ),
  [core.PodIP]: object(
    {
      ip: string("IP is the IP address assigned to the pod"),
    },
    { description: "PodIP represents a single IP address allocated to the pod.", required: ["ip"] },
  ),
  [core.PodResourceClaimStatus]: object(
    {
      name: string("Name uniquely identifies this resource claim inside the pod."),
      resourceClaimName: string("ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod."),
    },
    { description: "PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate.", required: ["name"] },
  ),
  [core.PodDNSConfigOption]: object(
    {
      name: string("Name is this DNS resolver option's name."),
      value: string("Value is this DNS resolver option's value."),
    },
    { description: "PodDNSConfigOption defines DNS resolver options of a pod." },
  ),
};
