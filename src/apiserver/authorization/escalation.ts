/**
 * RBAC escalation prevention (pkg/registry/rbac/validation/rule.go and the policybased
 * storages of roles, clusterroles, rolebindings and clusterrolebindings): a user may
 * create or change a Role or ClusterRole only with rules they already hold (or the
 * `escalate` verb on it), and bind a role only if they hold its rules (or the `bind`
 * verb on it). Members of system:masters may do both.
 */
import type { AuthorizationAttributes, ClusterRole, PolicyRule, Role, RoleBinding, UserInfo } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { privilegedGroup, type AuthorizerChain } from "./chain.js";

const rbacGroup = "rbac.authorization.k8s.io";

/** BreakdownRule: one rule per group × resource × verb (× name), and per URL × verb. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames?.length) for (const name of rule.resourceNames) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const hasAll = (set: readonly string[], want: readonly string[]) => want.every((w) => set.includes(w));

function resourceCoversAll(set: readonly string[], want: readonly string[]): boolean {
  if (set.includes("*") || hasAll(set, want)) return true;
  for (const path of want) {
    if (set.includes(path)) continue;
    const slash = path.indexOf("/");
    if (slash < 0) return false;
    if (!set.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, path: string): boolean {
  if (owner === path) return true;
  if (!owner.endsWith("*")) return false;
  return path.startsWith(owner.slice(0, -1));
}

/** ruleCovers: does `owner` allow everything `requested` does? */
export function ruleCovers(owner: PolicyRule, requested: PolicyRule): boolean {
  const verbs = owner.verbs.includes("*") || hasAll(owner.verbs, requested.verbs);
  const groups = (owner.apiGroups ?? []).includes("*") || hasAll(owner.apiGroups ?? [], requested.apiGroups ?? []);
  const resources = resourceCoversAll(owner.resources ?? [], requested.resources ?? []);
  const urls = (requested.nonResourceURLs ?? []).every((u) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, u)));
  const names = requested.resourceNames?.length ? !owner.resourceNames?.length || hasAll(owner.resourceNames, requested.resourceNames) : !owner.resourceNames?.length;
  return verbs && groups && resources && names && urls;
}

/** Covers: the broken-down rules of `requested` that no owner rule covers. */
export function uncoveredRules(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const r of requested) for (const sub of breakdownRule(r)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return missing;
}

/** CompactRules: simple rules (one group, one resource, at most one name) that differ only in verbs become one. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = !(r.resourceNames && r.resourceNames.length > 1) && !r.nonResourceURLs?.length && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...r.verbs];
    else simple.set(key, structuredClone(r));
  }
  return [...out, ...simple.values()];
}

/** Go's %q of a []string: ["a" "b"]. */
const quoteList = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;

/** rbacv1helpers.CompactString. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${quoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${quoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${quoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${quoteList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${quoteList(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** ConfirmNoEscalation: undefined when `user` holds every rule, else upstream's message. */
export function escalationError(chain: AuthorizerChain, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const owned = chain.rbac.rulesFor(user, namespace);
  const missing = uncoveredRules(owned.rules, rules);
  if (missing.length === 0) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user "${user.username}" (groups=${quoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join("\n")}`;
  if (owned.errors.length) msg += `; resolution errors: [${owned.errors.join(" ")}]`;
  return msg;
}

const fullAuthority: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

/** Only metadata.ownerReferences/finalizers changed: the garbage collector may always do that. */
function onlyGCFields(obj: Role | RoleBinding, old: Role | RoleBinding | undefined): boolean {
  if (!old) return false;
  const strip = (o: Role | RoleBinding) => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(obj) === strip(old);
}

/**
 * The escalation checks as an admission step for writes of the four RBAC kinds. They
 * run in the validating phase, after the object is defaulted and validated.
 */
export function rbacEscalationPlugin(chain: AuthorizerChain): AdmissionPlugin {
  const check = async (attrs: AdmissionAttributes): Promise<void> => {
    if (attrs.rt.group !== rbacGroup || attrs.subresource || !attrs.object || (attrs.operation !== "CREATE" && attrs.operation !== "UPDATE")) return;
    const user = attrs.user;
    if (!user || user.groups.includes(privilegedGroup)) return;
    const gr = { group: rbacGroup, resource: attrs.rt.plural };
    const name = attrs.object.metadata.name ?? "";
    if (onlyGCFields(attrs.object as Role, attrs.oldObject as Role | undefined)) return;
    const allowed = async (verb: string, resource: string, objName: string, namespace: string) => {
      const a: AuthorizationAttributes = { user, verb, resourceRequest: true, path: "", apiGroup: rbacGroup, apiVersion: "v1", resource, subresource: "", namespace, name: objName };
      return (await chain.authorize(a)).decision === "allow";
    };
    if (attrs.rt.plural === "roles" || attrs.rt.plural === "clusterroles") {
      if (await allowed("escalate", attrs.rt.plural, name, attrs.namespace)) return;
      const role = attrs.object as ClusterRole;
      let err = escalationError(chain, user, attrs.namespace, role.rules ?? []);
      if (err && (await chain.refresh())) err = escalationError(chain, user, attrs.namespace, role.rules ?? []);
      if (err) throw ApiError.forbidden(gr, name, err);
      if (role.aggregationRule && escalationError(chain, user, attrs.namespace, fullAuthority)) {
        throw ApiError.forbidden(gr, name, "must have cluster-admin privileges to use the aggregationRule");
      }
      return;
    }
    if (attrs.rt.plural === "rolebindings" || attrs.rt.plural === "clusterrolebindings") {
      const binding = attrs.object as RoleBinding;
      const ref = binding.roleRef;
      if (await allowed("bind", ref.kind === "ClusterRole" ? "clusterroles" : "roles", ref.name, attrs.namespace)) return;
      const { rules, error } = chain.rbac.roleRules(ref, attrs.namespace);
      if (error) throw ApiError.forbidden(gr, name, error);
      let err = escalationError(chain, user, attrs.namespace, rules);
      if (err && (await chain.refresh())) err = escalationError(chain, user, attrs.namespace, chain.rbac.roleRules(ref, attrs.namespace).rules);
      if (err) throw ApiError.forbidden(gr, name, err);
    }
  };
  return { name: "RBACEscalation", validate: check };
}
