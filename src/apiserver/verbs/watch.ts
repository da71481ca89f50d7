import type { KubeObject, RestResponse, WatchEventBody } from "../../api/index.js";
import { ApiError, isApiError, isStoreError } from "../../machinery/index.js";
import { AsyncQueue } from "../async-queue.js";
import type { VerbContext } from "../context.js";
import { decodeEvent, namespacePrefix } from "../object-store.js";
import { queryBool, queryInt } from "../query.js";
import { eventObject } from "../respond.js";
import { selectionFromQuery } from "../selection.js";
import { listObjects } from "./list.js";

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
  if (wantsInitial) {
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

  const pump = async () => {
    try {
      const events = server.store.watch(namespacePrefix(rt, info.namespace), { fromRevision, signal: stop.signal });
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
