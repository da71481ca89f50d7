import type { MessagePort } from "node:worker_threads";
import type { RestHandler, RestRequest, RestResponse, UserInfo, WatchEventBody } from "../api/index.js";
import { loopbackUser, type Transport } from "./transport.js";

/**
 * A transport between threads of one process: the control loops run in a worker thread
 * (a second core) and reach the API server's handler in the main thread through a
 * MessagePort, with the in-process transport's semantics and no HTTP, TLS or auth.
 *
 *   main:   servePortRequests(port1, api.handler, { watchLine: serializedWatchLine })
 *   worker: new Client({ transport: portTransport(port2, { user }) })
 *
 * Requests and answers cross as structured clones. Watch events cross as the JSON line
 * the HTTP edge already serialized once for every watcher (`watchLine`), so holding a
 * watch from the worker costs the main thread a string copy per event; the worker
 * decodes it. A watch or stream the worker stops (its signal aborts) is stopped in the
 * main thread too.
 */

type WireRequest = Omit<RestRequest, "signal">;
/** The body crosses as JSON, so the worker sees what an HTTP client would (no `undefined` fields, no shared prototypes). */
type WireResponse = Omit<RestResponse, "watch" | "stream" | "body"> & { json?: string; watch?: true; stream?: true };

/** Worker → main. */
type ToServer = { t: "req"; id: number; req: WireRequest } | { t: "cancel"; id: number };
/** Main → worker. */
type ToClient =
  | { t: "res"; id: number; res: WireResponse }
  | { t: "event"; id: number; line: string }
  | { t: "chunk"; id: number; data: Uint8Array }
  | { t: "end"; id: number; error?: string };

/** Answers the requests a `portTransport` sends over `port` with `handler`. Returns a function that stops serving (and every open watch). */
export function servePortRequests(port: MessagePort, handler: RestHandler, options: { watchLine?: (event: WatchEventBody) => string } = {}): () => void {
  const watchLine = options.watchLine ?? ((event: WatchEventBody) => JSON.stringify(event));
  const inFlight = new Map<number, AbortController>();
  const post = (msg: ToClient) => port.postMessage(msg);

  const serveOne = async (id: number, req: WireRequest, abort: AbortController): Promise<void> => {
    try {
      const res = await handler({ ...req, user: req.user ?? loopbackUser, signal: abort.signal });
      const { watch, stream, body, ...rest } = res;
      post({ t: "res", id, res: { ...rest, json: body === undefined ? undefined : JSON.stringify(body), ...(watch ? { watch: true } : {}), ...(stream ? { stream: true } : {}) } });
      if (watch) {
        for await (const event of watch) {
          if (abort.signal.aborted) break;
          post({ t: "event", id, line: watchLine(event) });
        }
      } else if (stream) {
        for await (const data of stream) {
          if (abort.signal.aborted) break;
          post({ t: "chunk", id, data });
        }
      } else return;
      post({ t: "end", id });
    } catch (err) {
      post({ t: "end", id, error: err instanceof Error ? err.message : String(err) });
    } finally {
      inFlight.delete(id);
    }
  };

  const onMessage = (msg: ToServer) => {
    if (msg.t === "cancel") {
      inFlight.get(msg.id)?.abort();
      return;
    }
    const abort = new AbortController();
    inFlight.set(msg.id, abort);
    void serveOne(msg.id, msg.req, abort);
  };
  port.on("message", onMessage);
  return () => {
    port.off("message", onMessage);
    for (const abort of inFlight.values()) abort.abort();
    inFlight.clear();
  };
}

interface Pending {
  resolve: (res: RestResponse) => void;
  reject: (err: Error) => void;
  /** Done with the request: out of the pending map, and its abort listener off the caller's (often long-lived) signal. */
  forget: () => void;
  /** Watch events or stream chunks not yet taken, and who waits for the next. */
  queue?: { items: unknown[]; wake?: () => void; ended?: boolean; error?: string };
}

