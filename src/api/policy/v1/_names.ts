// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.policy.v1.";

export const n = {
  PodDisruptionBudget: p + "PodDisruptionBudget",
  PodDisruptionBudgetList: p + "PodDisruptionBudgetList",
  PodDisruptionBudgetSpec: p + "PodDisruptionBudgetSpec",
  PodDisruptionBudgetStatus: p + "PodDisruptionBudgetStatus",
  Eviction: p + "Eviction",
} as const;
