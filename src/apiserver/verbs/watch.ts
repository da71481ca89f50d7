import type { KubeObject, RestResponse, WatchEventBody } from "../../api/index.js";
import { ApiError, isApiError, isStoreError } from "../../machinery/index.js";
import { AsyncQueue } from "../async-queue.js";
import type { VerbContext } from "../context.js";
import { decodeEvent, decodeObject, namespacePrefix, resourcePrefix } from "../object-store.js";
import { queryBool, queryInt } from "../query.js";
import { eventObject } from "../respond.js";
import { selectionFromQuery } from "../selection.js";
import { listObjects } from "./list.js";
import type { ResourceCache } from "../watch-cache/watch-cache.js";
import { sharedDecode, sharedWireEvent } from "../watch-cache/shared-events.js";

/**
 * WATCH as upstream:
 * - no resourceVersion (or "0"), or sendInitialEvents=true: ADDED for every current
 *   object, then changes after that list's revision;
 * - resourceVersion=N: every change after N, or an ERROR event with 410 Expired when
 *   N is older than the store's history;
 * - BOOKMARKs (when allowed) every bookmark interval and, with sendInitialEvents, one
 *   marked `k8s.io/initial-events-end` after the initial events;
 * - the server ends every watch after timeoutSeconds, or a random [min, 2·min) timeout,
 *   so watches never pile up.
 * Served from the watch cache (watch-cache/) when the resource's cache is loaded and
 * reaches back to the start revision: then N watchers cost the store nothing. Otherwise
 * (history older than the cache's, a cache still loading or not caught up) from a store
 * watch, which answers 410 Gone for compacted revisions.
 */
export async function watchResponse(ctx: VerbContext): Promise<RestResponse> {
  const { rt, info, req, server } = ctx;
  const selection = selectionFromQuery(rt, req.query);
  const allowBookmarks = queryBool(req.query, "allowWatchBookmarks") ?? false;
  const sendInitialEvents = queryBool(req.query, "sendInitialEvents");
  const rvRaw = req.query.resourceVersion ?? "";
  if (rvRaw !== "" && !/^\d+$/.test(rvRaw)) throw ApiError.badRequest(`Invalid value: ${JSON.stringify(rvRaw)}: resourceVersion must be a number`);
  if (sendInitialEvents !== undefined && req.query.resourceVersionMatch !== "NotOlderThan") {
    throw ApiError.invalid({ group: "meta.k8s.io", kind: "ListOptions" }, "", [
      { type: "FieldValueForbidden", field: "sendInitialEvents", detail: "sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan" },
    ]);
  }
  const timeoutSeconds = queryInt(req.query, "timeoutSeconds") ?? server.watch.minTimeoutSeconds * (1 + Math.random());

  const queue = new AsyncQueue<WatchEventBody>();
  const stop = new AbortController();
  const onClientGone = () => stop.abort();
  req.signal?.addEventListener("abort", onClientGone, { once: true });
  const timeout = setTimeout(() => stop.abort(), timeoutSeconds * 1000);
  let bookmarkTimer: NodeJS.Timeout | undefined;
  stop.signal.addEventListener("abort", () => {
    clearTimeout(timeout);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    req.signal?.removeEventListener("abort", onClientGone);
    queue.end();
  });

  let fromRevision: number;
  let lastRevision: number;
  const initial: KubeObject[] = [];
  const wantsInitial = sendInitialEvents === true || (sendInitialEvents === undefined && (rvRaw === "" || rvRaw === "0"));
  const watchPrefix = namespacePrefix(rt, info.namespace);
  // The cache, when it can serve this watch; resolved before anything is queued.
  const cache = await cacheFor(ctx, wantsInitial, rvRaw);
  if (cache) {
    // Snapshot and subscription in one synchronous step: nothing can fall between them.
    fromRevision = wantsInitial || rvRaw === "" || rvRaw === "0" ? cache.revision() : Number(rvRaw);
    if (wantsInitial) {
      for (const kv of cache.list(watchPrefix)) {
        const obj = decodeObject(kv);
        if (selection.matches(obj)) initial.push(obj);
      }
    }
  } else if (wantsInitial) {
    const page = await listObjects({ ...ctx, req: { ...req, query: { ...req.query, limit: "", continue: "", resourceVersion: "", resourceVersionMatch: "" } } }, selection);
    initial.push(...page.items);
    fromRevision = page.revision;
  } else {
    fromRevision = rvRaw === "" ? 0 : Number(rvRaw);
    if (fromRevision === 0) fromRevision = await server.store.currentRevision();
  }
  lastRevision = fromRevision;

  const bookmark = (annotations?: Record<string, string>): WatchEventBody => ({
    type: "BOOKMARK",
    object: {
      kind: rt.kind,
      apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
      metadata: annotations ? { resourceVersion: String(lastRevision), annotations } : { resourceVersion: String(lastRevision) },
    },
  });

  for (const obj of initial) queue.push({ type: "ADDED", object: eventObject(ctx, obj) });
  if (sendInitialEvents === true && allowBookmarks) queue.push(bookmark({ "k8s.io/initial-events-end": "true" }));
  if (allowBookmarks) {
    bookmarkTimer = setInterval(() => queue.push(bookmark()), server.watch.bookmarkIntervalMs);
  }

  if (cache) {
    const subscription = cache.watch(
      {
        prefix: watchPrefix,
        onEvent: (raw) => {
          if (stop.signal.aborted) return;
          // Decoded once for every watcher of the cache; read-only from here on.
          const ev = sharedDecode(raw);
          lastRevision = Number(ev.object.metadata.resourceVersion);
          const out = translate(ev, selection.matches);
          if (out) queue.push(sharedWireEvent(raw, out.type, eventObject(ctx, out.object)));
        },
        onReset: () => stop.abort(),
      },
      fromRevision,
    );
    if (subscription) {
      stop.signal.addEventListener("abort", () => subscription.cancel(), { once: true });
      // Bookmarks carry the cache's progress: every event up to it has been queued.
      if (allowBookmarks) {
        clearInterval(bookmarkTimer);
        bookmarkTimer = setInterval(() => {
          lastRevision = Math.max(lastRevision, cache.revision());
          queue.push(bookmark());
        }, server.watch.bookmarkIntervalMs);
      }
      return { status: 200, body: undefined, watch: queue };
    }
    // The cache's history no longer reaches fromRevision: the store decides (events or 410).
  }

  const pump = async () => {
    try {
      const events = server.store.watch(watchPrefix, { fromRevision, signal: stop.signal });
      for await (const raw of events) {
        const ev = decodeEvent(raw);
        lastRevision = Number(ev.object.metadata.resourceVersion);
        const out = translate(ev, selection.matches);
        if (out) queue.push({ type: out.type, object: eventObject(ctx, out.object) });
      }
    } catch (err) {
      // A store watch that ended because this watcher fell behind just closes: the
      // client re-watches from its last resourceVersion and loses nothing.
      if (!stop.signal.aborted && !isStoreError(err, "unavailable")) queue.push({ type: "ERROR", object: watchErrorStatus(err, fromRevision) });
    } finally {
      stop.abort();
    }
  };
  void pump();

  return { status: 200, body: undefined, watch: queue };
}

