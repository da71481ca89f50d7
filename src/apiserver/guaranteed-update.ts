import type { KubeObject } from "../api/index.js";
import { ApiError, jsonEqual } from "../machinery/index.js";
import { defaultAndValidate } from "./admission.js";
import type { VerbContext } from "./context.js";
import { groupResource } from "./names.js";
import { keepServerMeta } from "./object-meta.js";
import { decodeObject, encodeObject, objectKey } from "./object-store.js";
import { isDryRun } from "./query.js";
import { withTypeMeta } from "./respond.js";
import { toRequestVersion, toStorageVersion } from "./crd/webhook-conversion.js";
import { allocateForWrite, releaseDropped } from "./allocation/write.js";
import { admissionAttributes, runMutatingAdmission, runValidatingAdmission } from "./admission-chain.js";
import { trackUpdate } from "./fieldmanager/index.js";

export interface UpdateOutcome {
  object: KubeObject;
  /** True when the write removed the object (its last finalizer went while it was being deleted). */
  deleted: boolean;
  /** True when `options.create` made the object (server-side apply to a missing object). */
  created?: boolean;
}

/**
 * Read-modify-write with compare-and-swap (upstream's GuaranteedUpdate). `mutate` gets a
 * private copy of the current object and returns the object to store, with
 * `metadata.resourceVersion` set only when the request pins one (a PUT body's, or one a
 * patch sets); `unpinned()` clears it. A stale write is retried with a fresh read, unless
 * the request pinned a resourceVersion: then it is a 409 Conflict. A write that changes nothing stores nothing and keeps the old
 * resourceVersion.
 */
export async function guaranteedUpdate(
  ctx: VerbContext,
  mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
  options: {
    subresource: string;
    validate?: boolean;
    /** Deletion marks the object: it may set deletionTimestamp. */ deleting?: boolean;
    /**
     * metadata.managedFields: "track" records the write for the request's field manager
     * (the default for admitted writes), "keep" leaves the stored ones (internal writes),
     * "given" stores what `mutate` set (server-side apply). `managedSubresource` names the
     * endpoint in the entry when it differs from `subresource` (scale).
     */
    managedFields?: "track" | "keep" | "given";
    managedSubresource?: string;
    /** Called instead of a 404 when the object does not exist (apply creates it). */
    create?: () => Promise<KubeObject>;
  } = { subresource: "" },
): Promise<UpdateOutcome> {
  const { rt, info, server } = ctx;
  const key = objectKey(rt, info.namespace, info.name);
  for (let attempt = 0; ; attempt++) {
    const got = await server.store.get(key);
    if (!got.kv) {
      if (options.create) return { object: await options.create(), deleted: false, created: true };
      throw ApiError.notFound(groupResource(rt), info.name);
    }
    const stored = decodeObject(got.kv);
    // A resource served in several versions (CRDs) stores one; the request sees its own.
    const current = await toRequestVersion(ctx, stored);
    // mutate's private copy: decoding the stored text again is cheaper than structuredClone.
    const next = await mutate(withTypeMeta(rt, current === stored ? decodeObject(got.kv) : structuredClone(current)));
    const pinned = next.metadata.resourceVersion;
    if (pinned && pinned !== current.metadata.resourceVersion) throw ApiError.staleUpdate(groupResource(rt), info.name);

    prepareUpdate(ctx, next, current, options.subresource, options.deleting === true);
    // Marking for deletion was admitted as a DELETE; internal writes (validate: false) are not admitted.
    const attrs = options.validate !== false && !options.deleting ? admissionAttributes(ctx, "UPDATE", next, current, options.subresource) : undefined;
    if (attrs) ctx.rt.strategy?.defaults?.(next);
    const managed = options.managedFields ?? (options.validate !== false && !options.deleting ? "track" : "keep");
    if (managed === "track") trackUpdate(ctx, current, next, options.managedSubresource ?? options.subresource);
    else if (managed === "keep") next.metadata.managedFields = current.metadata.managedFields;
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    if (attrs) await runMutatingAdmission(attrs);
    if (options.validate !== false) defaultAndValidate(ctx, next, current, { operation: "update", subresource: options.subresource });
    if (attrs) await runValidatingAdmission(attrs);

    const claims = options.subresource === "" && !options.deleting ? await allocateForWrite(ctx, next, current) : undefined;
    const outcome = await writeOnce(ctx, key, next, current, got.kv.modRevision).catch(async (err: unknown) => {
      await claims?.rollback();
      throw err;
    });
    if (outcome === "lost") {
      await claims?.rollback();
      if (pinned || attempt > 20) throw ApiError.staleUpdate(groupResource(rt), info.name);
      continue;
    }
    if (outcome.deleted || outcome.object !== current) await releaseDropped(ctx, outcome.deleted ? undefined : outcome.object, current);
    else await claims?.rollback();
    return outcome;
  }
}

