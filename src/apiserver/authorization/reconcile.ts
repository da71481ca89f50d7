/**
 * Reconciles the bootstrap policy at every start (upstream's storage_rbac.go PostStartHook
 * with reconciliation.ReconcileRole/ReconcileRoleBinding): missing roles and bindings are
 * created; existing ones with `rbac.authorization.kubernetes.io/autoupdate` not "false"
 * get the labels, annotations, rules (or aggregation selectors) and subjects they lack.
 * Nothing is removed, so an administrator's additions stay.
 */
import type { ClusterRole, KubeObject, PolicyRule, RestHandler, RoleBinding, Subject, UserInfo } from "../../api/index.js";
import { autoupdateAnnotation, bootstrapClusterRoleBindings, bootstrapClusterRoles, bootstrapRoleBindings, bootstrapRoles } from "./bootstrap-policy.js";
import { uncoveredRules } from "./escalation.js";

const apiserver: UserInfo = { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] };
const base = "/apis/rbac.authorization.k8s.io/v1";

export async function reconcileBootstrapPolicy(handle: RestHandler): Promise<void> {
  for (const role of bootstrapClusterRoles()) await reconcile(handle, `${base}/clusterroles`, role, mergeRole);
  for (const binding of bootstrapClusterRoleBindings()) await reconcile(handle, `${base}/clusterrolebindings`, binding, mergeBinding);
  for (const role of bootstrapRoles()) await reconcile(handle, `${base}/namespaces/${role.metadata.namespace}/roles`, role, mergeRole);
  for (const binding of bootstrapRoleBindings()) await reconcile(handle, `${base}/namespaces/${binding.metadata.namespace}/rolebindings`, binding, mergeBinding);
}

/** The object as it should be stored, or undefined when it already is; "recreate" when only delete+create can fix it. */
type Merge = (current: KubeObject, wanted: KubeObject) => KubeObject | undefined | "recreate";

async function reconcile(handle: RestHandler, collection: string, wanted: KubeObject, merge: Merge): Promise<void> {
  const path = `${collection}/${wanted.metadata.name}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const got = await handle({ method: "GET", path, query: {}, user: apiserver });
    let res;
    if (got.status === 404) {
      res = await handle({ method: "POST", path: collection, query: {}, body: structuredClone(wanted), user: apiserver });
      if (res.status === 409) continue;
    } else if (got.status === 200) {
      const current = got.body as KubeObject;
      if (current.metadata.annotations?.[autoupdateAnnotation] === "false") return;
      const next = merge(current, wanted);
      if (!next) return;
      if (next === "recreate") {
        await handle({ method: "DELETE", path, query: {}, user: apiserver });
        continue;
      }
      res = await handle({ method: "PUT", path, query: {}, body: next, user: apiserver });
      if (res.status === 409) continue;
    } else {
      throw new Error(`bootstrap policy: reading ${path}: ${JSON.stringify(got.body)}`);
    }
    if (res.status === 200 || res.status === 201) return;
    throw new Error(`bootstrap policy: writing ${path}: ${JSON.stringify(res.body)}`);
  }
  throw new Error(`bootstrap policy: writing ${path}: kept conflicting`);
}

function mergeMeta(current: KubeObject, wanted: KubeObject): { changed: boolean; metadata: KubeObject["metadata"] } {
  const labels = { ...current.metadata.labels };
  const annotations = { ...current.metadata.annotations };
  let changed = false;
  for (const [k, v] of Object.entries(wanted.metadata.labels ?? {})) if (labels[k] !== v) ((labels[k] = v), (changed = true));
  for (const [k, v] of Object.entries(wanted.metadata.annotations ?? {})) if (!(k in annotations)) ((annotations[k] = v), (changed = true));
  return { changed, metadata: { ...current.metadata, labels, annotations } };
}

const mergeRole: Merge = (currentObj, wantedObj) => {
  const current = currentObj as ClusterRole;
  const wanted = wantedObj as ClusterRole;
  const meta = mergeMeta(current, wanted);
  let changed = meta.changed;
  const next: ClusterRole = { ...current, metadata: meta.metadata };
  if (wanted.aggregationRule) {
    const selectors = [...(current.aggregationRule?.clusterRoleSelectors ?? [])];
    for (const s of wanted.aggregationRule.clusterRoleSelectors ?? []) {
      if (!selectors.some((c) => JSON.stringify(c) === JSON.stringify(s))) ((selectors.push(s), (changed = true)));
    }
    next.aggregationRule = { clusterRoleSelectors: selectors };
  } else {
    const rules: PolicyRule[] = [...(current.rules ?? [])];
    for (const r of wanted.rules ?? []) if (uncoveredRules(rules, [r]).length > 0) ((rules.push(r), (changed = true)));
    next.rules = rules;
  }
  return changed ? next : undefined;
};

const mergeBinding: Merge = (currentObj, wantedObj) => {
  const current = currentObj as RoleBinding;
  const wanted = wantedObj as RoleBinding;
  if (JSON.stringify(current.roleRef) !== JSON.stringify(wanted.roleRef)) return "recreate";
  const meta = mergeMeta(current, wanted);
  let changed = meta.changed;
  const subjects: Subject[] = [...(current.subjects ?? [])];
  for (const s of wanted.subjects ?? []) {
    if (!subjects.some((c) => c.kind === s.kind && c.name === s.name && (c.namespace ?? "") === (s.namespace ?? ""))) ((subjects.push(s), (changed = true)));
  }
  return changed ? { ...current, metadata: meta.metadata, subjects } : undefined;
};
