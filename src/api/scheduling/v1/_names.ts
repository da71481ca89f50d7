// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.scheduling.v1.";

export const n = {
  PriorityClass: p + "PriorityClass",
  PriorityClassList: p + "PriorityClassList",
} as const;
