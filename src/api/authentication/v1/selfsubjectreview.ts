/**
 * authentication.k8s.io/v1 selfsubjectreviews: create-only and never stored; the answer
 * carries the requesting user (pkg/registry/authentication/selfsubjectreview/rest.go).
 * `kubectl auth whoami` posts one.
 */
import type { KubeObject } from "../../object.js";
import type { UserInfo as RequestUser } from "../../rest.js";
import type { ResourceType } from "../../resource-type.js";
import { n } from "./_names.js";
import { selfsubjectreviewDefinitions } from "./selfsubjectreview-schema.js";
import type { SelfSubjectReview, UserInfo } from "./selfsubjectreview-types.js";

/** The review as the server answers it: the body with status.userInfo set from the request's user. */
export function reviewSelf(obj: KubeObject, user: RequestUser | undefined): SelfSubjectReview {
  const userInfo: UserInfo = {};
  if (user) {
    userInfo.username = user.username;
    if (user.uid) userInfo.uid = user.uid;
    if (user.groups.length > 0) userInfo.groups = [...user.groups];
    if (user.extra && Object.keys(user.extra).length > 0) userInfo.extra = structuredClone(user.extra);
  }
  return {
    apiVersion: "authentication.k8s.io/v1",
    kind: "SelfSubjectReview",
    metadata: { ...obj.metadata },
    status: { userInfo },
  };
}

export const selfSubjectReviewsResource: ResourceType = {
  group: "authentication.k8s.io",
  version: "v1",
  kind: "SelfSubjectReview",
  plural: "selfsubjectreviews",
  singular: "selfsubjectreview",
  namespaced: false,
  verbs: ["create"],
  definition: n.SelfSubjectReview,
  definitions: selfsubjectreviewDefinitions,
  strategy: { respondToCreate: reviewSelf },
};