/**
 * The resource's cache if it can serve this watch: loaded, and for a consistent start
 * ("" with initial events) or a start ahead of it, caught up within the cache's wait.
 */
async function cacheFor(ctx: VerbContext, wantsInitial: boolean, rvRaw: string): Promise<ResourceCache | undefined> {
  const caches = ctx.server.watchCache;
  const cache = caches?.resource(resourcePrefix(ctx.rt));
  if (!caches || !cache) return undefined;
  if (rvRaw === "0") return cache;
  // "" with initial events is a consistent read: the cache must reach the store's revision.
  const needed = rvRaw === "" ? (wantsInitial ? await ctx.server.store.currentRevision() : 0) : Number(rvRaw);
  if (needed > cache.revision() && !(await caches.waitFor(needed))) return undefined;
  if (!wantsInitial && rvRaw !== "") {
    // Older than the cache's history, or than the store's (compacted): the store answers (410 when gone).
    if (Number(rvRaw) < cache.oldestRevision() || Number(rvRaw) < (await ctx.server.store.compactedRevision())) return undefined;
  }
  return cache.ready ? cache : undefined;
}

/** An event as a filtered watcher sees it: leaving the selection is a DELETED, entering it an ADDED. */
function translate(
  ev: { type: "put" | "delete"; object: KubeObject; prev?: KubeObject },
  matches: (o: KubeObject) => boolean,
): { type: "ADDED" | "MODIFIED" | "DELETED"; object: KubeObject } | undefined {
  if (ev.type === "delete") return matches(ev.object) ? { type: "DELETED", object: ev.object } : undefined;
  const now = matches(ev.object);
  const before = ev.prev !== undefined && matches(ev.prev);
  if (now && before) return { type: "MODIFIED", object: ev.object };
  if (now) return { type: "ADDED", object: ev.object };
  if (before) return { type: "DELETED", object: ev.object };
  return undefined;
}

function watchErrorStatus(err: unknown, fromRevision: number): unknown {
  if (isStoreError(err, "compacted")) return ApiError.gone(`too old resource version: ${fromRevision} (${err.compactRevision ?? 0})`).status;
  if (isApiError(err)) return err.status;
  const message = err instanceof Error ? err.message : String(err);
  return ApiError.internal(message).status;
}
