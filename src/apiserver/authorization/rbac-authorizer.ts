/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go): walks the ClusterRoleBindings,
 * then the RoleBindings of the request's namespace, whose subjects name the user, one of
 * its groups or its service account, and allows when a rule of the bound role allows.
 * It never denies: no matching rule is "no opinion".
 */
import type { AuthorizationAttributes, AuthorizationDecision, PolicyRule, RoleBinding, RoleRef, Subject, UserInfo } from "../../api/index.js";
import type { PolicyCache } from "./policy-cache.js";
import { ruleAllows } from "./rules.js";

export interface RuleSource {
  /** e.g. `ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`. */
  describe(): string;
}

export class RbacAuthorizer {
  constructor(private readonly cache: PolicyCache) {}

  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision> {
    await this.cache.ready();
    const errors: string[] = [];
    let allowedBy: RuleSource | undefined;
    this.visitRulesFor(attrs.user, attrs.namespace, (source, rule, err) => {
      if (err) {
        errors.push(err);
        return true;
      }
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      return true;
    });
    if (allowedBy) return { decision: "allow", reason: `RBAC: allowed by ${allowedBy.describe()}` };
    return { decision: "noOpinion", reason: errors.length ? `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`}` : "" };
  }

  /** Every rule `user` holds in `namespace` (cluster-wide ones included), and the errors met resolving them. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (err) errors.push(err);
      if (rule) rules.push(rule);
      return true;
    });
    return { rules, errors };
  }

  /** Calls `visit` for each rule (or resolution error) until it returns false. */
  visitRulesFor(user: UserInfo, namespace: string, visit: (source: RuleSource, rule: PolicyRule | undefined, err: string | undefined) => boolean): void {
    for (const b of this.cache.clusterRoleBindings()) {
      const subject = appliesTo(user, b.subjects ?? [], "");
      if (!subject) continue;
      const source = { describe: () => `ClusterRoleBinding "${b.metadata.name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(subject, "")}` };
      const { rules, error } = this.roleRules(b.roleRef, "");
      if (error && !visit(source, undefined, error)) return;
      for (const r of rules) if (!visit(source, r, undefined)) return;
    }
    if (!namespace) return;
    for (const b of this.cache.roleBindings(namespace)) {
      const subject = appliesTo(user, b.subjects ?? [], namespace);
      if (!subject) continue;
      const source = { describe: () => `RoleBinding "${b.metadata.name}/${namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(subject, namespace)}` };
      const { rules, error } = this.roleRules(b.roleRef, namespace);
      if (error && !visit(source, undefined, error)) return;
      for (const r of rules) if (!visit(source, r, undefined)) return;
    }
  }

  /** GetRoleReferenceRules. */
  roleRules(ref: RoleRef, namespace: string): { rules: PolicyRule[]; error?: string } {
    if (ref.kind === "ClusterRole") {
      const role = this.cache.clusterRole(ref.name);
      if (!role) return { rules: [], error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
      return { rules: role.rules ?? [] };
    }
    if (ref.kind === "Role") {
      const role = this.cache.role(namespace, ref.name);
      if (!role) return { rules: [], error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
      return { rules: role.rules ?? [] };
    }
    return { rules: [], error: `unsupported role reference kind: "${ref.kind}"` };
  }

  /** The bindings (with the roles they grant) that apply to `user` — for tests and reasons. */
  bindingsFor(user: UserInfo, namespace: string): RoleBinding[] {
    return [...this.cache.clusterRoleBindings(), ...(namespace ? this.cache.roleBindings(namespace) : [])].filter((b) => appliesTo(user, b.subjects ?? [], b.metadata.namespace ? namespace : ""));
  }
}

/** The subject of `subjects` that names this user, if any (appliesTo / appliesToUser). */
export function appliesTo(user: UserInfo, subjects: readonly Subject[], namespace: string): Subject | undefined {
  for (const s of subjects) {
    switch (s.kind) {
      case "User":
        if (user.username === s.name) return s;
        break;
      case "Group":
        if (user.groups.includes(s.name)) return s;
        break;
      case "ServiceAccount": {
        const ns = s.namespace || namespace;
        if (ns && user.username === `system:serviceaccount:${ns}:${s.name}`) return s;
        break;
      }
    }
  }
  return undefined;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}
