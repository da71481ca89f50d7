import type { KubeList, KubeObject, RestRequest, RestResponse, WatchEventBody, HttpMethod } from "../api/index.js";
import { ApiError, type Status, type StatusReason } from "../machinery/index.js";
import { apiVersionOfResource, resourcePath, type Resource } from "./resources.js";
import type { Transport } from "./transport.js";

/**
 * Client: typed CRUD and watch on any resource, over any `Transport` (HTTP or in-process),
 * with upstream's paths, query parameters and patch types.
 *
 * Promises:
 * - Each method is one request; nothing is cached or retried.
 * - A non-2xx answer throws `ApiError` carrying the server's `Status` (code, reason,
 *   details.causes), so `isApiError(err, "Conflict")` works the same on both transports.
 * - `watch` yields events in the server's order. It ends when the server ends the watch
 *   (timeoutSeconds) or `signal` aborts; an ERROR event with code 410 (resourceVersion too
 *   old) throws `ApiError` so informers relist; other ERROR events are yielded and end
 *   the stream.
 * - Objects returned are the caller's to keep; requests do not change the caller's objects.
 *
 *   const client = new Client({ transport });
 *   const pod = await client.get(resources.pods, "web-1", { namespace: "default" });
 *   for await (const ev of client.watch(resources.pods, { namespace: "default", resourceVersion: rv, signal })) {
 *     if (ev.type === "MODIFIED") console.log(ev.object.metadata.name);
 *   }
 */
export interface ClientOptions {
  transport: Transport;
  /** Told about each `Warning` header (e.g. unknown fields under fieldValidation=Warn). */
  onWarning?: (warning: string) => void;
}

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  /** Only `metadata.resourceVersion` (and annotations) are meaningful. */
  | { type: "BOOKMARK"; object: T }
  | { type: "ERROR"; object: Status };

export type PatchType = "json" | "merge" | "strategic" | "apply";

export const patchContentTypes: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

interface Base {
  signal?: AbortSignal;
}

export interface GetOptions extends Base {
  namespace?: string;
  resourceVersion?: string;
}

export interface ListOptions extends Base {
  /** Omit for all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export interface WriteOptions extends Base {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: "Strict" | "Warn" | "Ignore";
}

export interface CreateOptions extends WriteOptions {
  /** Defaults to the object's metadata.namespace. */
  namespace?: string;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: string;
}

export interface PatchOptions extends WriteOptions {
  namespace?: string;
  type: PatchType;
  subresource?: string;
  /** Server-side apply: take fields owned by other managers. */
  force?: boolean;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions extends Base {
  namespace?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: Preconditions;
  dryRun?: boolean;
}

export interface DeleteCollectionOptions extends DeleteOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchOptions extends Base {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface SubresourceOptions extends WriteOptions {
  namespace?: string;
  subresource: string;
}

type Query = Record<string, string | number | boolean | undefined>;

export class Client {
  private readonly transport: Transport;
  private readonly onWarning?: (warning: string) => void;

  constructor(options: ClientOptions) {
    this.transport = options.transport;
    this.onWarning = options.onWarning;
  }

  async get<T extends KubeObject>(res: Resource<T>, name: string, options: GetOptions = {}): Promise<T> {
    const path = resourcePath(res, { namespace: namespaceFor(res, options.namespace, "get"), name });
    return (await this.call("GET", path, { resourceVersion: options.resourceVersion }, options)) as T;
  }

  async list<T extends KubeObject>(res: Resource<T>, options: ListOptions = {}): Promise<KubeList<T>> {
    const path = resourcePath(res, { namespace: options.namespace });
    return (await this.call("GET", path, listQuery(options), options)) as KubeList<T>;
  }

  async create<T extends KubeObject>(res: Resource<T>, obj: T, options: CreateOptions = {}): Promise<T> {
    const namespace = namespaceFor(res, options.namespace ?? obj.metadata.namespace, "create");
    const path = resourcePath(res, { namespace });
    return (await this.call("POST", path, writeQuery(options), options, { body: withTypeMeta(res, obj) })) as T;
  }

  /** PUT the whole object (name, namespace and resourceVersion from `obj.metadata`). */
  async update<T extends KubeObject>(res: Resource<T>, obj: T, options: UpdateOptions = {}): Promise<T> {
    const name = requireName(obj);
    const namespace = namespaceFor(res, obj.metadata.namespace, "update");
    const path = resourcePath(res, { namespace, name, subresource: options.subresource });
    const body = options.subresource ? obj : withTypeMeta(res, obj);
    return (await this.call("PUT", path, writeQuery(options), options, { body })) as T;
  }

