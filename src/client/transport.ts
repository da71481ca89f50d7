import type { RestHandler, UserInfo } from "../api/index.js";

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
 */
export function inProcessTransport(handler: RestHandler, options: { user?: UserInfo; /** As an HTTP client's User-Agent: it names the field manager of writes without one. */ userAgent?: string } = {}): Transport {
  const user = options.user ?? loopbackUser;
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
    // Watch events from the server's watch cache are shared by all its watchers: callers get copies.
    if (response.watch) return { ...response, watch: copiedEvents(response.watch) };
    return response;
  };
}

function copiedEvents<T>(events: AsyncIterable<T>): AsyncIterableIterator<T> {
  const inner = events[Symbol.asyncIterator]();
  const it: AsyncIterableIterator<T> = {
    next: () => inner.next().then((r) => (r.done ? r : { done: false, value: structuredClone(r.value) })),
    return: (value?: unknown) => (inner.return ? inner.return(value) : Promise.resolve({ done: true, value: undefined })) as Promise<IteratorResult<T>>,
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

function isStatus(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "Status";
}
