// Schemas of core/v1 service types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, boolean, ref, object, mapOf, arrayOf, mergeList, intOrString, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const serviceDefinitions: Definitions = {
  [core.Service]: topLevel(
    {
      spec: ref(core.ServiceSpec),
      status: ref(core.ServiceStatus),
    },
    "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
    {"group":"","version":"v1","kind":"Service"},
  ),
  [core.ServiceList]: listOf(core.Service, "ServiceList holds a list of services.", {"group":"","version":"v1","kind":"ServiceList"}),
  [core.ServiceSpec]: object(
    {
      allocateLoadBalancerNodePorts: boolean("allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer."),
      clusterIP: string("clusterIP is the IP address of the service and is usually assigned randomly."),
      clusterIPs: arrayOf(string(), "ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly."),
      externalIPs: arrayOf(string(), "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
      externalName: string("externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g."),
      externalTrafficPolicy: string("externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service's \"externally-facing\" addresses (NodePorts, ExternalIPs, and LoadBalancer IPs)."),
      healthCheckNodePort: int32("healthCheckNodePort specifies the healthcheck nodePort for the service."),
      internalTrafficPolicy: string("InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP."),
      ipFamilies: arrayOf(string(), "IPFamilies is a list of IP families (e.g."),
      ipFamilyPolicy: string("IPFamilyPolicy represents the dual-stack-ness requested or required by this Service."),
      loadBalancerClass: string("loadBalancerClass is the class of the load balancer implementation this Service belongs to."),
      loadBalancerIP: string("Only applies to Service Type: LoadBalancer."),
      loadBalancerSourceRanges: arrayOf(string(), "If specified and supported by the platform, this will restrict traffic through the cloud-provider load-balancer will be restricted to the specified client IPs."),
      ports: mergeList(ref(core.ServicePort), "port", "The list of ports that are exposed by this service.", ["port","protocol"]),
      publishNotReadyAddresses: boolean("publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready."),
      selector: mapOf(string(), "Route service traffic to pods with label keys and values matching this selector."),
      sessionAffinity: string("Supports \"ClientIP\" and \"None\". Used to maintain session affinity."),
      sessionAffinityConfig: ref(core.SessionAffinityConfig),
      trafficDistribution: string("TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints."),
      type: string("type determines how the Service is exposed."),
    },
    { description: "ServiceSpec describes the attributes that a user creates on a service." },
  ),
  [core.ServiceStatus]: object(
    {
      conditions: mergeList(ref(meta.Condition), "type", "Current service state"),
      loadBalancer: ref(core.LoadBalancerStatus),
    },
    { description: "ServiceStatus represents the current status of a service." },
  ),
  [core.ServicePort]: object(
    {
      appProtocol: string("The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand."),
      name: string("The name of this port within the service."),
      nodePort: int32("The port on each node on which this service is exposed when type is NodePort or LoadBalancer."),
      port: int32("The port that will be exposed by this service."),
      protocol: string("The IP protocol for this port. Supports \"TCP\", \"UDP\", and \"SCTP\".", { default: "TCP" }),
      targetPort: intOrString("IntOrString is a type that can hold an int32 or a string."),
    },
    { description: "ServicePort contains information on service's port.", required: ["port"] },
  ),
  [core.SessionAffinityConfig]: object(
    {
      clientIP: ref(core.ClientIPConfig),
    },
    { description: "SessionAffinityConfig represents the configurations of session affinity." },
  ),
  [core.LoadBalancerStatus]: object(
    {
      ingress: arrayOf(ref(core.LoadBalancerIngress), "Ingress is a list containing ingress points for the load-balancer."),
    },
    { description: "LoadBalancerStatus represents the status of a load-balancer." },
  ),
  [core.ClientIPConfig]: object(
    {
      timeoutSeconds: int32("timeoutSeconds specifies the seconds of ClientIP type session sticky time."),
    },
    { description: "ClientIPConfig represents the configurations of Client IP based session affinity." },
  ),
  [core.LoadBalancerIngress]: object(
    {
      hostname: string("Hostname is set for load-balancer ingress points that are DNS based (typically AWS load-balancers)"),
      ip: string("IP is set for load-balancer ingress points that are IP based (typically GCE or OpenStack load-balancers)"),
      ipMode: string("IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified."),
      ports: arrayOf(ref(core.PortStatus), "Ports is a list of records of service ports If used, every port defined in the service should have an entry in it"),
    },
    { description: "LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point." },
  ),
  [core.PortStatus]: object(
    {
      error: string("Error is to record the problem with the service port The format of the error shall comply with the following rules: - built-in error values shall be specified in this file and those shall use CamelCase names - cloud provider specific error values must have names that comply with the format foo.example.com/CamelCase."),
      port: int32("Port is the port number of the service port of which status is recorded here"),
      protocol: string("Protocol is the protocol of the service port of which status is recorded here The supported values are: \"TCP\", \"UDP\", \"SCTP\""),
    },
    { description: "PortStatus represents the error condition of a service port", required: ["port","protocol"] },
  ),
};
