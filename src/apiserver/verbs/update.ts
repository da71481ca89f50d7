import type { RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import { decodeBody, warningHeaders } from "../admission.js";
import type { VerbContext } from "../context.js";
import { guaranteedUpdate } from "../guaranteed-update.js";
import { respondObject } from "../respond.js";
import { validateWriteOptions } from "../fieldmanager/index.js";

/** PUT on the resource or its status subresource. */
export async function updateObject(ctx: VerbContext): Promise<RestResponse> {
  const { info } = ctx;
  validateWriteOptions(ctx, "UpdateOptions");
  const { obj, warnings } = decodeBody(ctx, ctx.req.body);
  if (obj.metadata.name && obj.metadata.name !== info.name) {
    throw ApiError.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
  }
  if (ctx.rt.namespaced && obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
    throw ApiError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  obj.metadata.name = info.name;
  const outcome = await guaranteedUpdate(ctx, () => structuredClone(obj), { subresource: info.subresource });
  return respondObject(ctx, 200, outcome.object, warningHeaders([...warnings, ...(ctx.warnings ?? [])]));
}
