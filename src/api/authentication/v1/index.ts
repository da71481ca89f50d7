// The public face of authentication.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { selfSubjectReviewsResource } from "./selfsubjectreview.js";

export { selfsubjectreviewDefinitions as authenticationV1Definitions } from "./selfsubjectreview-schema.js";
export { selfSubjectReviewsResource, reviewSelf } from "./selfsubjectreview.js";
export type { SelfSubjectReview, SelfSubjectReviewStatus, UserInfo as AuthenticationUserInfo } from "./selfsubjectreview-types.js";

export const authenticationV1Resources: ResourceType[] = [selfSubjectReviewsResource];
