// Schemas of core/v1 endpoints types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, ref, object, arrayOf, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const endpointsDefinitions: Definitions = {
  [core.Endpoints]: topLevel(
    {
      subsets: arrayOf(ref(core.EndpointSubset), "The set of all endpoints is the union of all subsets."),
    },
    "Endpoints is a collection of endpoints that implement the actual service.",
    {"group":"","version":"v1","kind":"Endpoints"},
  ),
  [core.EndpointsList]: listOf(core.Endpoints, "EndpointsList is a list of endpoints. Deprecated: This API is deprecated in v1.33+.", {"group":"","version":"v1","kind":"EndpointsList"}),
  [core.EndpointSubset]: object(
    {
      addresses: arrayOf(ref(core.EndpointAddress), "IP addresses which offer the related ports that are marked as ready."),
      notReadyAddresses: arrayOf(ref(core.EndpointAddress), "IP addresses which offer the related ports but are not currently marked as ready because they have not yet finished starting, have recently failed a readiness check, or have recently failed a liveness check."),
      ports: arrayOf(ref(core.EndpointPort), "Port numbers available on the related IP addresses."),
    },
    { description: "EndpointSubset is a group of addresses with a common set of ports." },
  ),
  [core.EndpointAddress]: object(
    {
      hostname: string("The Hostname of this endpoint"),
      ip: string("The IP of this endpoint. May not be loopback (127.0.0.0/8 or ::1), link-local (169.254.0.0/16 or fe80::/10), or link-local multicast (224.0.0.0/24 or ff02::/16)."),
      nodeName: string("Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node."),
      targetRef: ref(core.ObjectReference),
    },
    { description: "EndpointAddress is a tuple that describes single IP address.", required: ["ip"] },
  ),
  [core.EndpointPort]: object(
    {
      appProtocol: string("The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand."),
      name: string("The name of this port. This must match the 'name' field in the corresponding ServicePort."),
      port: int32("The port number of the endpoint."),
      protocol: string("The IP protocol for this port. Must be UDP, TCP, or SCTP."),
    },
    { description: "EndpointPort is a tuple that describes a single port.", required: ["port"] },
  ),
};
