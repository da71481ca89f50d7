// The public face of authentication.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { selfSubjectReviewsResource } from "./selfsubjectreview.js";
import { tokenReviewsResource } from "./tokenreview.js";

export { selfsubjectreviewDefinitions as authenticationV1Definitions } from "./selfsubjectreview-schema.js";
export { tokenDefinitions } from "./token-schema.js";
export { selfSubjectReviewsResource, reviewSelf } from "./selfsubjectreview.js";
export { tokenReviewsResource, reviewToken } from "./tokenreview.js";
export { serviceAccountTokenSubresource, requestToken, validateTokenRequest, defaultTokenRequest, minTokenExpirationSeconds, maxTokenExpirationSeconds, defaultTokenExpirationSeconds } from "./tokenrequest.js";
export type { SelfSubjectReview, SelfSubjectReviewStatus, UserInfo as AuthenticationUserInfo } from "./selfsubjectreview-types.js";
export type { TokenRequest, TokenRequestSpec, TokenRequestStatus, BoundObjectReference, TokenReview, TokenReviewSpec, TokenReviewStatus } from "./token-types.js";

export const authenticationV1Resources: ResourceType[] = [selfSubjectReviewsResource, tokenReviewsResource];
