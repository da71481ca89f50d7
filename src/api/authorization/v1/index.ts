// The public face of authorization.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { localSubjectAccessReviewsResource, selfSubjectAccessReviewsResource, selfSubjectRulesReviewsResource, subjectAccessReviewsResource } from "./reviews.js";

export { reviewDefinitions as authorizationV1Definitions } from "./review-schema.js";
export { attributesFromSpec, subjectAccessReviewsResource, localSubjectAccessReviewsResource, selfSubjectAccessReviewsResource, selfSubjectRulesReviewsResource } from "./reviews.js";
export type { SubjectAccessReview, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReviewSpec, SubjectAccessReviewStatus, ResourceAttributes, NonResourceAttributes } from "./review-types.js";

/** In upstream's discovery order. */
export const authorizationV1Resources: ResourceType[] = [localSubjectAccessReviewsResource, selfSubjectAccessReviewsResource, selfSubjectRulesReviewsResource, subjectAccessReviewsResource];
