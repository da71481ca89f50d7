import type { KubeObject, RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { rfc3339 } from "../context.js";
import { guaranteedUpdate, unpinned } from "../guaranteed-update.js";
import { groupResource } from "../names.js";
import { decodeObject, objectKey } from "../object-store.js";
import { isDryRun, queryInt } from "../query.js";
import { respondObject } from "../respond.js";
import { releaseDropped } from "../allocation/write.js";
import { readObject } from "./get.js";
import { listObjects } from "./list.js";
import { admissionAttributes, runValidatingAdmission } from "../admission-chain.js";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const orphanFinalizer = "orphan";
const foregroundFinalizer = "foregroundDeletion";

/** DeleteOptions from the body (what kubectl sends) or, failing that, the query. */
export function deleteOptionsOf(ctx: VerbContext): DeleteOptions {
  const body = ctx.req.body;
  const opts: DeleteOptions = body && typeof body === "object" && !Array.isArray(body) ? { ...(body as DeleteOptions) } : {};
  const q = ctx.req.query;
  if (opts.gracePeriodSeconds === undefined) opts.gracePeriodSeconds = queryInt(q, "gracePeriodSeconds");
  if (opts.propagationPolicy === undefined && q.propagationPolicy) opts.propagationPolicy = q.propagationPolicy as DeleteOptions["propagationPolicy"];
  if (opts.orphanDependents === undefined && q.orphanDependents !== undefined) opts.orphanDependents = q.orphanDependents === "true";
  const policy = opts.propagationPolicy;
  if (policy !== undefined && policy !== "Orphan" && policy !== "Background" && policy !== "Foreground") {
    throw ApiError.invalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", [
      { type: "FieldValueNotSupported", field: "propagationPolicy", badValue: policy, detail: `supported values: "Foreground", "Background", "Orphan", "nil"` },
    ]);
  }
  if (opts.gracePeriodSeconds !== undefined && (typeof opts.gracePeriodSeconds !== "number" || opts.gracePeriodSeconds < 0)) {
    throw ApiError.invalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", [
      { type: "FieldValueInvalid", field: "gracePeriodSeconds", badValue: opts.gracePeriodSeconds, detail: "must be greater than or equal to 0" },
    ]);
  }
  return opts;
}

export type DeleteOutcome = { deleted: true; object: KubeObject } | { deleted: false; object: KubeObject };

/**
 * Deletion as upstream's registry store does it:
 * - preconditions (uid, resourceVersion) → 409;
 * - Orphan/Foreground propagation adds the orphan/foregroundDeletion finalizer for the
 *   garbage collector;
 * - graceful deletion (pods) sets deletionTimestamp = now + grace and waits for the
 *   owner (the kubelet) to delete with grace 0;
 * - objects with finalizers, or whose strategy keeps them (namespaces), get
 *   deletionTimestamp and wait;
 * - everything else is removed at once.
 */
