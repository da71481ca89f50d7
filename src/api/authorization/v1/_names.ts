// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.authorization.v1.";

export const n = {
  FieldSelectorAttributes: p + "FieldSelectorAttributes",
  LabelSelectorAttributes: p + "LabelSelectorAttributes",
  LocalSubjectAccessReview: p + "LocalSubjectAccessReview",
  NonResourceAttributes: p + "NonResourceAttributes",
  NonResourceRule: p + "NonResourceRule",
  ResourceAttributes: p + "ResourceAttributes",
  ResourceRule: p + "ResourceRule",
  SelfSubjectAccessReview: p + "SelfSubjectAccessReview",
  SelfSubjectAccessReviewSpec: p + "SelfSubjectAccessReviewSpec",
  SelfSubjectRulesReview: p + "SelfSubjectRulesReview",
  SelfSubjectRulesReviewSpec: p + "SelfSubjectRulesReviewSpec",
  SubjectAccessReview: p + "SubjectAccessReview",
  SubjectAccessReviewSpec: p + "SubjectAccessReviewSpec",
  SubjectAccessReviewStatus: p + "SubjectAccessReviewStatus",
  SubjectRulesReviewStatus: p + "SubjectRulesReviewStatus",
} as const;
