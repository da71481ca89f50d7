// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.rbac.v1.";

export const n = {
  AggregationRule: p + "AggregationRule",
  ClusterRole: p + "ClusterRole",
  ClusterRoleBinding: p + "ClusterRoleBinding",
  ClusterRoleBindingList: p + "ClusterRoleBindingList",
  ClusterRoleList: p + "ClusterRoleList",
  PolicyRule: p + "PolicyRule",
  Role: p + "Role",
  RoleBinding: p + "RoleBinding",
  RoleBindingList: p + "RoleBindingList",
  RoleList: p + "RoleList",
  RoleRef: p + "RoleRef",
  Subject: p + "Subject",
} as const;