export async function deleteOne(ctx: VerbContext, opts: DeleteOptions): Promise<DeleteOutcome> {
  const { rt, info, server } = ctx;
  const key = objectKey(rt, info.namespace, info.name);
  for (let attempt = 0; ; attempt++) {
    const current = await readObject(ctx);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw ApiError.conflict(groupResource(rt), info.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ""}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw ApiError.conflict(
        groupResource(rt),
        info.name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ""}`,
      );
    }
    const attrs = admissionAttributes(ctx, "DELETE", undefined, current, "");
    attrs.options = opts;
    await runValidatingAdmission(attrs);
    const plan = planDeletion(ctx, current, opts);
    if (plan.kind === "now") {
      if (isDryRun(ctx.req.query)) return { deleted: true, object: current };
      const res = await server.store.delete(key, { expectedModRevision: Number(current.metadata.resourceVersion) });
      if (res.ok) {
        const gone = decodeObject(res.prev);
        gone.metadata.resourceVersion = String(res.revision);
        await releaseDropped(ctx, undefined, gone);
        return { deleted: true, object: gone };
      }
      if (!res.current) throw ApiError.notFound(groupResource(rt), info.name);
      if (attempt > 20) throw ApiError.staleUpdate(groupResource(rt), info.name);
      continue;
    }
    // Preconditions were checked above; a write that races the mark is retried, not refused.
    const outcome = await guaranteedUpdate(ctx, (latest) => unpinned(markForDeletion(ctx, latest, opts)), { subresource: "", validate: false, deleting: true });
    return outcome.deleted ? { deleted: true, object: outcome.object } : { deleted: false, object: outcome.object };
  }
}

function planDeletion(ctx: VerbContext, obj: KubeObject, opts: DeleteOptions): { kind: "now" } | { kind: "mark" } {
  const marked = markForDeletion(ctx, structuredClone(obj), opts);
  const waits = (marked.metadata.finalizers ?? []).length > 0 || marked.metadata.deletionGracePeriodSeconds! > 0 || ctx.rt.strategy?.readyToDelete?.(marked) === false;
  return waits ? { kind: "mark" } : { kind: "now" };
}

function markForDeletion(ctx: VerbContext, obj: KubeObject, opts: DeleteOptions): KubeObject {
  const strategy = ctx.rt.strategy;
  const meta = obj.metadata;
  const finalizers = new Set(meta.finalizers ?? []);
  const orphan = opts.propagationPolicy === "Orphan" || (opts.propagationPolicy === undefined && opts.orphanDependents === true);
  if (!meta.deletionTimestamp) {
    if (orphan) finalizers.add(orphanFinalizer);
    if (opts.propagationPolicy === "Foreground") finalizers.add(foregroundFinalizer);
  }
  meta.finalizers = [...finalizers];
  if (meta.finalizers.length === 0) delete meta.finalizers;

  const now = ctx.server.now();
  const requested = opts.gracePeriodSeconds;
  const grace = strategy?.gracePeriod ? strategy.gracePeriod(obj, requested) ?? 0 : 0;
  if (meta.deletionTimestamp) {
    // Already terminating: a shorter grace period may move the deadline closer.
    if (grace < (meta.deletionGracePeriodSeconds ?? 0)) {
      meta.deletionGracePeriodSeconds = grace;
      meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
    }
    return obj;
  }
  const kept = strategy?.onDelete?.(obj);
  const target = kept ?? obj;
  target.metadata.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
  target.metadata.deletionGracePeriodSeconds = grace;
  if (target.metadata.generation !== undefined) target.metadata.generation += 1;
  return target;
}

export async function deleteResponse(ctx: VerbContext): Promise<RestResponse> {
  const outcome = await deleteOne(ctx, deleteOptionsOf(ctx));
  if (outcome.deleted && !ctx.rt.strategy?.gracePeriod) {
    return { status: 200, body: successStatus(ctx, outcome.object) };
  }
  return respondObject(ctx, 200, outcome.object);
}

function successStatus(ctx: VerbContext, obj: KubeObject): unknown {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name: obj.metadata.name, group: ctx.rt.group || undefined, kind: ctx.rt.plural, uid: obj.metadata.uid },
  };
}

/** DELETE on a collection: every object the selectors match, each as a single delete. */
export async function deleteCollectionResponse(ctx: VerbContext): Promise<RestResponse> {
  const opts = deleteOptionsOf(ctx);
  const page = await listObjects({ ...ctx, req: { ...ctx.req, query: { ...ctx.req.query, limit: "", continue: "" } } });
  const deleted: KubeObject[] = [];
  for (const obj of page.items) {
    const one: VerbContext = { ...ctx, info: { ...ctx.info, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" } };
    try {
      deleted.push((await deleteOne(one, opts)).object);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) continue;
      throw err;
    }
  }
  return {
    status: 200,
    body: { kind: `${ctx.rt.kind}List`, apiVersion: ctx.rt.group ? `${ctx.rt.group}/${ctx.rt.version}` : ctx.rt.version, metadata: { resourceVersion: String(page.revision) }, items: deleted },
  };
}
