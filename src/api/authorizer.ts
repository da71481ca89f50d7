import type { UserInfo } from "./rest.js";

/**
 * What an authorizer is asked (upstream's authorizer.Attributes): who, which verb, and
 * either a resource (group, resource, subresource, namespace, name) or a path.
 */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; also use, bind, escalate, impersonate, approve… For non-resource requests the lower-cased HTTP method (get, post, put…). */
  verb: string;
  resourceRequest: boolean;
  /** For non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  /** "" for cluster-scoped requests and lists across all namespaces. */
  namespace: string;
  name: string;
}

/** allow and deny end the chain; noOpinion asks the next authorizer. */
export interface AuthorizationDecision {
  decision: "allow" | "deny" | "noOpinion";
  /** Why, in upstream's words (e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`). */
  reason: string;
  evaluationError?: string;
}

/** A rule as SelfSubjectRulesReview lists it. */
export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface RulesResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  evaluationError?: string;
}

/** The server's authorizer chain, lent to the review kinds (SubjectAccessReview…). */
export interface AuthorizerServices {
  authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision>;
  /** The rules `user` holds in `namespace` (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): Promise<RulesResult>;
}

/** What a request's Impersonate-* headers ask for (read by the HTTP edge, checked by the API server). */
export interface ImpersonationRequest {
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}
