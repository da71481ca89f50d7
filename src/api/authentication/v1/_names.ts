// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.authentication.v1.";

export const n = {
  SelfSubjectReview: p + "SelfSubjectReview",
  SelfSubjectReviewStatus: p + "SelfSubjectReviewStatus",
  UserInfo: p + "UserInfo",
} as const;
