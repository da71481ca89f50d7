import type { RestResponse } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { decodeObject, objectKey, resourcePrefix } from "../object-store.js";
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
  return respondObject(ctx, 200, rv === "0" ? readCachedObject(ctx) ?? (await readObject(ctx)) : await readObject(ctx));
}

/**
 * resourceVersion "0" asks for any version: the watch cache answers without the store,
 * as upstream's cacher (the kubelet reads its Node this way every 10 s). Undefined when
 * no ready cache holds the resource; a name the cache lacks is NotFound, as upstream.
 */
function readCachedObject(ctx: VerbContext): KubeObject | undefined {
  const { rt, info, server } = ctx;
  const cache = server.watchCache?.resource(resourcePrefix(rt));
  if (!cache?.ready) return undefined;
  const kv = cache.get(objectKey(rt, info.namespace, info.name));
  if (!kv) throw ApiError.notFound(groupResource(rt), info.name);
  return decodeObject(kv);
}