/**
 * The worker's side: a Transport whose requests the main thread's `servePortRequests`
 * answers, as `user` (default: whatever the request names) and `userAgent`.
 * Several transports may share one port; each needs the same `channel` object, which
 * matches answers to requests.
 */
export function portTransport(channel: PortChannel, options: { user?: UserInfo; userAgent?: string } = {}): Transport {
  return (request) => channel.send({ ...request, user: request.user ?? options.user, userAgent: request.userAgent ?? options.userAgent });
}

/** One port's requests in flight, shared by the transports over it. */
export class PortChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly port: MessagePort) {
    port.on("message", (msg: ToClient) => this.receive(msg));
  }

  send(request: RestRequest): Promise<RestResponse> {
    const { signal, ...req } = request;
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    return new Promise<RestResponse>((resolve, reject) => {
      const onAbort = () => {
        this.port.postMessage({ t: "cancel", id } satisfies ToServer);
        const queue = entry.queue;
        entry.forget();
        if (queue) {
          queue.ended = true;
          queue.wake?.();
        } else reject(abortError());
      };
      const entry: Pending = {
        resolve,
        reject,
        forget: () => {
          this.pending.delete(id);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      this.pending.set(id, entry);
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        this.port.postMessage({ t: "req", id, req } satisfies ToServer);
      } catch (err) {
        // A body that cannot be cloned (a function, a symbol) cannot be sent either.
        entry.forget();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private receive(msg: ToClient): void {
    const entry = this.pending.get(msg.id);
    if (!entry) return;
    switch (msg.t) {
      case "res": {
        const { watch, stream, json, ...wire } = msg.res;
        const rest: RestResponse = { ...wire, body: json === undefined ? undefined : (JSON.parse(json) as unknown) };
        if (!watch && !stream) {
          entry.forget();
          entry.resolve(rest);
          return;
        }
        const queue: NonNullable<Pending["queue"]> = { items: [] };
        entry.queue = queue;
        const items = drain<unknown>(queue, () => {
          if (!queue.ended) this.port.postMessage({ t: "cancel", id: msg.id } satisfies ToServer);
          queue.ended = true;
          entry.forget();
        });
        entry.resolve(watch ? { ...rest, watch: items as AsyncIterable<WatchEventBody> } : { ...rest, stream: items as AsyncIterable<Uint8Array> });
        return;
      }
      case "event":
        entry.queue?.items.push(JSON.parse(msg.line) as WatchEventBody);
        entry.queue?.wake?.();
        return;
      case "chunk":
        entry.queue?.items.push(msg.data);
        entry.queue?.wake?.();
        return;
      case "end":
        entry.forget();
        if (!entry.queue) {
          entry.reject(new Error(msg.error ?? "the API server ended the request without an answer"));
          return;
        }
        entry.queue.ended = true;
        entry.queue.error = msg.error;
        entry.queue.wake?.();
        return;
    }
  }
}

/** The queue's items as an async iterator that ends when the queue does; `stop` runs when the consumer stops early. */
function drain<T>(queue: NonNullable<Pending["queue"]>, stop: () => void): AsyncIterableIterator<T> {
  let head = 0;
  const it: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        if (head < queue.items.length) {
          const value = queue.items[head] as T;
          queue.items[head++] = undefined;
          if (head > 1024 && head * 2 > queue.items.length) {
            queue.items.splice(0, head);
            head = 0;
          }
          return { done: false, value };
        }
        if (queue.ended) {
          if (queue.error) throw new Error(queue.error);
          return { done: true, value: undefined };
        }
        await new Promise<void>((resolve) => (queue.wake = resolve));
        queue.wake = undefined;
      }
    },
    return: async () => {
      stop();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

function abortError(): Error {
  const err = new Error("The operation was aborted");
  err.name = "AbortError";
  return err;
}
