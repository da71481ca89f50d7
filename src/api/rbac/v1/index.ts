// The public face of rbac.authorization.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { clusterRoleBindingsResource, clusterRolesResource, roleBindingsResource, rolesResource } from "./rbac.js";

export { rbacDefinitions as rbacV1Definitions } from "./rbac-schema.js";
export { rbacGroup, rolesResource, clusterRolesResource, roleBindingsResource, clusterRoleBindingsResource, validatePolicyRule, validateSubject, rbacNameErrors } from "./rbac.js";
export type { PolicyRule, AggregationRule, Role, ClusterRole, Subject, RoleRef, RoleBinding, ClusterRoleBinding } from "./rbac-types.js";

/** In upstream's discovery order. */
export const rbacV1Resources: ResourceType[] = [clusterRoleBindingsResource, clusterRolesResource, roleBindingsResource, rolesResource];
