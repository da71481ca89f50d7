// Shapes of the few apimachinery types that core/v1 types embed. The meta group owns their
// schemas (src/api/meta); these structural shapes only serve the TypeScript interfaces here.
export type { ListMeta } from "../../object.js";

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown" | string;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface DeleteOptions {
  apiVersion?: string;
  kind?: string;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: "Orphan" | "Background" | "Foreground" | string;
  dryRun?: string[];
  ignoreStoreReadErrorWithClusterScopedResourceDeletion?: boolean;
}
