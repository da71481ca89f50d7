// The public face of networking.k8s.io/v1: NetworkPolicy (Ingress and IngressClass are not served yet).
import type { ResourceType } from "../../resource-type.js";
import { networkPoliciesResource } from "./networkpolicy.js";

export { networkPolicyDefinitions as networkingV1Definitions } from "./networkpolicy-schema.js";
export { networkPoliciesResource, validateNetworkPolicy, defaultNetworkPolicy, parseCidr, parseIp } from "./networkpolicy.js";
export type { NetworkPolicy, NetworkPolicySpec, NetworkPolicyIngressRule, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicyPort, IPBlock, PolicyType } from "./networkpolicy-types.js";

export const networkingV1Resources: ResourceType[] = [networkPoliciesResource];
