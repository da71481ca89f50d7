import type { KubeObject } from "../api/index.js";
import { cacheMutationDetectorEnabled, deepFreeze, escalateCacheMutation, isApiError } from "../machinery/index.js";
import type { Client } from "./client.js";
import { realClock, type Clock, type Timer } from "./clock.js";
import type { Resource } from "./resources.js";

/**
 * Informer: a local, indexed cache of one resource kept current by list + watch, as
 * client-go's SharedIndexInformer (tools/cache/reflector.go, shared_informer.go).
 *
 * Promises:
 * - `start(signal)` lists (in pages), then watches from the list's resourceVersion with
 *   bookmarks. When a watch ends it re-watches from the last resourceVersion seen; when
 *   the server answers 410 Gone (history compacted) it relists and delivers the
 *   difference as add/update/delete, so the cache converges without gaps. Other errors
 *   are retried with back-off (800ms doubling to 30s, on the clock).
 * - Handlers run one at a time, in the order of the server's events, after the cache
 *   has changed; `update(old, new)` gets the previous cached object. A handler added
 *   after sync first gets an `add` for each cached object.
 * - `hasSynced()` becomes true once the first full list is in the cache (and its adds
 *   delivered); it never goes back.
 * - With `resyncPeriodMs`, every cached object is redelivered as `update(obj, obj)` that
 *   often (level-triggered controllers use it as a safety net).
 * - Cached objects are shared (in-process, with every other watcher of the API server's
 *   watch cache): never mutate them; copy the part you change. With the cache mutation
 *   detector on (K8TS_CACHE_MUTATION_DETECTOR=1, tests) every cached object is deep-frozen
 *   and a handler that writes to one fails the process (machinery/cache-mutation-detector.ts).
 *
 *   const pods = new Informer({ client, resource: resources.pods });
 *   pods.addIndex("node", (p) => [p.spec?.nodeName ?? ""]);
 *   pods.addHandler({ add: (p) => queue.add(keyOf(p)), update: (_, p) => queue.add(keyOf(p)), delete: (p) => queue.add(keyOf(p)) });
 *   void pods.start(signal);
 *   await pods.waitForSync(signal);
 *   pods.byIndex("node", "node-1");
 */
export interface InformerOptions<T extends KubeObject> {
  client: Client;
  resource: Resource<T>;
  /** Only this namespace; omit for all. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock?: Clock;
  /** Redeliver every cached object as an update this often; 0 or absent: never. */
  resyncPeriodMs?: number;
  /** Objects per list page (default 500). */
  pageSize?: number;
  /**
   * Applied to every listed or watched object before it is cached or handed to handlers
   * (client-go's SetTransform): drop what the cache's users never read, so a large cache
   * holds less. Keep metadata.name, namespace and resourceVersion.
   */
  transform?: (obj: T) => T;
  /** Told about list/watch failures (they are retried) and handler throws (they are swallowed). */
  onError?: (err: unknown) => void;
  /** Deep-freeze every cached object (default: the cache mutation detector's setting, K8TS_CACHE_MUTATION_DETECTOR). */
  freezeCached?: boolean;
}

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export type IndexFunc<T extends KubeObject> = (obj: T) => string[];

/** The built-in index of every informer: objects by `metadata.namespace` ("" for cluster-scoped). */
export const namespaceIndex = "namespace";

