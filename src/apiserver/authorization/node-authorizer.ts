/**
 * The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go): a node
 * (`system:node:NAME` in group `system:nodes`) may read only the secrets, configmaps,
 * PVCs and service accounts (tokens) of pods bound to it, only its own Lease in
 * kube-node-lease, and otherwise what the system:node rules allow. Writes to Nodes and
 * Pods are narrowed further by the NodeRestriction admission plugin.
 */
import type { AuthorizationAttributes, AuthorizationDecision, UserInfo } from "../../api/index.js";
import { nodeRules } from "./bootstrap-policy.js";
import type { PolicyCache } from "./policy-cache.js";
import { rulesAllow } from "./rules.js";

/** The node a user is, as upstream's NodeIdentifier: `system:node:NAME` in group `system:nodes`. */
export function nodeIdentity(user: UserInfo | undefined): { isNode: boolean; name: string } {
  if (!user || !user.username.startsWith("system:node:") || !user.groups.includes("system:nodes")) return { isNode: false, name: "" };
  return { isNode: true, name: user.username.slice("system:node:".length) };
}

const graphResources = new Set(["secrets", "configmaps", "persistentvolumeclaims"]);

export class NodeAuthorizer {
  constructor(private readonly cache: PolicyCache) {}

  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision> {
    const { isNode, name: node } = nodeIdentity(attrs.user);
    if (!isNode) return noOpinion("");
    if (!node) return noOpinion(`unknown node for user "${attrs.user.username}"`);
    if (attrs.resourceRequest && attrs.apiGroup === "") {
      if (graphResources.has(attrs.resource)) {
        if (attrs.resource === "persistentvolumeclaims" && attrs.subresource === "status") {
          if (attrs.verb !== "update" && attrs.verb !== "patch" && attrs.verb !== "get") return noOpinion("can only get, update or patch status of this resource");
          return this.related(node, attrs);
        }
        if (attrs.subresource) return noOpinion(`cannot read subresource`);
        const verbs = attrs.resource === "persistentvolumeclaims" ? ["get"] : ["get", "list", "watch"];
        if (!verbs.includes(attrs.verb)) return noOpinion(attrs.resource === "persistentvolumeclaims" ? "can only get individual resources of this type" : "can only read resources of this type");
        if (!attrs.name) return noOpinion(attrs.resource === "persistentvolumeclaims" ? "can only get individual resources of this type" : "can only read namespaced object of this type");
        return this.related(node, attrs);
      }
      if (attrs.resource === "serviceaccounts") {
        if (attrs.verb !== "create" || !attrs.name) return noOpinion("can only create tokens for individual service accounts");
        if (attrs.subresource !== "token") return noOpinion("can only create token subresource of serviceaccount");
        return this.related(node, attrs);
      }
    }
    if (attrs.resourceRequest && attrs.apiGroup === "" && attrs.resource === "persistentvolumes") {
      // node → pod → claim → volume, as upstream's graph: a node may get the volumes its pods' claims are bound to.
      if (attrs.verb !== "get" || !attrs.name || attrs.subresource) return noOpinion("can only get individual resources of this type");
      return (await this.volumeOfNode(node, attrs.name)) ? { decision: "allow", reason: "" } : noOpinion(`no relationship found between node '${node}' and this object`);
    }
    if (attrs.resourceRequest && attrs.apiGroup === "coordination.k8s.io" && attrs.resource === "leases") return authorizeLease(node, attrs);
    if (rulesAllow(attrs, nodeRules)) return { decision: "allow", reason: "" };
    return noOpinion("");
  }

  private async volumeOfNode(node: string, pvName: string): Promise<boolean> {
    for (const ref of this.cache.claimsOf(node)) {
      const got = await this.cache.storeForReads.get(`/registry/core/persistentvolumeclaims/${ref}`);
      if (got.kv && (JSON.parse(got.kv.value) as { spec?: { volumeName?: string } }).spec?.volumeName === pvName) return true;
    }
    return false;
  }

  private async related(node: string, attrs: AuthorizationAttributes): Promise<AuthorizationDecision> {
    if (this.cache.nodeUses(node, attrs.resource, attrs.namespace, attrs.name)) return { decision: "allow", reason: "" };
    // The pod that needs it may have been bound a moment ago: let the graph catch up once.
    if (await this.cache.nodeUsesNow(node, attrs.resource, attrs.namespace, attrs.name).catch(() => false)) return { decision: "allow", reason: "" };
    return noOpinion(`no relationship found between node '${node}' and this object`);
  }
}

function authorizeLease(node: string, attrs: AuthorizationAttributes): AuthorizationDecision {
  if (!["get", "create", "update", "patch", "delete"].includes(attrs.verb)) return noOpinion("can only get, create, update, patch, or delete a node lease");
  if (attrs.namespace !== "kube-node-lease") return noOpinion(`can only access leases in the "kube-node-lease" system namespace`);
  // The name is unknown on create: NodeRestriction checks it then.
  if (attrs.verb !== "create" && attrs.name !== node) return noOpinion("can only access node lease with the same name as the requesting node");
  return { decision: "allow", reason: "" };
}

function noOpinion(reason: string): AuthorizationDecision {
  return { decision: "noOpinion", reason };
}
