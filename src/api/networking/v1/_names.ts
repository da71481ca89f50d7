// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.networking.v1.";

export const n = {
  NetworkPolicy: p + "NetworkPolicy",
  NetworkPolicyList: p + "NetworkPolicyList",
  NetworkPolicySpec: p + "NetworkPolicySpec",
  NetworkPolicyIngressRule: p + "NetworkPolicyIngressRule",
  NetworkPolicyEgressRule: p + "NetworkPolicyEgressRule",
  NetworkPolicyPeer: p + "NetworkPolicyPeer",
  NetworkPolicyPort: p + "NetworkPolicyPort",
  IPBlock: p + "IPBlock",
} as const;