/** The cache key: "namespace/name", or "name" for cluster-scoped objects (MetaNamespaceKeyFunc). */
export function keyOf(obj: KubeObject): string {
  const { namespace, name = "" } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `keyOf`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

const backoffInitialMs = 800;
const backoffMaxMs = 30_000;

export class Informer<T extends KubeObject = KubeObject> {
  private readonly options: InformerOptions<T>;
  private readonly clock: Clock;
  private readonly freeze: boolean;
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, { fn: IndexFunc<T>; values: Map<string, Set<string>> }>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private readonly syncWaiters = new Set<() => void>();
  private synced = false;
  private started = false;
  private resourceVersion = "";

  constructor(options: InformerOptions<T>) {
    this.options = options;
    this.clock = options.clock ?? realClock;
    this.freeze = options.freezeCached ?? cacheMutationDetectorEnabled;
    this.addIndex(namespaceIndex, (obj) => [obj.metadata.namespace ?? ""]);
  }

  /** Adds handlers; returns a function that removes them. */
  addHandler(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.items.values()) this.call(() => handlers.add?.(obj));
    return () => void this.handlers.delete(handlers);
  }

  /** Adds an index; `fn` returns the index values of an object. Existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) throw new Error(`informer: index "${name}" already exists`);
    const index = { fn, values: new Map<string, Set<string>>() };
    this.indexes.set(name, index);
    for (const [key, obj] of this.items) this.indexOne(index, key, obj);
  }

  /** Cached objects whose index `name` includes `value`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer: no index "${name}"`);
    const out: T[] = [];
    for (const key of index.values.get(value) ?? []) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** By cache key ("namespace/name" or "name"). */
  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the cache reflects (of the last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves true once synced, false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        this.syncWaiters.delete(onSync);
        signal?.removeEventListener("abort", onAbort);
        resolve(value);
      };
      const onSync = (): void => done(true);
      const onAbort = (): void => done(false);
      this.syncWaiters.add(onSync);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Lists and watches until `signal` aborts; resolves once stopped. Call once. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error("informer: already started");
    this.started = true;
    let resync: Timer | undefined;
    const armResync = (): void => {
      const period = this.options.resyncPeriodMs;
      if (!period || signal.aborted) return;
      resync = this.clock.setTimer(period, () => {
        if (this.synced) for (const obj of [...this.items.values()]) this.emit("update", obj, obj);
        armResync();
      });
    };
    armResync();
    let needList = true;
    let backoff = backoffInitialMs;
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            await this.listAndReplace(signal);
            needList = false;
            backoff = backoffInitialMs;
          }
          const { events, elapsedMs } = await this.watchOnce(signal);
          if (events > 0) backoff = backoffInitialMs;
          // A watch that ends at once with nothing in it: don't spin (reflector's "very short watch").
          else if (elapsedMs < 1000 && !signal.aborted) {
            await this.clock.sleep(backoff, signal);
            backoff = Math.min(backoff * 2, backoffMaxMs);
          }
        } catch (err) {
          if (signal.aborted) break;
          if (isApiError(err) && err.code === 410) {
            needList = true; // history compacted: relist now
            continue;
          }
          this.options.onError?.(err);
          await this.clock.sleep(backoff, signal);
          backoff = Math.min(backoff * 2, backoffMaxMs);
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      resync?.cancel();
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.options;
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let resourceVersion = "";
    do {
      const page = await client.list(resource, { namespace, labelSelector, fieldSelector, limit: this.options.pageSize ?? 500, continue: cont, signal });
      const transform = this.options.transform;
      for (const obj of page.items) fresh.set(keyOf(obj), transform ? transform(obj) : obj);
      cont = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion ?? resourceVersion;
    } while (cont);
    this.replace(fresh);
    this.resourceVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const wake of [...this.syncWaiters]) wake();
    }
  }

  /** Installs a full list, delivering the difference from the cache. */
  private replace(fresh: Map<string, T>): void {
    for (const [key, obj] of fresh) {
      const old = this.items.get(key);
      if (!old) {
        this.store(key, obj);
        this.emit("add", obj);
      } else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        this.store(key, obj, old);
        this.emit("update", old, obj);
      }
    }
    for (const [key, old] of [...this.items]) {
      if (fresh.has(key)) continue;
      this.remove(key, old);
      this.emit("delete", old);
    }
  }

  private async watchOnce(outer: AbortSignal): Promise<{ events: number; elapsedMs: number }> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.options;
    const started = this.clock.now();
    let events = 0;
    // Server-side timeout spread over 5–10 minutes, as the reflector does, so watches don't all restart at once.
    const timeoutSeconds = Math.floor(300 * (1 + Math.random()));
    const stream = client.watch(resource, { namespace, labelSelector, fieldSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds, signal: outer });
    for await (const ev of stream) {
      events++;
      switch (ev.type) {
        case "ADDED":
        case "MODIFIED": {
          const obj = this.options.transform ? this.options.transform(ev.object) : ev.object;
          const key = keyOf(obj);
          const old = this.items.get(key);
          this.store(key, obj, old);
          if (old) this.emit("update", old, obj);
          else this.emit("add", obj);
          break;
        }
        case "DELETED": {
          const key = keyOf(ev.object);
          const old = this.items.get(key);
          if (old) {
            this.remove(key, old);
            this.emit("delete", ev.object);
          }
          break;
        }
        case "BOOKMARK":
          break;
        case "ERROR":
          // Not 410 (the Client throws for that); the watch is over, so back off and re-watch.
          throw new Error(`watch ${resource.resource}: ${ev.object.message ?? ev.object.reason ?? "error"}`);
      }
      const rv = ev.object.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
    }
    return { events, elapsedMs: this.clock.now() - started };
  }

  private store(key: string, obj: T, old?: T): void {
    // Listed objects are this cache's own, watched ones shared: with the detector, both are read-only.
    if (this.freeze) deepFreeze(obj);
    if (old) for (const index of this.indexes.values()) this.unindexOne(index, key, old);
    this.items.set(key, obj);
    for (const index of this.indexes.values()) this.indexOne(index, key, obj);
  }

  private remove(key: string, old: T): void {
    for (const index of this.indexes.values()) this.unindexOne(index, key, old);
    this.items.delete(key);
  }

  private indexOne(index: { fn: IndexFunc<T>; values: Map<string, Set<string>> }, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      let keys = index.values.get(value);
      if (!keys) index.values.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindexOne(index: { fn: IndexFunc<T>; values: Map<string, Set<string>> }, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      const keys = index.values.get(value);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) index.values.delete(value);
    }
  }

  private emit(kind: "add", obj: T): void;
  private emit(kind: "update", old: T, obj: T): void;
  private emit(kind: "delete", obj: T): void;
  private emit(kind: "add" | "update" | "delete", a: T, b?: T): void {
    for (const h of this.handlers) {
      if (kind === "add") this.call(() => h.add?.(a));
      else if (kind === "update") this.call(() => h.update?.(a, b as T));
      else this.call(() => h.delete?.(a));
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      escalateCacheMutation(err);
      this.options.onError?.(err);
    }
  }
}
