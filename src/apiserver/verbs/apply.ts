import type { KubeObject, RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import { decodeBody, warningHeaders } from "../admission.js";
import type { VerbContext } from "../context.js";
import { applyConfiguration, checkAppliedFields, checkAppliedKind } from "../fieldmanager/index.js";
import { guaranteedUpdate, unpinned } from "../guaranteed-update.js";
import { fieldValidation } from "../query.js";
import { respondObject } from "../respond.js";
import { createDecoded } from "./create.js";

/**
 * PATCH with `application/apply-patch+yaml`: server-side apply of a configuration (YAML or
 * JSON) to the object, or to nothing (the object is created, 201) as upstream's
 * applyPatcher with forceAllowCreate.
 */
export async function applyObject(ctx: VerbContext): Promise<RestResponse> {
  const { info } = ctx;
  const body = ctx.req.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw ApiError.badRequest("error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal non-object into Go value of type map[string]interface {}");
  }
  checkAppliedKind(ctx, body as KubeObject);
  if (fieldValidation(ctx.req.query) === "Strict") checkAppliedFields(ctx, body as KubeObject);
  // Type checks and unknown fields (fieldValidation) as for any body; what is dropped is not owned.
  const { obj: config, warnings } = decodeBody(ctx, structuredClone(body));
  if (config.metadata.name !== undefined && config.metadata.name !== info.name) {
    throw ApiError.badRequest(`the name of the object (${String(config.metadata.name)}) does not match the name on the URL (${info.name})`);
  }
  if (ctx.rt.namespaced && config.metadata.namespace && config.metadata.namespace !== info.namespace) {
    throw ApiError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const pinned = config.metadata.resourceVersion;
  const outcome = await guaranteedUpdate(
    ctx,
    (current) => {
      const merged = unpinned(applyConfiguration(ctx, current, config));
      if (pinned) merged.metadata.resourceVersion = pinned;
      return merged;
    },
    {
      subresource: info.subresource,
      managedFields: "given",
      create: info.subresource === "" ? () => createApplied(ctx, config) : undefined,
    },
  );
  return respondObject(ctx, outcome.created ? 201 : 200, outcome.object, warningHeaders([...warnings, ...(ctx.warnings ?? [])]));
}

async function createApplied(ctx: VerbContext, config: KubeObject): Promise<KubeObject> {
  const obj = applyConfiguration(ctx, undefined, config);
  // The zero value's empty structs are not part of what the client asked for.
  for (const [k, v] of Object.entries(obj)) {
    if (k !== "metadata" && !(k in config) && typeof v === "object" && v !== null && Object.keys(v).length === 0) delete obj[k];
  }
  obj.metadata.name ??= ctx.info.name;
  delete obj.metadata.resourceVersion;
  return createDecoded(ctx, obj, { applied: true });
}
