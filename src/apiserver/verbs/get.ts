import type { RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { decodeObject, objectKey } from "../object-store.js";
import { groupResource } from "../names.js";
import { respondObject } from "../respond.js";
import type { KubeObject } from "../../api/index.js";

export async function readObject(ctx: VerbContext, name = ctx.info.name): Promise<KubeObject> {
  const { rt, info, server } = ctx;
  const got = await server.store.get(objectKey(rt, info.namespace, name));
  if (!got.kv) throw ApiError.notFound(groupResource(rt), name);
  return decodeObject(got.kv);
}

export async function getObject(ctx: VerbContext): Promise<RestResponse> {
  const rv = ctx.req.query.resourceVersion;
  if (rv !== undefined && !/^\d*$/.test(rv)) throw ApiError.badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return respondObject(ctx, 200, await readObject(ctx));
}
