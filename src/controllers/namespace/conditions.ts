import type { NamespaceCondition } from "../../api/index.js";

/**
 * The status conditions the namespace controller keeps on a Terminating namespace, as
 * upstream's pkg/controller/namespace/deletion/status_condition_utils.go: each type is
 * always present, True with what went wrong, or False with the "ok" reason and message.
 */
export const namespaceConditionTypes = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;

export type NamespaceConditionType = (typeof namespaceConditionTypes)[number];

const ok: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
  NamespaceDeletionGroupVersionParsingFailure: { reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" },
  NamespaceDeletionContentFailure: { reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
};

/** What one pass over a namespace's content found. */
export interface DeletionReport {
  /** Discovery failed for some groups (the rest were still emptied). */
  discoveryError?: string;
  /** Messages of the per-resource failures. */
  contentErrors: string[];
  /** "pods." / "deployments.apps" → how many objects remain. */
  remaining: Map<string, number>;
  /** Finalizer → on how many remaining objects. */
  finalizers: Map<string, number>;
}

/** The failing conditions a report calls for (types it does not name are "ok"). */
function failures(report: DeletionReport): Map<NamespaceConditionType, { reason: string; message: string }> {
  const out = new Map<NamespaceConditionType, { reason: string; message: string }>();
  if (report.discoveryError !== undefined) out.set("NamespaceDeletionDiscoveryFailure", { reason: "DiscoveryFailed", message: report.discoveryError });
  if (report.contentErrors.length > 0) {
    const msgs = [...report.contentErrors].sort();
    out.set("NamespaceDeletionContentFailure", {
      reason: "ContentDeletionFailed",
      message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(", ")}`,
    });
  }
  const remaining = [...report.remaining].filter(([, n]) => n > 0).map(([gr, n]) => `${gr} has ${n} resource instances`);
  if (remaining.length > 0) out.set("NamespaceContentRemaining", { reason: "SomeResourcesRemain", message: `Some resources are remaining: ${remaining.sort().join(", ")}` });
  const finalizers = [...report.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
  // "SomeFinalizerRemain" is upstream's spelling.
  if (finalizers.length > 0) out.set("NamespaceFinalizersRemaining", { reason: "SomeFinalizerRemain", message: `Some finalizers are remaining: ${finalizers.sort().join(", ")}` });
  return out;
}

/**
 * The namespace's conditions after a pass: every controller-owned type set from the
 * report, others kept; lastTransitionTime moves only when a status flips.
 */
export function updateNamespaceConditions(current: readonly NamespaceCondition[], report: DeletionReport, now: string): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = current.map((c) => ({ ...c }));
  const failing = failures(report);
  let changed = false;
  for (const type of namespaceConditionTypes) {
    const failure = failing.get(type);
    const want = { type, status: failure ? "True" : "False", ...(failure ?? ok[type]) };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, status: want.status, lastTransitionTime: now, reason: want.reason, message: want.message });
      changed = true;
    } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
      if (old.status !== want.status) old.lastTransitionTime = now;
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
