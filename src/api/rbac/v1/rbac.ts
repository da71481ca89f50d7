/**
 * rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding, with
 * upstream's validation (pkg/apis/rbac/validation) and printers (NAME CREATED AT; NAME
 * ROLE AGE [USERS GROUPS SERVICEACCOUNTS]). Escalation checks and the authorizer live in
 * the API server (src/apiserver/authorization).
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, TableColumn } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { n } from "./_names.js";
import { rbacDefinitions } from "./rbac-schema.js";
import type { ClusterRole, PolicyRule, Role, RoleBinding, RoleRef, Subject } from "./rbac-types.js";

export const rbacGroup = "rbac.authorization.k8s.io";

/** path.IsValidPathSegmentName: RBAC names may be anything that fits in one URL path segment. */
export function rbacNameErrors(name: string): string[] {
  if (name === ".") return ["may not be '.'"];
  if (name === "..") return ["may not be '..'"];
  const errs: string[] = [];
  if (name.includes("/")) errs.push("may not contain '/'");
  if (name.includes("%")) errs.push("may not contain '%'");
  return errs;
}

function validateRbacMeta(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const { name, generateName } = obj.metadata;
  if (generateName) for (const m of rbacNameErrors(generateName)) errs.push(fieldError.invalid("metadata.generateName", generateName, m));
  if (name) for (const m of rbacNameErrors(name)) errs.push(fieldError.invalid("metadata.name", name, m));
  return errs;
}

/** ValidatePolicyRule. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.verbs?.length) errs.push(fieldError.required(`${path}.verbs`, "verbs must contain at least one value"));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.push(fieldError.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, "namespaced rules cannot apply to non-resource URLs"));
    if (rule.apiGroups?.length || rule.resources?.length) errs.push(fieldError.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"));
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(fieldError.required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  if (!rule.resources?.length) errs.push(fieldError.required(`${path}.resources`, "resource rules must supply at least one resource"));
  return errs;
}

export function validateRole(role: Role, namespaced: boolean): FieldError[] {
  const errs = validateRbacMeta(role);
  (role.rules ?? []).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, `rules[${i}]`)));
  return errs;
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = validateRole(role, false);
  if (role.aggregationRule && !role.aggregationRule.clusterRoleSelectors?.length) {
    errs.push(fieldError.required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
  }
  return errs;
}

/** ValidateRoleBindingSubject. */
export function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(fieldError.required(`${path}.name`, ""));
  switch (s.kind) {
    case "ServiceAccount":
      if (s.name && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s.name)) {
        errs.push(fieldError.invalid(`${path}.name`, s.name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
      }
      if (s.apiGroup) errs.push(fieldError.notSupported(`${path}.apiGroup`, s.apiGroup, [""]));
      if (!namespaced && !s.namespace) errs.push(fieldError.required(`${path}.namespace`, ""));
      break;
    case "User":
    case "Group":
      if (s.apiGroup !== rbacGroup) errs.push(fieldError.notSupported(`${path}.apiGroup`, s.apiGroup ?? "", [rbacGroup]));
      break;
    default:
      errs.push(fieldError.notSupported(`${path}.kind`, s.kind, ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(binding: RoleBinding, old: RoleBinding | undefined, namespaced: boolean): FieldError[] {
  const errs = validateRbacMeta(binding);
  const ref: Partial<RoleRef> = binding.roleRef ?? {};
  if (ref.apiGroup !== rbacGroup) errs.push(fieldError.notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [rbacGroup]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!ref.kind || !kinds.includes(ref.kind)) errs.push(fieldError.notSupported("roleRef.kind", ref.kind ?? "", kinds));
  if (!ref.name) errs.push(fieldError.required("roleRef.name", ""));
  else for (const m of rbacNameErrors(ref.name)) errs.push(fieldError.invalid("roleRef.name", ref.name, m));
  (binding.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(binding.roleRef)) {
    errs.push(fieldError.invalid("roleRef", binding.roleRef, "cannot change roleRef"));
  }
  return errs;
}

/** SetDefaults_Subject: User and Group subjects default to the RBAC group. */
function defaultSubjects(obj: KubeObject): void {
  for (const s of (obj as RoleBinding).subjects ?? []) if ((s.kind === "User" || s.kind === "Group") && !s.apiGroup) s.apiGroup = rbacGroup;
}

const createdAtColumn: TableColumn = { name: "Created At", type: "date", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", priority: 0 };

const roleTable: TableConvertor = {
  columns: [nameColumn, createdAtColumn],
  cells: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? ""],
};

const bindingTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Role", type: "string", description: "Role of the binding.", priority: 0 },
    ageColumn,
    { name: "Users", type: "string", description: "Users in the binding.", priority: 1 },
    { name: "Groups", type: "string", description: "Groups in the binding.", priority: 1 },
    { name: "ServiceAccounts", type: "string", description: "ServiceAccounts in the binding.", priority: 1 },
  ],
  cells(obj, now) {
    const b = obj as RoleBinding;
    const subjects = b.subjects ?? [];
    const names = (kind: string) => subjects.filter((s) => s.kind === kind).map((s) => (kind === "ServiceAccount" ? `${s.namespace ?? ""}/${s.name}` : s.name)).join(", ");
    return [b.metadata.name, `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`, translateTimestampSince(b.metadata.creationTimestamp, now), names("User"), names("Group"), names("ServiceAccount")];
  },
};

const common = { group: rbacGroup, version: "v1", definitions: rbacDefinitions } as const;

export const rolesResource: ResourceType = {
  ...common,
  kind: "Role",
  plural: "roles",
  singular: "role",
  namespaced: true,
  definition: n.Role,
  strategy: { validate: (obj) => validateRole(obj as Role, true), table: roleTable },
};

export const clusterRolesResource: ResourceType = {
  ...common,
  kind: "ClusterRole",
  plural: "clusterroles",
  singular: "clusterrole",
  namespaced: false,
  definition: n.ClusterRole,
  strategy: { validate: (obj) => validateClusterRole(obj as ClusterRole), table: roleTable },
};

export const roleBindingsResource: ResourceType = {
  ...common,
  kind: "RoleBinding",
  plural: "rolebindings",
  singular: "rolebinding",
  namespaced: true,
  definition: n.RoleBinding,
  strategy: { defaults: defaultSubjects, validate: (obj, old) => validateBinding(obj as RoleBinding, old as RoleBinding | undefined, true), table: bindingTable },
};

export const clusterRoleBindingsResource: ResourceType = {
  ...common,
  kind: "ClusterRoleBinding",
  plural: "clusterrolebindings",
  singular: "clusterrolebinding",
  namespaced: false,
  definition: n.ClusterRoleBinding,
  strategy: { defaults: defaultSubjects, validate: (obj, old) => validateBinding(obj as RoleBinding, old as RoleBinding | undefined, false), table: bindingTable },
};