  updateStatus<T extends KubeObject>(res: Resource<T>, obj: T, options: WriteOptions = {}): Promise<T> {
    return this.update(res, obj, { ...options, subresource: "status" });
  }

  async patch<T extends KubeObject>(res: Resource<T>, name: string, patch: unknown, options: PatchOptions): Promise<T> {
    const namespace = namespaceFor(res, options.namespace, "patch");
    const path = resourcePath(res, { namespace, name, subresource: options.subresource });
    const query = { ...writeQuery(options), force: options.force === undefined ? undefined : options.force };
    return (await this.call("PATCH", path, query, options, { body: patch, contentType: patchContentTypes[options.type] })) as T;
  }

  /** The object (while finalizers or a grace period hold it) or a Success Status, as the server answers. */
  async delete<T extends KubeObject>(res: Resource<T>, name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const namespace = namespaceFor(res, options.namespace, "delete");
    const path = resourcePath(res, { namespace, name });
    return (await this.call("DELETE", path, deleteQuery(options), options, { body: deleteBody(options) })) as T | Status;
  }

  async deleteCollection<T extends KubeObject>(res: Resource<T>, options: DeleteCollectionOptions = {}): Promise<KubeList<T> | Status> {
    const path = resourcePath(res, { namespace: options.namespace });
    const query = { ...deleteQuery(options), labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    return (await this.call("DELETE", path, query, options, { body: deleteBody(options) })) as KubeList<T> | Status;
  }

  /** GET a subresource: `scale`, `status`… */
  async getSubresource<R = KubeObject>(res: Resource, name: string, options: { namespace?: string; subresource: string; signal?: AbortSignal }): Promise<R> {
    const path = resourcePath(res, { namespace: namespaceFor(res, options.namespace, "get"), name, subresource: options.subresource });
    return (await this.call("GET", path, {}, options)) as R;
  }

  /** POST to a subresource: `binding`, `eviction`… */
  async createSubresource<R = unknown>(res: Resource, name: string, body: unknown, options: SubresourceOptions): Promise<R> {
    const path = resourcePath(res, { namespace: namespaceFor(res, options.namespace, "create"), name, subresource: options.subresource });
    return (await this.call("POST", path, writeQuery(options), options, { body })) as R;
  }

  /** PUT a subresource other than status, e.g. `scale`. */
  async updateSubresource<R = KubeObject>(res: Resource, name: string, body: unknown, options: SubresourceOptions): Promise<R> {
    const path = resourcePath(res, { namespace: namespaceFor(res, options.namespace, "update"), name, subresource: options.subresource });
    return (await this.call("PUT", path, writeQuery(options), options, { body })) as R;
  }

  /**
   * One request to any path, for what has no typed method (discovery: `/api`, `/apis/apps/v1`).
   * Returns the body of a 2xx answer; a non-2xx throws `ApiError` as every other method.
   */
  raw(method: HttpMethod, path: string, options: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<unknown> {
    return this.call(method, path, options.query ?? {}, options, { body: options.body });
  }

  watch<T extends KubeObject>(res: Resource<T>, options: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    const path = resourcePath(res, { namespace: options.namespace });
    const query: Query = {
      watch: true,
      resourceVersion: options.resourceVersion,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      allowWatchBookmarks: options.allowWatchBookmarks,
      timeoutSeconds: options.timeoutSeconds,
    };
    return { [Symbol.asyncIterator]: () => this.watchEvents<T>(path, query, options.signal) };
  }

  private async *watchEvents<T extends KubeObject>(path: string, query: Query, outer: AbortSignal | undefined): AsyncGenerator<WatchEvent<T>> {
    // Our own signal, so leaving the loop early (break, throw) also ends the server's stream.
    const inner = new AbortController();
    const onAbort = (): void => inner.abort(outer?.reason);
    if (outer?.aborted) return;
    outer?.addEventListener("abort", onAbort, { once: true });
    try {
      const response = await this.transport({ method: "GET", path, query: encodeQuery(query), accept: "application/json", signal: inner.signal });
      if (response.status < 200 || response.status > 299) throw new ApiError(statusOf(response));
      this.warn(response);
      if (!response.watch) throw new Error(`watch ${path}: the server answered without an event stream`);
      const events = response.watch[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await nextUnlessAborted(events, inner.signal);
          if (!next || next.done) return;
          const ev = next.value;
          if (ev.type === "ERROR") {
            const status = asStatus(ev.object, 500);
            if (status.code === 410) throw new ApiError(status);
            yield { type: "ERROR", object: status };
            return;
          }
          yield toWatchEvent<T>(ev);
        }
      } finally {
        inner.abort();
        // Not awaited: an iterator with a pending next() may only settle once its stream ends.
        events.return?.()?.catch(() => {});
      }
    } catch (err) {
      if (inner.signal.aborted && !(err instanceof ApiError)) return;
      throw err;
    } finally {
      outer?.removeEventListener("abort", onAbort);
      inner.abort();
    }
  }

  private async call(method: HttpMethod, path: string, query: Query, base: Base, extra: { body?: unknown; contentType?: string } = {}): Promise<unknown> {
    const request: RestRequest = { method, path, query: encodeQuery(query), accept: "application/json", signal: base.signal };
    if (extra.body !== undefined) {
      request.body = extra.body;
      request.contentType = extra.contentType ?? "application/json";
    }
    const response = await this.transport(request);
    if (response.status < 200 || response.status > 299) throw new ApiError(statusOf(response));
    this.warn(response);
    return response.body;
  }

  private warn(response: RestResponse): void {
    if (!this.onWarning || !response.headers) return;
    for (const [name, value] of Object.entries(response.headers)) {
      if (name.toLowerCase() !== "warning") continue;
      for (const v of Array.isArray(value) ? value : [value]) this.onWarning(v);
    }
  }
}

function namespaceFor(res: Resource, namespace: string | undefined, verb: string): string | undefined {
  if (!res.namespaced) return undefined;
  if (!namespace) throw new TypeError(`${verb} ${res.resource}: a namespace is required for a namespaced resource`);
  return namespace;
}

function requireName(obj: KubeObject): string {
  if (!obj.metadata.name) throw new TypeError("update: metadata.name is required");
  return obj.metadata.name;
}

function withTypeMeta<T extends KubeObject>(res: Resource, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOfResource(res), kind: obj.kind ?? res.kind };
}

function listQuery(o: ListOptions): Query {
  return {
    labelSelector: o.labelSelector,
    fieldSelector: o.fieldSelector,
    limit: o.limit,
    continue: o.continue,
    resourceVersion: o.resourceVersion,
    resourceVersionMatch: o.resourceVersionMatch,
  };
}

function writeQuery(o: WriteOptions): Query {
  return { dryRun: o.dryRun ? "All" : undefined, fieldManager: o.fieldManager, fieldValidation: o.fieldValidation };
}

function deleteQuery(o: DeleteOptions): Query {
  return { dryRun: o.dryRun ? "All" : undefined, gracePeriodSeconds: o.gracePeriodSeconds, propagationPolicy: o.propagationPolicy };
}

function deleteBody(o: DeleteOptions): Record<string, unknown> | undefined {
  if (o.gracePeriodSeconds === undefined && !o.propagationPolicy && !o.preconditions && !o.dryRun) return undefined;
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o.preconditions) body.preconditions = o.preconditions;
  if (o.dryRun) body.dryRun = ["All"];
  return body;
}

function encodeQuery(query: Query): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") out[k] = String(v);
  return out;
}

function toWatchEvent<T extends KubeObject>(ev: WatchEventBody): WatchEvent<T> {
  return { type: ev.type as "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK", object: ev.object as T };
}

async function nextUnlessAborted<V>(it: AsyncIterator<V>, signal: AbortSignal): Promise<IteratorResult<V> | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([it.next(), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

const reasonsByCode: Record<number, StatusReason> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** The Status of a failed response; a body that is not a Status becomes one, as client-go's newUnstructuredResponseError. */
export function statusOf(response: RestResponse): Status {
  return asStatus(response.body ?? response.text, response.status);
}

function asStatus(body: unknown, code: number): Status {
  if (typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "Status") {
    // Through JSON, as the HTTP transport would deliver it (drops undefined fields).
    const s = JSON.parse(JSON.stringify(body)) as Status;
    return { ...s, code: typeof s.code === "number" && s.code !== 0 ? s.code : code };
  }
  const text = typeof body === "string" && body ? body : undefined;
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: text ?? `the server responded with the status code ${code} but did not return more information`,
    reason: reasonsByCode[code] ?? (code >= 500 ? "InternalError" : "BadRequest"),
    code,
  };
}
