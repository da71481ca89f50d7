// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.authentication.v1.";

export const n = {
  SelfSubjectReview: p + "SelfSubjectReview",
  SelfSubjectReviewStatus: p + "SelfSubjectReviewStatus",
  UserInfo: p + "UserInfo",
  BoundObjectReference: p + "BoundObjectReference",
  TokenRequest: p + "TokenRequest",
  TokenRequestSpec: p + "TokenRequestSpec",
  TokenRequestStatus: p + "TokenRequestStatus",
  TokenReview: p + "TokenReview",
  TokenReviewSpec: p + "TokenReviewSpec",
  TokenReviewStatus: p + "TokenReviewStatus",
} as const;
