// Schemas of io.k8s.api.authorization.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api/authorization/v1/types.go):
// field names, types, required fields and list types as upstream; descriptions cut to their first sentence.
import { string, boolean, ref, object, mapOf, arrayOf, topLevel } from "../../schema.js";
import type { Definitions, Schema } from "../../schema.js";
import { withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const gvk = (kind: string) => ({ group: "authorization.k8s.io", version: "v1", kind });
const strings = (description: string, listType: "atomic" | "set" = "atomic"): Schema => arrayOf(string(), description, { "x-kubernetes-list-type": listType });
const requirements = (): Schema => arrayOf({ type: "object", "x-kubernetes-preserve-unknown-fields": true }, "requirements is the parsed interpretation of a selector.", { "x-kubernetes-list-type": "atomic" });

export const reviewDefinitions: Definitions = {
  [n.FieldSelectorAttributes]: object(
    { rawSelector: string("rawSelector is the serialization of a field selector that would be included in a query parameter."), requirements: requirements() },
    { description: "FieldSelectorAttributes indicates a field limited access." },
  ),
  [n.LabelSelectorAttributes]: object(
    { rawSelector: string("rawSelector is the serialization of a field selector that would be included in a query parameter."), requirements: requirements() },
    { description: "LabelSelectorAttributes indicates a label limited access." },
  ),
  [n.ResourceAttributes]: object(
    {
      fieldSelector: ref(n.FieldSelectorAttributes, "fieldSelector describes the limitation on access based on field."),
      group: string("Group is the API Group of the Resource."),
      labelSelector: ref(n.LabelSelectorAttributes, "labelSelector describes the limitation on access based on labels."),
      name: string("Name is the name of the resource being requested for a \"get\" or deleted for a \"delete\"."),
      namespace: string("Namespace is the namespace of the action being requested."),
      resource: string("Resource is one of the existing resource types."),
      subresource: string("Subresource is one of the existing resource types."),
      verb: string("Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy."),
      version: string("Version is the API Version of the Resource."),
    },
    { description: "ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface" },
  ),
  [n.NonResourceAttributes]: object(
    { path: string("Path is the URL path of the request"), verb: string("Verb is the standard HTTP verb") },
    { description: "NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface" },
  ),
  [n.SubjectAccessReviewSpec]: object(
    {
      extra: mapOf(arrayOf(string()), "Extra corresponds to the user.Info.GetExtra() method from the authenticator."),
      groups: strings("Groups is the groups you're testing for."),
      nonResourceAttributes: ref(n.NonResourceAttributes, "NonResourceAttributes describes information for a non-resource access request"),
      resourceAttributes: ref(n.ResourceAttributes, "ResourceAuthorizationAttributes describes information for a resource access request"),
      uid: string("UID information about the requesting user."),
      user: string("User is the user you're testing for."),
    },
    { description: "SubjectAccessReviewSpec is a description of the access request." },
  ),
  [n.SelfSubjectAccessReviewSpec]: object(
    {
      nonResourceAttributes: ref(n.NonResourceAttributes, "NonResourceAttributes describes information for a non-resource access request"),
      resourceAttributes: ref(n.ResourceAttributes, "ResourceAuthorizationAttributes describes information for a resource access request"),
    },
    { description: "SelfSubjectAccessReviewSpec is a description of the access request." },
  ),
  [n.SubjectAccessReviewStatus]: object(
    {
      allowed: boolean("Allowed is required."),
      denied: boolean("Denied is optional."),
      evaluationError: string("EvaluationError is an indication that some error occurred during the authorization check."),
      reason: string("Reason is optional."),
    },
    { description: "SubjectAccessReviewStatus", required: ["allowed"] },
  ),
  [n.SubjectAccessReview]: withRequired(
    topLevel(
      { spec: ref(n.SubjectAccessReviewSpec, "Spec holds information about the request being evaluated"), status: ref(n.SubjectAccessReviewStatus, "Status is filled in by the server and indicates whether the request is allowed or not") },
      "SubjectAccessReview checks whether or not a user or group can perform an action.",
      gvk("SubjectAccessReview"),
    ),
    ["spec"],
  ),
  [n.LocalSubjectAccessReview]: withRequired(
    topLevel(
      { spec: ref(n.SubjectAccessReviewSpec, "Spec holds information about the request being evaluated."), status: ref(n.SubjectAccessReviewStatus, "Status is filled in by the server and indicates whether the request is allowed or not") },
      "LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.",
      gvk("LocalSubjectAccessReview"),
    ),
    ["spec"],
  ),
  [n.SelfSubjectAccessReview]: withRequired(
    topLevel(
      { spec: ref(n.SelfSubjectAccessReviewSpec, "Spec holds information about the request being evaluated."), status: ref(n.SubjectAccessReviewStatus, "Status is filled in by the server and indicates whether the request is allowed or not") },
      "SelfSubjectAccessReview checks whether or the current user can perform an action.",
      gvk("SelfSubjectAccessReview"),
    ),
    ["spec"],
  ),
  [n.SelfSubjectRulesReviewSpec]: object(
    { namespace: string("Namespace to evaluate rules for.") },
    { description: "SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview." },
  ),
  [n.ResourceRule]: object(
    {
      apiGroups: strings("APIGroups is the name of the APIGroup that contains the resources."),
      resourceNames: strings("ResourceNames is an optional white list of names that the rule applies to."),
      resources: strings("Resources is a list of resources this rule applies to."),
      verbs: strings("Verb is a list of kubernetes resource API verbs, like: get, list, watch, create, update, delete, proxy."),
    },
    { description: "ResourceRule is the list of actions the subject is allowed to perform on resources.", required: ["verbs"] },
  ),
  [n.NonResourceRule]: object(
    {
      nonResourceURLs: strings("NonResourceURLs is a set of partial urls that a user should have access to."),
      verbs: strings("Verb is a list of kubernetes non-resource API verbs, like: get, post, put, delete, patch, head, options."),
    },
    { description: "NonResourceRule holds information that describes a rule for the non-resource", required: ["verbs"] },
  ),
  [n.SubjectRulesReviewStatus]: object(
    {
      evaluationError: string("EvaluationError can appear in combination with Rules."),
      incomplete: boolean("Incomplete is true when the rules returned by this call are incomplete."),
      nonResourceRules: arrayOf(ref(n.NonResourceRule), "NonResourceRules is the list of actions the subject is allowed to perform on non-resources.", { "x-kubernetes-list-type": "atomic" }),
      resourceRules: arrayOf(ref(n.ResourceRule), "ResourceRules is the list of actions the subject is allowed to perform on resources.", { "x-kubernetes-list-type": "atomic" }),
    },
    { description: "SubjectRulesReviewStatus contains the result of a rules check.", required: ["resourceRules", "nonResourceRules", "incomplete"] },
  ),
  [n.SelfSubjectRulesReview]: withRequired(
    topLevel(
      { spec: ref(n.SelfSubjectRulesReviewSpec, "Spec holds information about the request being evaluated."), status: ref(n.SubjectRulesReviewStatus, "Status is filled in by the server and indicates the set of actions a user can perform.") },
      "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.",
      gvk("SelfSubjectRulesReview"),
    ),
    ["spec"],
  ),
};
