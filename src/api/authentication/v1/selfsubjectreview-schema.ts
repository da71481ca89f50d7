// Schemas of io.k8s.api.authentication.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, ref, object, mapOf, arrayOf, time, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const selfsubjectreviewDefinitions: Definitions = {
  [n.SelfSubjectReview]: topLevel(
    {
      status: ref(n.SelfSubjectReviewStatus, "Status is filled in by the server with the user attributes."),
    },
    "SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.",
    {"group":"authentication.k8s.io","version":"v1","kind":"SelfSubjectReview"},
  ),
  [n.SelfSubjectReviewStatus]: object(
    {
      userInfo: ref(n.UserInfo, "User attributes of the user making this request."),
    },
    { description: "SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user." },
  ),
  [n.UserInfo]: object(
    {
      extra: mapOf(arrayOf(string()), "Any additional information provided by the authenticator."),
      groups: arrayOf(string(), "The names of groups this user is a part of.", {"x-kubernetes-list-type":"atomic"}),
      uid: string("A unique value that identifies this user across time."),
      username: string("The name that uniquely identifies this user among all active users."),
    },
    { description: "UserInfo holds the information about the user needed to implement the user.Info interface." },
  ),
};