/** One compare-and-swap: the object removed (last finalizer gone), stored, unchanged, or "lost" to a concurrent write. */
async function writeOnce(ctx: VerbContext, key: string, next: KubeObject, current: KubeObject, modRevision: number): Promise<UpdateOutcome | "lost"> {
  const { rt, server } = ctx;
  const strategy = rt.strategy;
  const goesNow =
    next.metadata.deletionTimestamp !== undefined &&
    (next.metadata.deletionGracePeriodSeconds ?? 0) === 0 &&
    (next.metadata.finalizers ?? []).length === 0 &&
    (strategy?.readyToDelete?.(next) ?? true);
  if (isDryRun(ctx.req.query)) return { object: next, deleted: goesNow };
  if (goesNow) {
    const del = await server.store.delete(key, { expectedModRevision: modRevision });
    if (del.ok) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: String(del.revision) } }, deleted: true };
    return "lost";
  }
  if (sameObject(next, current)) return { object: current, deleted: false };
  const res = await server.store.update(key, encodeObject(await toStorageVersion(ctx, next)), { expectedModRevision: modRevision });
  if (res.ok) return { object: decodeObject(res.kv), deleted: false };
  return "lost";
}

/**
 * What a write may change: the main resource leaves `.status` alone, the status
 * subresource changes only `.status` (and metadata); identity metadata always comes
 * from the stored object; generation moves when the spec does.
 */
function prepareUpdate(ctx: VerbContext, next: KubeObject, current: KubeObject, subresource: string, deleting: boolean): void {
  const rt = ctx.rt;
  const strategy = rt.strategy;
  const { deletionTimestamp, deletionGracePeriodSeconds } = next.metadata;
  keepServerMeta(next.metadata, current.metadata);
  if (deleting) {
    next.metadata.deletionTimestamp = deletionTimestamp;
    next.metadata.deletionGracePeriodSeconds = deletionGracePeriodSeconds;
  }
  next.apiVersion = current.apiVersion;
  next.kind = current.kind;
  if (subresource === "status") {
    for (const field of Object.keys(next)) if (field !== "metadata" && field !== "status" && field !== "apiVersion" && field !== "kind") delete next[field];
    for (const field of Object.keys(current)) if (field !== "metadata" && field !== "status") next[field] = current[field];
  } else if (subresource === "" && rt.subresources?.status && !deleting) {
    if (current.status === undefined) delete next.status;
    else next.status = current.status;
  }
  if (subresource === "" && !deleting) strategy?.prepareForUpdate?.(next, current);
  if (strategy?.tracksGeneration) {
    const changed = strategy.specChanged ? strategy.specChanged(next, current) : !jsonEqual(withoutMetaAndStatus(next), withoutMetaAndStatus(current));
    next.metadata.generation = (current.metadata.generation ?? 0) + (changed ? 1 : 0);
  }
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(strip(a), strip(b));
}

/** For `mutate` callbacks: the object without a resourceVersion, so a lost race is retried, not refused. */
export function unpinned(obj: KubeObject): KubeObject {
  delete obj.metadata.resourceVersion;
  return obj;
}
