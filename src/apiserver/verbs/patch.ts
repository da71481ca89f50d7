import type { KubeObject, RestResponse } from "../../api/index.js";
import { patchMetaFor } from "../../api/index.js";
import { ApiError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from "../../machinery/index.js";
import { decodeBody, warningHeaders } from "../admission.js";
import type { VerbContext } from "../context.js";
import { guaranteedUpdate, unpinned } from "../guaranteed-update.js";
import { respondObject } from "../respond.js";
import { validateWriteOptions } from "../fieldmanager/index.js";
import { applyObject } from "./apply.js";

export type PatchType = "json" | "merge" | "strategic" | "apply";

export function patchTypeOf(contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? "").split(";")[0].trim();
  switch (mediaType) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
      return "apply";
    default:
      throw ApiError.of(
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

/**
 * Applies a patch document to an object of the given definition. Strategic merge patch
 * reads list merge keys from the schema; types without one (custom resources) refuse it
 * as upstream does.
 */
export function applyPatch(ctx: VerbContext, current: KubeObject, patch: unknown, type: PatchType, definition: string): unknown {
  switch (type) {
    case "json":
      return applyJsonPatch(current, patch);
    case "merge":
    case "apply": // only the scale subresource gets here: its Scale is merged (verbs/apply.ts serves objects)
      return applyMergePatch(current, patch);
    case "strategic": {
      const defs = ctx.server.registry.definitions();
      const schema = defs[definition];
      if (!schema) throw ApiError.of("UnsupportedMediaType", `strategic merge patch is not supported for ${ctx.rt.kind}`);
      return applyStrategicMergePatch(current, patch, patchMetaFor(schema, defs));
    }
  }
}

/** PATCH on the resource or its status subresource. */
export async function patchObject(ctx: VerbContext): Promise<RestResponse> {
  const type = patchTypeOf(ctx.req.contentType);
  if (type === "strategic" && ctx.rt.strategy?.noStrategicMergePatch) {
    throw ApiError.of("UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  }
  validateWriteOptions(ctx, "PatchOptions", { apply: type === "apply" });
  if (type === "apply") return applyObject(ctx);
  const warnings: string[] = [];
  const outcome = await guaranteedUpdate(
    ctx,
    (current) => {
      const patched = applyPatch(ctx, current, ctx.req.body, type, ctx.rt.definition);
      const decoded = decodeBody(ctx, patched);
      warnings.splice(0, warnings.length, ...decoded.warnings);
      if (decoded.obj.metadata.name !== current.metadata.name) {
        throw ApiError.badRequest(`the name of the object (${String(decoded.obj.metadata.name)}) does not match the name on the URL (${String(current.metadata.name)})`);
      }
      // Only a resourceVersion the patch itself sets is a precondition; other patches are
      // re-applied to the fresh object when a concurrent write wins (as upstream's patcher).
      if (!patchPinsResourceVersion(ctx.req.body, type)) unpinned(decoded.obj);
      return decoded.obj;
    },
    { subresource: ctx.info.subresource },
  );
  return respondObject(ctx, 200, outcome.object, warningHeaders([...warnings, ...(ctx.warnings ?? [])]));
}

function patchPinsResourceVersion(patch: unknown, type: PatchType): boolean {
  if (type === "json") {
    return Array.isArray(patch) && patch.some((op: unknown) => typeof op === "object" && op !== null && (op as { path?: unknown }).path === "/metadata/resourceVersion" && (op as { op?: unknown }).op !== "remove");
  }
  const rv = (patch as { metadata?: { resourceVersion?: unknown } | null } | null)?.metadata?.resourceVersion;
  return rv !== undefined && rv !== null && rv !== "";
}
