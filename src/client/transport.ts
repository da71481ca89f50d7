import type { RestHandler, UserInfo } from "../api/index.js";
import { cacheMutationDetectorEnabled, deepFreeze } from "../machinery/index.js";

/**
 * How the Client reaches an API server: the same function shape the API server's core
 * answers with. The in-process transport IS the server's handler (no HTTP, same
 * semantics); `httpTransport` speaks HTTPS to a remote one.
 *
 * What a transport promises the Client:
 * - Non-2xx answers come back as a `RestResponse` with a `Status` body, never as a throw;
 *   throws mean the server could not be reached (connection refused, TLS, abort).
 * - A watch request (`query.watch === "true"`) answered 2xx carries `watch`: events in
 *   server order, ending when the server ends the watch or `request.signal` aborts.
 * - Retrying is not the transport's job.
 */
export type Transport = RestHandler;

/** The identity the control plane uses for its own in-process calls (upstream's loopback client). */
export const loopbackUser: UserInfo = {
  username: "system:apiserver",
  groups: ["system:authenticated", "system:masters"],
};

/**
 * The in-process transport: hands requests straight to the API server's handler, as
 * `user` (default: the loopback identity) unless the request names one. The body is
 * copied, as serializing would: the server defaults objects in place and must not
 * change the caller's.
 *
 * Watch events are NOT copied: the server's watch cache decodes each event once and every
 * in-process watcher (every informer of the controllers, scheduler, kubelet…) gets that
 * same object, as client-go's shared informers share theirs. So an event's object, and
 * whatever an informer caches from it, must never be mutated: copy the part you change.
 * With the cache mutation detector on (tests) the events are deep-frozen, so a write to
 * one throws where it happens. GET and LIST answers are decoded per request (from the
 * store or the cache's stored bytes) and belong to the caller.
 */
export function inProcessTransport(
  handler: RestHandler,
  options: {
    user?: UserInfo;
    /** As an HTTP client's User-Agent: it names the field manager of writes without one. */
    userAgent?: string;
    /** Deep-freeze watch events (default: the cache mutation detector's setting, K8TS_CACHE_MUTATION_DETECTOR). */
    freezeWatchEvents?: boolean;
  } = {},
): Transport {
  const user = options.user ?? loopbackUser;
  const freeze = options.freezeWatchEvents ?? cacheMutationDetectorEnabled;
  return async (request) => {
    const response = await handler({
      ...request,
      user: request.user ?? user,
      userAgent: request.userAgent ?? options.userAgent,
      body: request.body === undefined ? undefined : structuredClone(request.body),
    });
    // Status bodies are built in code and may hold `undefined` fields that JSON would
    // drop; drop them here too, so both transports answer exactly the same Status.
    if (isStatus(response.body)) return { ...response, body: JSON.parse(JSON.stringify(response.body)) as unknown };
    if (response.watch && freeze) return { ...response, watch: frozenEvents(response.watch) };
    return response;
  };
}

/** The events, each deep-frozen before it is handed on (once: a frozen event is skipped at one check). */
function frozenEvents<T>(events: AsyncIterable<T>): AsyncIterableIterator<T> {
  const inner = events[Symbol.asyncIterator]();
  const it: AsyncIterableIterator<T> = {
    next: () => inner.next().then((r) => (r.done ? r : { done: false, value: deepFreeze(r.value) })),
    return: (value?: unknown) => (inner.return ? inner.return(value) : Promise.resolve({ done: true, value: undefined })) as Promise<IteratorResult<T>>,
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

function isStatus(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "Status";
}
