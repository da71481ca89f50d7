/**
 * The authorizer chain of the API server, upstream's `--authorization-mode=Node,RBAC`
 * behind the privileged-group authorizer: members of `system:masters` may do anything;
 * then the Node authorizer, then RBAC. The first allow or deny wins; when none has an
 * opinion the request is refused with every authorizer's reason.
 */
import type { AuthorizationAttributes, AuthorizationDecision, AuthorizerServices, NonResourceRuleInfo, PolicyRule, ResourceRuleInfo, RulesResult, UserInfo } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import { NodeAuthorizer, nodeIdentity } from "./node-authorizer.js";
import type { PolicyCache } from "./policy-cache.js";
import { RbacAuthorizer } from "./rbac-authorizer.js";

export const privilegedGroup = "system:masters";

/** One authorizer: allow, deny, or no opinion with a reason. */
export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision>;
}

export class AuthorizerChain implements AuthorizerServices {
  readonly rbac: RbacAuthorizer;
  readonly node: NodeAuthorizer;

  constructor(private readonly cache: PolicyCache) {
    this.rbac = new RbacAuthorizer(cache);
    this.node = new NodeAuthorizer(cache);
  }

  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision> {
    const first = await this.once(attrs);
    if (first.decision !== "noOpinion") return first;
    // The cache may lag a write made just before this request: read again before refusing.
    // (A store that cannot answer leaves the cached answer standing.)
    if (await this.cache.refresh().catch(() => false)) return this.once(attrs);
    return first;
  }

  /** Re-reads the RBAC objects if anything was written since; true when it did. */
  refresh(): Promise<boolean> {
    return this.cache.refresh().catch(() => false);
  }

  private async once(attrs: AuthorizationAttributes): Promise<AuthorizationDecision> {
    if (attrs.user.groups.includes(privilegedGroup)) return { decision: "allow", reason: "" };
    const reasons: string[] = [];
    for (const a of [this.node, this.rbac] as Authorizer[]) {
      const d = await a.authorize(attrs);
      if (d.decision !== "noOpinion") return d;
      if (d.reason) reasons.push(d.reason);
    }
    return { decision: "noOpinion", reason: reasons.join(", ") };
  }

  /** RulesFor over the chain (SelfSubjectRulesReview). */
  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    await this.cache.ready();
    const resourceRules: ResourceRuleInfo[] = [];
    const nonResourceRules: NonResourceRuleInfo[] = [];
    const errors: string[] = [];
    let incomplete = false;
    const add = (r: PolicyRule) => {
      if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
      else {
        const out: ResourceRuleInfo = { verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])] };
        if (r.resourceNames?.length) out.resourceNames = [...r.resourceNames];
        resourceRules.push(out);
      }
    };
    if (user.groups.includes(privilegedGroup)) {
      add({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
      add({ verbs: ["*"], nonResourceURLs: ["*"] });
    }
    if (nodeIdentity(user).isNode) {
      incomplete = true;
      errors.push("node authorizer does not support user rule resolution");
    }
    const rbac = this.rbac.rulesFor(user, namespace);
    for (const r of rbac.rules) add(r);
    if (rbac.errors.length) {
      incomplete = true;
      errors.push(...rbac.errors);
    }
    const result: RulesResult = { resourceRules, nonResourceRules, incomplete };
    if (errors.length) result.evaluationError = errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
    return result;
  }
}

/** The 403 for a refused request, in upstream's words (responsewriters.forbiddenMessage). */
export function forbidden(attrs: AuthorizationAttributes, reason: string): ApiError {
  const who = attrs.user.username;
  if (!attrs.resourceRequest) {
    const msg = `User "${who}" cannot ${attrs.verb} path "${attrs.path}"`;
    return ApiError.of("Forbidden", `forbidden: ${msg}${reason ? `: ${reason}` : ""}`, {});
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : "at the cluster scope";
  const msg = `User "${who}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" ${where}`;
  return ApiError.forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, reason ? `${msg}: ${reason}` : msg);
}
