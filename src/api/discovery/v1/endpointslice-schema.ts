// Schemas of io.k8s.api.discovery.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, boolean, ref, object, mapOf, arrayOf, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const endpointsliceDefinitions: Definitions = {
  [n.EndpointSlice]: withRequired(topLevel(
    {
      addressType: string("addressType specifies the type of address carried by this EndpointSlice."),
      endpoints: arrayOf(ref(n.Endpoint), "endpoints is a list of unique endpoints in this slice.", {"x-kubernetes-list-type":"atomic"}),
      ports: arrayOf(ref(n.EndpointPort), "ports specifies the list of network ports exposed by each endpoint in this slice.", {"x-kubernetes-list-type":"atomic"}),
    },
    "EndpointSlice represents a set of service endpoints.",
    {"group":"discovery.k8s.io","version":"v1","kind":"EndpointSlice"},
  ), ["addressType","endpoints"]),
  [n.EndpointSliceList]: listOf(n.EndpointSlice, "EndpointSliceList represents a list of endpoint slices", {"group":"discovery.k8s.io","version":"v1","kind":"EndpointSliceList"}),
  [n.Endpoint]: object(
    {
      addresses: arrayOf(string(), "addresses of this endpoint. For EndpointSlices of addressType \"IPv4\" or \"IPv6\", the values are IP addresses in canonical form.", {"x-kubernetes-list-type":"set"}),
      conditions: ref(n.EndpointConditions, "conditions contains information about the current status of the endpoint."),
      deprecatedTopology: mapOf(string(), "deprecatedTopology contains topology information part of the v1beta1 API."),
      hints: ref(n.EndpointHints, "hints contains information associated with how an endpoint should be consumed."),
      hostname: string("hostname of this endpoint. This field may be used by consumers of endpoints to distinguish endpoints from each other (e.g."),
      nodeName: string("nodeName represents the name of the Node hosting this endpoint."),
      targetRef: ref(core.ObjectReference, "targetRef is a reference to a Kubernetes object that represents this endpoint."),
      zone: string("zone is the name of the Zone this endpoint exists in."),
    },
    { description: "Endpoint represents a single logical \"backend\" implementing a service.", required: ["addresses"] },
  ),
  [n.EndpointConditions]: object(
    {
      ready: boolean("ready indicates that this endpoint is ready to receive traffic, according to whatever system is managing the endpoint."),
      serving: boolean("serving indicates that this endpoint is able to receive traffic, according to whatever system is managing the endpoint."),
      terminating: boolean("terminating indicates that this endpoint is terminating."),
    },
    { description: "EndpointConditions represents the current condition of an endpoint." },
  ),
  [n.EndpointHints]: object(
    {
      forNodes: arrayOf(ref(n.ForNode), "forNodes indicates the node(s) this endpoint should be consumed by when using topology aware routing.", {"x-kubernetes-list-type":"atomic"}),
      forZones: arrayOf(ref(n.ForZone), "forZones indicates the zone(s) this endpoint should be consumed by when using topology aware routing.", {"x-kubernetes-list-type":"atomic"}),
    },
    { description: "EndpointHints provides hints describing how an endpoint should be consumed." },
  ),
  [n.EndpointPort]: object(
    {
      appProtocol: string("The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand."),
      name: string("name represents the name of this port. All ports in an EndpointSlice must have a unique name."),
      port: int32("port represents the port number of the endpoint."),
      protocol: string("protocol represents the IP protocol for this port."),
    },
    { description: "EndpointPort represents a Port used by an EndpointSlice" },
  ),
  [n.ForZone]: object(
    {
      name: string("name represents the name of the zone."),
    },
    { description: "ForZone provides information about which zones should consume this endpoint.", required: ["name"] },
  ),
  [n.ForNode]: object(
    {
      name: string("name represents the name of the node."),
    },
    { description: "ForNode provides information about which nodes should consume this endpoint.", required: ["name"] },
  ),
};
