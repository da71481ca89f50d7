// Schemas of io.k8s.api.networking.v1 NetworkPolicy, after upstream's OpenAPI (staging/src/k8s.io/api/networking/v1/types.go):
// field names, types, required fields and list types as upstream; descriptions cut to their first sentence.
import { string, int32, ref, object, arrayOf, intOrString, labelSelector, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const atomic = { "x-kubernetes-list-type": "atomic" } as const;

export const networkPolicyDefinitions: Definitions = {
  [n.NetworkPolicy]: topLevel(
    { spec: ref(n.NetworkPolicySpec, "spec represents the specification of the desired behavior for this NetworkPolicy.") },
    "NetworkPolicy describes what network traffic is allowed for a set of Pods",
    { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy" },
  ),
  [n.NetworkPolicyList]: listOf(n.NetworkPolicy, "NetworkPolicyList is a list of NetworkPolicy objects.", { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicyList" }),
  [n.NetworkPolicySpec]: object(
    {
      podSelector: labelSelector("podSelector selects the pods to which this NetworkPolicy object applies."),
      ingress: arrayOf(ref(n.NetworkPolicyIngressRule), "ingress is a list of ingress rules to be applied to the selected pods.", atomic),
      egress: arrayOf(ref(n.NetworkPolicyEgressRule), "egress is a list of egress rules to be applied to the selected pods.", atomic),
      policyTypes: arrayOf(string(), "policyTypes is a list of rule types that the NetworkPolicy relates to.", atomic),
    },
    { description: "NetworkPolicySpec provides the specification of a NetworkPolicy" },
  ),
  [n.NetworkPolicyIngressRule]: object(
    {
      ports: arrayOf(ref(n.NetworkPolicyPort), "ports is a list of ports which should be made accessible on the pods selected for this rule.", atomic),
      from: arrayOf(ref(n.NetworkPolicyPeer), "from is a list of sources which should be able to access the pods selected for this rule.", atomic),
    },
    { description: "NetworkPolicyIngressRule describes a particular set of traffic that is allowed to the pods matched by a NetworkPolicySpec's podSelector." },
  ),
  [n.NetworkPolicyEgressRule]: object(
    {
      ports: arrayOf(ref(n.NetworkPolicyPort), "ports is a list of destination ports for outgoing traffic.", atomic),
      to: arrayOf(ref(n.NetworkPolicyPeer), "to is a list of destinations for outgoing traffic of pods selected for this rule.", atomic),
    },
    { description: "NetworkPolicyEgressRule describes a particular set of traffic that is allowed out of pods matched by a NetworkPolicySpec's podSelector." },
  ),
  [n.NetworkPolicyPeer]: object(
    {
      podSelector: labelSelector("podSelector is a label selector which selects pods."),
      namespaceSelector: labelSelector("namespaceSelector selects namespaces using cluster-scoped labels."),
      ipBlock: ref(n.IPBlock, "ipBlock defines policy on a particular IPBlock."),
    },
    { description: "NetworkPolicyPeer describes a peer to allow traffic to/from." },
  ),
  [n.NetworkPolicyPort]: object(
    {
      protocol: string("protocol represents the protocol (TCP, UDP, or SCTP) which traffic must match."),
      port: intOrString("port represents the port on the given protocol."),
      endPort: int32("endPort indicates that the range of ports from port to endPort if set, inclusive, should be allowed by the policy."),
    },
    { description: "NetworkPolicyPort describes a port to allow traffic on" },
  ),
  [n.IPBlock]: object(
    {
      cidr: string("cidr is a string representing the IPBlock Valid examples are \"192.168.1.0/24\" or \"2001:db8::/64\""),
      except: arrayOf(string(), "except is a slice of CIDRs that should not be included within an IPBlock Valid examples are \"192.168.1.0/24\" or \"2001:db8::/64\" Except values will be rejected if they are outside the cidr range", atomic),
    },
    { description: "IPBlock describes a particular CIDR (Ex. \"192.168.1.0/24\",\"2001:db8::/64\") that is allowed to the pods matched by a NetworkPolicySpec's podSelector.", required: ["cidr"] },
  ),
};
