import type { CustomSubresource, KubeObject, RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { guaranteedUpdate, unpinned } from "../guaranteed-update.js";
import { respondObject } from "../respond.js";
import { deleteOne } from "./delete.js";
import { groupResource } from "../names.js";
import { readObject, requestEnv } from "../request-env.js";

/**
 * Subresources whose behaviour a resource entry supplies (pods/binding, pods/eviction,
 * namespaces/finalize): POST turns the body into an update or a delete of the parent;
 * PUT replaces the parent with what the entry computes.
 */
export async function customSubresourceResponse(ctx: VerbContext, sub: CustomSubresource): Promise<RestResponse> {
  const body = ctx.req.body;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw ApiError.badRequest("the body of the request must be a JSON or YAML object");
  }
  const request = body as KubeObject;
  if (request.metadata === undefined) request.metadata = {};
  if (ctx.req.method === "POST" && sub.respond) {
    // Answered from the parent without writing it (serviceaccounts/token).
    const parent = await readObject(ctx.server, { group: ctx.rt.group, version: ctx.rt.version, plural: ctx.rt.plural, namespace: ctx.info.namespace, name: ctx.info.name });
    if (!parent) throw ApiError.notFound(groupResource(ctx.rt), ctx.info.name);
    return { status: 201, body: await sub.respond(parent, request, requestEnv(ctx)) };
  }
  if (ctx.req.method === "POST" && sub.create) {
    if (request.metadata.name && request.metadata.name !== ctx.info.name) {
      throw ApiError.badRequest(`name in URL does not match name in ${sub.kind} object`);
    }
    if (sub.guard) {
      const parent = await readObject(ctx.server, { group: ctx.rt.group, version: ctx.rt.version, plural: ctx.rt.plural, namespace: ctx.info.namespace, name: ctx.info.name });
      if (!parent) throw ApiError.notFound(groupResource(ctx.rt), ctx.info.name);
      await sub.guard(parent, request, requestEnv(ctx));
    }
    let response: unknown;
    let deleteWith: { gracePeriodSeconds?: number } | undefined;
    // The entry's function is trusted to change only what the subresource may change
    // (binding sets spec.nodeName, which a plain update may not), so no update validation.
    await guaranteedUpdate(
      ctx,
      (current) => {
        const action = sub.create!(current, request);
        response = action.response;
        if (action.action === "delete") {
          deleteWith = { gracePeriodSeconds: action.gracePeriodSeconds };
          return unpinned(current);
        }
        return unpinned(action.object);
      },
      { subresource: ctx.info.subresource, validate: false },
    );
    if (deleteWith) await deleteOne(ctx, deleteWith);
    return { status: 201, body: response ?? successStatus() };
  }
  if (ctx.req.method === "PUT" && sub.update) {
    const pinned = request.metadata.resourceVersion;
    const outcome = await guaranteedUpdate(
      ctx,
      (current) => {
        const next = unpinned(sub.update!(current, request));
        if (pinned) next.metadata.resourceVersion = pinned;
        return next;
      },
      { subresource: ctx.info.subresource, validate: false },
    );
    return respondObject(ctx, 200, outcome.object);
  }
  throw ApiError.methodNotAllowed(ctx.req.method, { group: ctx.rt.group, resource: `${ctx.rt.plural}/${ctx.info.subresource}` });
}

function successStatus(): unknown {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
}
