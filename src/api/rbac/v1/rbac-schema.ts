// Schemas of io.k8s.api.rbac.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api/rbac/v1/types.go): field
// names, types, required fields and list types as upstream; descriptions cut to their first sentence.
import { string, ref, object, arrayOf, topLevel, labelSelector } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const gvk = (kind: string) => ({ group: "rbac.authorization.k8s.io", version: "v1", kind });
const strings = (description: string) => arrayOf(string(), description, { "x-kubernetes-list-type": "atomic" });
const rules = () => arrayOf(ref(n.PolicyRule), "Rules holds all the PolicyRules for this Role", { "x-kubernetes-list-type": "atomic" });
const subjects = () => arrayOf(ref(n.Subject), "Subjects holds references to the objects the role applies to.", { "x-kubernetes-list-type": "atomic" });

export const rbacDefinitions: Definitions = {
  [n.AggregationRule]: object(
    {
      clusterRoleSelectors: arrayOf(labelSelector(), "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules.", { "x-kubernetes-list-type": "atomic" }),
    },
    { description: "AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole" },
  ),
  [n.ClusterRole]: topLevel(
    {
      aggregationRule: ref(n.AggregationRule, "AggregationRule is an optional field that describes how to build the Rules for this ClusterRole."),
      rules: arrayOf(ref(n.PolicyRule), "Rules holds all the PolicyRules for this ClusterRole", { "x-kubernetes-list-type": "atomic" }),
    },
    "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
    gvk("ClusterRole"),
  ),
  [n.ClusterRoleBinding]: withRequired(
    topLevel(
      {
        roleRef: ref(n.RoleRef, "RoleRef can only reference a ClusterRole in the global namespace."),
        subjects: subjects(),
      },
      "ClusterRoleBinding references a ClusterRole, but not contain it.",
      gvk("ClusterRoleBinding"),
    ),
    ["roleRef"],
  ),
  [n.ClusterRoleBindingList]: listOf(n.ClusterRoleBinding, "ClusterRoleBindingList is a collection of ClusterRoleBindings", gvk("ClusterRoleBindingList")),
  [n.ClusterRoleList]: listOf(n.ClusterRole, "ClusterRoleList is a collection of ClusterRoles", gvk("ClusterRoleList")),
  [n.PolicyRule]: object(
    {
      apiGroups: strings("APIGroups is the name of the APIGroup that contains the resources."),
      nonResourceURLs: strings("NonResourceURLs is a set of partial urls that a user should have access to."),
      resourceNames: strings("ResourceNames is an optional white list of names that the rule applies to."),
      resources: strings("Resources is a list of resources this rule applies to."),
      verbs: strings("Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule."),
    },
    { description: "PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.", required: ["verbs"] },
  ),
  [n.Role]: topLevel({ rules: rules() }, "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.", gvk("Role")),
  [n.RoleBinding]: withRequired(
    topLevel(
      {
        roleRef: ref(n.RoleRef, "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
        subjects: subjects(),
      },
      "RoleBinding references a role, but does not contain it.",
      gvk("RoleBinding"),
    ),
    ["roleRef"],
  ),
  [n.RoleBindingList]: listOf(n.RoleBinding, "RoleBindingList is a collection of RoleBindings", gvk("RoleBindingList")),
  [n.RoleList]: listOf(n.Role, "RoleList is a collection of Roles", gvk("RoleList")),
  [n.RoleRef]: object(
    {
      apiGroup: string("APIGroup is the group for the resource being referenced"),
      kind: string("Kind is the type of resource being referenced"),
      name: string("Name is the name of resource being referenced"),
    },
    { description: "RoleRef contains information that points to the role being used", required: ["apiGroup", "kind", "name"] },
  ),
  [n.Subject]: object(
    {
      apiGroup: string("APIGroup holds the API group of the referenced subject."),
      kind: string("Kind of object being referenced."),
      name: string("Name of the object being referenced."),
      namespace: string("Namespace of the referenced object."),
    },
    { description: "Subject contains a reference to the object or user identities a role binding applies to.", required: ["kind", "name"] },
  ),
};
