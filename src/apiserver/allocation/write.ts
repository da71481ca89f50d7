import type { Allocation, KubeObject } from "../../api/index.js";
import type { VerbContext } from "../context.js";
import { resourcePrefix } from "../object-store.js";
import { isDryRun } from "../query.js";
import { WriteAllocator, releaseAllocations } from "./allocator.js";

/**
 * The verbs' side of allocation. A write runs the strategy's `allocate` after
 * validation, then stores the object; if the store refuses (lost compare-and-swap, name
 * taken) or anything throws, `rollback()` gives the new claims back. After a write that
 * succeeded, `releaseDropped` frees what the old object held and the new one does not
 * (a NodePort Service turned ClusterIP, a deleted Service).
 */
export interface WriteClaims {
  rollback(): Promise<void>;
}

const nothingClaimed: WriteClaims = { rollback: async () => {} };

export async function allocateForWrite(ctx: VerbContext, obj: KubeObject, old: KubeObject | undefined): Promise<WriteClaims> {
  const allocate = ctx.rt.strategy?.allocate;
  if (!allocate) return nothingClaimed;
  const allocator = new WriteAllocator({
    store: ctx.server.store,
    pools: ctx.server.allocationPools,
    owner: { resource: resourcePrefix(ctx.rt), uid: obj.metadata.uid ?? "" },
    dryRun: isDryRun(ctx.req.query),
  });
  try {
    await allocate(obj, old, allocator);
  } catch (err) {
    await allocator.rollback();
    throw err;
  }
  return allocator;
}

/** After a successful write: frees the values `old` held that `next` (undefined: the object is gone) does not. */
export async function releaseDropped(ctx: VerbContext, next: KubeObject | undefined, old: KubeObject): Promise<void> {
  const held = ctx.rt.strategy?.allocations;
  if (!held || isDryRun(ctx.req.query)) return;
  const kept = new Set((next ? held(next) : []).map(keyOf));
  const dropped = held(old).filter((a) => !kept.has(keyOf(a)));
  if (dropped.length === 0) return;
  try {
    await releaseAllocations(ctx.server.store, dropped, old.metadata.uid ?? "");
  } catch (err) {
    // The write is done and acknowledged; a value left claimed is freed by the repair at the next start.
    console.error(`k8ts apiserver: releasing ${dropped.map(keyOf).join(", ")}:`, err);
  }
}

function keyOf(a: Allocation): string {
  return `${a.pool}/${a.value}`;
}
