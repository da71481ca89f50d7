import type { KubeObject, RestResponse } from "../../api/index.js";
import { ApiError, isStoreError } from "../../machinery/index.js";
import type { VerbContext } from "../context.js";
import { continueTooOldMessage, decodeContinue, encodeContinue } from "../continue-token.js";
import { decodeObject, namespacePrefix, resourcePrefix } from "../object-store.js";
import { queryInt } from "../query.js";
import { respondList } from "../respond.js";
import { selectionFromQuery, type Selection } from "../selection.js";

export interface ListPage {
  items: KubeObject[];
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

/**
 * LIST as upstream: resourceVersion is the store revision the list was read at; `limit`
 * pages with `continue` tokens that pin later pages to that same revision; selectors
 * filter while paging, so a page holds up to `limit` matching items.
 */
export async function listObjects(ctx: VerbContext, selection: Selection = selectionFromQuery(ctx.rt, ctx.req.query)): Promise<ListPage> {
  const { rt, info, req, server } = ctx;
  const prefix = namespacePrefix(rt, info.namespace);
  const limit = queryInt(req.query, "limit") ?? 0;
  if (limit >= 0) {
    const cached = await listFromCache(ctx, selection, limit);
    if (cached) return cached;
  }
  if (limit < 0) throw ApiError.badRequest(`limit: Invalid value: ${limit}: must be greater than or equal to 0`);
  let revision = 0;
  let startKey = prefix;
  if (req.query.continue) {
    const token = decodeContinue(req.query.continue);
    revision = token.revision;
    startKey = prefix + token.startKey;
  } else {
    revision = await revisionToRead(ctx);
  }

  const items: KubeObject[] = [];
  let nextStart: string | undefined;
  // Read in chunks so a selective selector does not need the whole range in memory.
  const chunk = limit > 0 ? Math.max(limit, 100) : 0;
  let readAt = revision;
  for (;;) {
    let page;
    try {
      page = await server.store.range(prefix, { revision: readAt || undefined, limit: chunk || undefined, startKey });
    } catch (err) {
      if (isStoreError(err, "compacted")) {
        throw req.query.continue ? ApiError.gone(continueTooOldMessage) : ApiError.gone(`too old resource version: ${revision} (${err.compactRevision ?? 0})`);
      }
      throw err;
    }
    if (!readAt) readAt = page.revision;
    let stoppedAt = -1;
    for (let i = 0; i < page.kvs.length; i++) {
      const obj = decodeObject(page.kvs[i]);
      if (!selection.matches(obj)) continue;
      items.push(obj);
      if (limit > 0 && items.length === limit) {
        stoppedAt = i;
        break;
      }
    }
    if (stoppedAt >= 0) {
      const more = stoppedAt < page.kvs.length - 1 || page.more;
      if (more) nextStart = page.kvs[stoppedAt].key.slice(prefix.length) + "\u0000";
      break;
    }
    if (!page.more || page.kvs.length === 0) break;
    startKey = page.kvs[page.kvs.length - 1].key + "\u0000";
  }
  const result: ListPage = { items, revision: readAt };
  if (nextStart !== undefined) {
    result.continueToken = encodeContinue(readAt, nextStart);
    if (selection.everything) {
      const total = await server.store.count(prefix);
      const remaining = total - items.length;
      if (remaining > 0 && !req.query.continue) result.remainingItemCount = remaining;
    }
  }
  return result;
}

/**
 * A LIST the watch cache can answer, as upstream's cacher (shouldDelegateList): no
 * continue token, not Exact, and either resourceVersion "0" (any freshness; a limit is
 * ignored, as upstream), N (not older than N) or "" without a limit (consistent: the cache
 * must first reach the store's current revision). The list's resourceVersion is the
 * cache's revision, a store revision at least as new as asked. Undefined: read the store.
 */
async function listFromCache(ctx: VerbContext, selection: Selection, limit: number): Promise<ListPage | undefined> {
  const { rt, info, req, server } = ctx;
  const caches = server.watchCache;
  if (!caches || req.query.continue) return undefined;
  const rvRaw = req.query.resourceVersion ?? "";
  const match = req.query.resourceVersionMatch ?? "";
  if (!/^\d*$/.test(rvRaw) || (match !== "" && match !== "NotOlderThan") || (rvRaw === "" && match !== "")) return undefined;
  if (limit > 0 && rvRaw !== "0") return undefined;
  const cache = caches.resource(resourcePrefix(rt));
  if (!cache) return undefined;
  if (rvRaw !== "0") {
    const current = await server.store.currentRevision();
    const needed = rvRaw === "" ? current : Number(rvRaw);
    // A revision the store has not reached gets the store's "Too large resource version".
    if (needed > current) return undefined;
    if (needed > cache.revision() && !(await caches.waitFor(needed))) return undefined;
  }
  if (!cache.ready) return undefined;
  const items: KubeObject[] = [];
  for (const kv of cache.list(namespacePrefix(rt, info.namespace))) {
    const obj = decodeObject(kv);
    if (selection.matches(obj)) items.push(obj);
  }
  return { items, revision: cache.revision() };
}

/**
 * resourceVersion on a list: "" → latest (a consistent read); "0" → any (we serve the
 * latest); N with resourceVersionMatch=Exact → exactly at N; N otherwise → not older than N.
 */
async function revisionToRead(ctx: VerbContext): Promise<number> {
  const { req, server } = ctx;
  const rvRaw = req.query.resourceVersion ?? "";
  const match = req.query.resourceVersionMatch ?? "";
  if (match && match !== "Exact" && match !== "NotOlderThan") {
    throw ApiError.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (rvRaw === "") {
    if (match) throw ApiError.badRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`);
    return 0;
  }
  if (!/^\d+$/.test(rvRaw)) throw ApiError.badRequest(`Invalid value: ${JSON.stringify(rvRaw)}: resourceVersion must be a number`);
  const rv = Number(rvRaw);
  if (match === "Exact") {
    if (rv === 0) throw ApiError.badRequest(`resourceVersionMatch "Exact" is forbidden for resourceVersion "0"`);
    const current = await server.store.currentRevision();
    if (rv > current) throw ApiError.timeout(`Too large resource version: ${rv}, current: ${current}`);
    return rv;
  }
  if (rv > 0) {
    const current = await server.store.currentRevision();
    if (rv > current) throw ApiError.timeout(`Too large resource version: ${rv}, current: ${current}`);
  }
  return 0;
}

export async function listResponse(ctx: VerbContext): Promise<RestResponse> {
  const page = await listObjects(ctx);
  const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(page.revision) };
  if (page.continueToken) meta.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
  return respondList(ctx, page.items, meta);
}
