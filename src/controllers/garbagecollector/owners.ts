import type { KubeObject, OwnerReference } from "../../api/index.js";

/** Set by the API server on a delete with propagationPolicy=Orphan. */
export const orphanFinalizer = "orphan";
/** Set by the API server on a delete with propagationPolicy=Foreground. */
export const foregroundFinalizer = "foregroundDeletion";

/** What the garbage collector found for one owner reference. */
export type OwnerState =
  /** No object with the reference's uid (confirmed by a live read). */
  | { state: "absent" }
  /** The owner is being deleted in the foreground: it waits for its dependents. */
  | { state: "waiting"; owner: KubeObject }
  | { state: "solid"; owner: KubeObject };

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return (obj.metadata.finalizers ?? []).includes(finalizer);
}

/** The state an existing owner puts its reference in (upstream's classifyReferences). */
export function ownerState(owner: KubeObject): OwnerState {
  return owner.metadata.deletionTimestamp && hasFinalizer(owner, foregroundFinalizer) ? { state: "waiting", owner } : { state: "solid", owner };
}

/** The reference of `dependent` to the owner with `uid`. */
export function referenceTo(dependent: KubeObject, uid: string): OwnerReference | undefined {
  return (dependent.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
}

/**
 * What to do with a dependent, from the states of its owners (upstream's
 * attemptToDeleteItem):
 * - no references, or all owners solid: nothing;
 * - some owner solid: drop the references to absent and waiting owners, keep the object;
 * - no owner solid: delete it — in the foreground when an owner waits for it and it has
 *   dependents of its own (so the owner waits for the whole subtree), else as its own
 *   finalizers say (Background when it has none).
 */
export type DependentAction =
  | { action: "none" }
  | { action: "removeReferences"; uids: string[] }
  | { action: "delete"; propagationPolicy: "Background" | "Foreground" | "Orphan" };

export function decideDependent(dependent: KubeObject, states: ReadonlyMap<string, OwnerState>, hasDependents: boolean): DependentAction {
  const refs = dependent.metadata.ownerReferences ?? [];
  if (refs.length === 0) return { action: "none" };
  const solid: string[] = [];
  const dangling: string[] = [];
  const waiting: string[] = [];
  for (const ref of refs) {
    const s = states.get(ref.uid);
    if (!s || s.state === "solid") solid.push(ref.uid);
    else if (s.state === "absent") dangling.push(ref.uid);
    else waiting.push(ref.uid);
  }
  if (solid.length > 0) {
    const drop = [...dangling, ...waiting];
    return drop.length > 0 ? { action: "removeReferences", uids: drop } : { action: "none" };
  }
  if (waiting.length > 0 && hasDependents) return { action: "delete", propagationPolicy: "Foreground" };
  if (hasFinalizer(dependent, orphanFinalizer)) return { action: "delete", propagationPolicy: "Orphan" };
  if (hasFinalizer(dependent, foregroundFinalizer)) return { action: "delete", propagationPolicy: "Foreground" };
  return { action: "delete", propagationPolicy: "Background" };
}
