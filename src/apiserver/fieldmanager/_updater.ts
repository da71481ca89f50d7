/**
 * Ownership bookkeeping for one write (structured-merge-diff merge.Updater):
 * - update: the writer takes what it added or changed; every other manager loses what
 *   changed under it (or, for apply without force, the write fails with conflicts);
 * - apply: the configuration is merged into the live object, the applier owns exactly the
 *   configuration's fields, and fields it applied last time but not now are removed
 *   unless another manager still owns them.
 */
import { isDeepStrictEqual } from "node:util";
import { FieldSet, type FieldPath } from "../../machinery/index.js";
import type { Comparison, TypedSchema } from "./_typed.js";
import type { VersionedSet } from "./_managed.js";

export type ManagedSets = Map<string, VersionedSet>;

export interface Conflict {
  /** The manager identifier. */
  manager: string;
  path: FieldPath;
}

export class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflicts`);
  }
}

export class Updater {
  constructor(
    private readonly typed: TypedSchema,
    /** Fields the strategy resets (status on the main resource, spec on status): nobody owns them through this endpoint. */
    private readonly ignored: FieldSet | undefined,
  ) {}

  private step(oldObj: unknown, newObj: unknown, version: string, managers: ManagedSets, workflow: string, force: boolean): { managers: ManagedSets; compare: Comparison } {
    let compare = this.typed.compare(oldObj, newObj);
    if (this.ignored) {
      const ig = this.ignored;
      compare = { added: compare.added.recursiveDifference(ig), removed: compare.removed.recursiveDifference(ig), modified: compare.modified.recursiveDifference(ig) };
    }
    const conflicts = new Map<string, FieldSet>();
    const removed = new Map<string, FieldSet>();
    const changed = compare.modified.union(compare.added);
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      const conflictSet = vs.set.intersection(changed);
      if (!conflictSet.empty()) conflicts.set(manager, conflictSet);
      if (!compare.removed.empty()) removed.set(manager, compare.removed);
    }
    if (!force && conflicts.size > 0) {
      const list: Conflict[] = [];
      for (const manager of [...conflicts.keys()].sort()) for (const path of conflicts.get(manager)!.paths()) list.push({ manager, path });
      throw new ApplyConflicts(list);
    }
    const out: ManagedSets = new Map(managers);
    for (const [manager, set] of conflicts) {
      const vs = out.get(manager)!;
      out.set(manager, { ...vs, set: vs.set.difference(set) });
    }
    for (const [manager, set] of removed) {
      const vs = out.get(manager)!;
      out.set(manager, { ...vs, set: vs.set.difference(set) });
    }
    for (const [manager, vs] of out) if (vs.set.empty()) out.delete(manager);
    return { managers: out, compare };
  }

  /** After a create/update/patch: `manager` owns what changed; others lose it. */
  update(liveObj: unknown, newObj: unknown, version: string, managers: ManagedSets, manager: string): ManagedSets {
    const { managers: out, compare } = this.step(liveObj, newObj, version, managers, manager, true);
    let set = (out.get(manager)?.set ?? new FieldSet()).difference(compare.removed).union(compare.modified).union(compare.added);
    if (this.ignored) set = set.recursiveDifference(this.ignored);
    if (set.empty()) out.delete(manager);
    else out.set(manager, { set, apiVersion: version, applied: false });
    return out;
  }

  /** Apply: the merged object (undefined when nothing changes) and the new ownership. */
  apply(liveObj: unknown, config: unknown, version: string, managers: ManagedSets, manager: string, force: boolean): { object: unknown; managers: ManagedSets } {
    const out: ManagedSets = new Map(managers);
    let merged = this.typed.merge(liveObj, config);
    const lastSet = out.get(manager);
    let set = this.typed.toFieldSet(config);
    if (this.ignored) set = set.recursiveDifference(this.ignored);
    out.set(manager, { set, apiVersion: version, applied: true });
    merged = this.prune(merged, out, lastSet);
    const result = this.step(liveObj, merged, version, out, manager, force).managers;
    return { object: isDeepStrictEqual(liveObj, merged) ? undefined : merged, managers: result };
  }

  // Removes what the applier applied last time and not now, unless someone still owns it.
  private prune(merged: unknown, managers: ManagedSets, lastSet: VersionedSet | undefined): unknown {
    if (!lastSet || lastSet.set.empty()) return merged;
    const t = this.typed;
    const named = (s: FieldSet) => t.ensureNamedFieldsAreMembers(s);
    const last = named(lastSet.set);
    let pruned = t.removeItems(merged, last) ?? {};
    // addBackOwnedItems
    let owned = new FieldSet();
    for (const vs of managers.values()) owned = owned.union(vs.set);
    const mergedSet = named(t.toFieldSet(merged));
    let prunedSet = named(t.toFieldSet(pruned));
    pruned = t.removeItems(merged, mergedSet.difference(prunedSet.union(named(owned)))) ?? {};
    // addBackDanglingItems: only what the applier owned last time goes.
    prunedSet = named(t.toFieldSet(pruned));
    return t.removeItems(merged, mergedSet.difference(prunedSet).intersection(last)) ?? {};
  }
}
