// TypeScript shapes of io.k8s.api.rbac.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { LabelSelector } from "../../meta/v1/index.js";

/** PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole. */
export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[];
}

/** Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding. */
export interface Role extends KubeObject {
  metadata: ObjectMeta;
  rules?: PolicyRule[];
}

/** ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding. */
export interface ClusterRole extends KubeObject {
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

/** Subject contains a reference to the object or user identities a role binding applies to. */
export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

/** RoleRef contains information that points to the role being used. */
export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** RoleBinding references a role, but does not contain it. */
export interface RoleBinding extends KubeObject {
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** ClusterRoleBinding references a ClusterRole, but not contain it. */
export interface ClusterRoleBinding extends KubeObject {
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}
