/**
 * The watch cache (upstream's cacher, apiserver pkg/storage/cacher): the API server keeps
 * every cached resource in memory, fed by ONE store watch over the whole keyspace, and
 * serves watches and not-older-than / consistent LISTs from memory, so N watchers cost
 * the store nothing more than one.
 *
 * Promises:
 * - Revisions are the store's: an object's resourceVersion is its key's modRevision, a
 *   cache's revision is the last store revision the dispatcher has applied (every cache
 *   is complete up to it), so LIST, event and bookmark resourceVersions are store
 *   revisions, and a client can move between cache and store freely.
 * - A resource's cache starts with a range of its prefix at revision L and applies every
 *   event after L in revision order; it can replay the events after any revision in
 *   [oldest, revision] from a bounded history (`historyLimit` events per resource).
 *   Older starts are refused (`watch()` returns undefined) and the caller falls back to
 *   the store, which answers 410 Gone when the revision is compacted.
 * - `waitFor(rev)` resolves once the cache has applied revision `rev` (a consistent read:
 *   the caller first asks the store for its current revision, as upstream's
 *   consistent-reads-from-cache), or false after a timeout, when the caller reads the
 *   store instead.
 * - A store watch that breaks resumes from the last applied revision; if that is gone
 *   (compacted), every cache is rebuilt and its watchers are ended, so clients re-watch.
 *
 *   const cache = new WatchCache({ store });
 *   await cache.start(["/registry/core/pods/", …]);
 *   const pods = cache.resource("/registry/core/pods/");
 */
import type { KeyValue, Store, StoreEvent } from "../../storage/index.js";
import { isStoreError } from "../../machinery/index.js";

export interface WatchCacheOptions {
  store: Store;
  /** Events kept per resource for watches that resume from a revision. Default 10,000. */
  historyLimit?: number;
  /** How long a consistent read waits for the cache to catch up before the caller reads the store. Default 3 s. */
  catchUpTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

/** One watcher's view: events under its prefix, in order, with revision > its start. */
export interface CacheSubscription {
  /** Stop receiving events. */
  cancel(): void;
}

export interface CacheWatcher {
  prefix: string;
  onEvent(ev: StoreEvent): void;
  /** The cache was rebuilt (the store lost its history): the watch must end. */
  onReset(): void;
}

/** The resource prefix a key belongs to: /registry/<group>/<plural>/. */
export function resourcePrefixOf(key: string): string | undefined {
  const m = /^\/registry\/[^/]+\/[^/]+\//.exec(key);
  return m ? m[0] : undefined;
}

export class ResourceCache {
  readonly prefix: string;
  readonly #owner: WatchCache;
  readonly #historyLimit: number;
  readonly #items = new Map<string, KeyValue>();
  #sorted: string[] | undefined = [];
  /** The revision the initial range was read at; events at or below it are already in. */
  #listRevision = 0;
  /** History is complete for every revision above this. */
  #oldest = 0;
  #history: StoreEvent[] = [];
  #historyHead = 0;
  #ready = false;
  #pending: StoreEvent[] = [];
  readonly #watchers = new Set<CacheWatcher>();

  constructor(prefix: string, owner: WatchCache, historyLimit: number) {
    this.prefix = prefix;
    this.#owner = owner;
    this.#historyLimit = historyLimit;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get size(): number {
    return this.#items.size;
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Every event up to this revision has been applied. */
  revision(): number {
    return Math.max(this.#listRevision, this.#owner.revision);
  }

  /** The oldest revision a watch can start from. */
  oldestRevision(): number {
    return this.#oldest;
  }

  /** Load from the store; events that arrive meanwhile are held and applied after. */
  async load(store: Store): Promise<void> {
    this.#ready = false;
    this.#pending = [];
    const { kvs, revision } = await store.range(this.prefix);
    this.#items.clear();
    for (const kv of kvs) this.#items.set(kv.key, kv);
    this.#sorted = undefined;
    this.#listRevision = revision;
    this.#oldest = revision;
    this.#history = [];
    this.#historyHead = 0;
    this.#ready = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const ev of pending) this.apply(ev);
  }

  /** The objects under `prefix` (a namespace's, or all), in key order, at `revision()`. */
  list(prefix: string): KeyValue[] {
    const keys = this.#sortedKeys();
    const out: KeyValue[] = [];
    for (let i = this.#firstIndex(prefix); i < keys.length && keys[i]!.startsWith(prefix); i++) out.push(this.#items.get(keys[i]!)!);
    return out;
  }

  /** Whether any object is under `prefix`: a namespace without any costs a lookup, no list (admission reads). */
  hasAny(prefix: string): boolean {
    const keys = this.#sortedKeys();
    const i = this.#firstIndex(prefix);
    return i < keys.length && keys[i]!.startsWith(prefix);
  }

  #sortedKeys(): string[] {
    return (this.#sorted ??= [...this.#items.keys()].sort());
  }

  /** The index of the first key not below `prefix`. */
  #firstIndex(prefix: string): number {
    const keys = this.#sortedKeys();
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): KeyValue | undefined {
    return this.#items.get(key);
  }

  /**
   * Replay the events under `w.prefix` after `fromRevision`, then deliver live ones.
   * Undefined when the history no longer reaches back to `fromRevision`.
   */
  watch(w: CacheWatcher, fromRevision: number): CacheSubscription | undefined {
    if (!this.#ready || fromRevision < this.#oldest) return undefined;
    for (let i = this.#historyHead; i < this.#history.length; i++) {
      const ev = this.#history[i]!;
      if (ev.kv.modRevision > fromRevision && ev.kv.key.startsWith(w.prefix)) w.onEvent(ev);
    }
    this.#watchers.add(w);
    return { cancel: () => this.#watchers.delete(w) };
  }

  apply(ev: StoreEvent): void {
    if (!this.#ready) {
      this.#pending.push(ev);
      return;
    }
    if (ev.kv.modRevision <= this.#listRevision) return;
    if (ev.type === "put") {
      if (!this.#items.has(ev.kv.key)) this.#sorted = undefined;
      this.#items.set(ev.kv.key, ev.kv);
    } else {
      if (this.#items.delete(ev.kv.key)) this.#sorted = undefined;
    }
    this.#history.push(ev);
    if (this.#history.length - this.#historyHead > this.#historyLimit) {
      this.#oldest = this.#history[this.#historyHead]!.kv.modRevision;
      this.#historyHead++;
      if (this.#historyHead > 4096 && this.#historyHead * 2 > this.#history.length) {
        this.#history = this.#history.slice(this.#historyHead);
        this.#historyHead = 0;
      }
    }
    for (const w of this.#watchers) {
      if (!ev.kv.key.startsWith(w.prefix)) continue;
      try {
        w.onEvent(ev);
      } catch (err) {
        this.#owner.reportError(err);
      }
    }
  }

  /** The store lost history the cache needed: drop everything and end every watcher. */
  reset(): void {
    this.#ready = false;
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    for (const w of watchers) w.onReset();
  }
}

interface RevisionWaiter {
  revision: number;
  resolve: (ok: boolean) => void;
}

export class WatchCache {
  readonly #store: Store;
  readonly #historyLimit: number;
  readonly #catchUpTimeoutMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #caches = new Map<string, ResourceCache>();
  #revision = 0;
  #waiters: RevisionWaiter[] = [];
  readonly #stop = new AbortController();
  #running: Promise<void> = Promise.resolve();
  #started = false;

  constructor(options: WatchCacheOptions) {
    this.#store = options.store;
    this.#historyLimit = Math.max(options.historyLimit ?? 10_000, 100);
    this.#catchUpTimeoutMs = options.catchUpTimeoutMs ?? 3_000;
    this.#onError = options.onError ?? ((err) => console.error("k8ts apiserver: watch cache:", err));
  }

  /** The last store revision applied to every cache. */
  get revision(): number {
    return this.#revision;
  }

  get catchUpTimeoutMs(): number {
    return this.#catchUpTimeoutMs;
  }

  /** Start the one store watch and load the given resource prefixes. */
  async start(prefixes: readonly string[] = []): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#revision = await this.#store.currentRevision();
    this.#running = this.#dispatch(this.#revision);
    await Promise.all(prefixes.map((p) => this.#ensure(p)));
  }

  /** The cache of a resource prefix when it is loaded; starts loading it otherwise. */
  resource(prefix: string): ResourceCache | undefined {
    if (!this.#started || this.#stop.signal.aborted) return undefined;
    const c = this.#caches.get(prefix);
    if (c?.ready) return c;
    if (!c) void this.#ensure(prefix).catch((err: unknown) => this.#onError(err));
    return undefined;
  }

  /** Resolves true once every event up to `revision` is applied; false after the timeout (or on stop). */
  waitFor(revision: number, timeoutMs = this.#catchUpTimeoutMs): Promise<boolean> {
    if (this.#revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  reportError(err: unknown): void {
    this.#onError(err);
  }

  async close(): Promise<void> {
    this.#stop.abort();
    for (const w of this.#waiters.splice(0)) w.resolve(false);
    for (const c of this.#caches.values()) c.reset();
    await this.#running;
  }

  async #ensure(prefix: string): Promise<void> {
    let c = this.#caches.get(prefix);
    if (c) return;
    c = new ResourceCache(prefix, this, this.#historyLimit);
    this.#caches.set(prefix, c);
    try {
      await c.load(this.#store);
    } catch (err) {
      this.#caches.delete(prefix);
      throw err;
    }
  }

  /** The one store watch: every event goes to its resource's cache, then the revision advances. */
  async #dispatch(from: number): Promise<void> {
    let fromRevision = from;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        for await (const ev of this.#store.watch("", { fromRevision, signal })) {
          const prefix = resourcePrefixOf(ev.kv.key);
          if (prefix) this.#caches.get(prefix)?.apply(ev);
          this.#advance(ev.kv.modRevision);
          fromRevision = ev.kv.modRevision;
        }
      } catch (err) {
        if (signal.aborted) return;
        // (From revision 0 a watch means "from now": resuming there could skip events, so rebuild too.)
        if (isStoreError(err, "compacted") || fromRevision === 0) {
          // History we had not applied is gone: rebuild every cache from a fresh range.
          this.#onError(new Error(`store watch resumed past compaction (${String(err)}); rebuilding every cache`));
          fromRevision = await this.#rebuild();
          continue;
        }
        if (!isStoreError(err, "unavailable")) this.#onError(err);
        await sleep(200, signal);
      }
    }
  }

  async #rebuild(): Promise<number> {
    const signal = this.#stop.signal;
    for (;;) {
      try {
        const revision = await this.#store.currentRevision();
        for (const c of this.#caches.values()) c.reset();
        await Promise.all([...this.#caches.values()].map((c) => c.load(this.#store)));
        this.#advance(revision);
        return revision;
      } catch (err) {
        if (signal.aborted) return this.#revision;
        this.#onError(err);
        await sleep(1_000, signal);
      }
    }
  }

  #advance(revision: number): void {
    if (revision <= this.#revision) return;
    this.#revision = revision;
    if (this.#waiters.length === 0) return;
    const still: RevisionWaiter[] = [];
    for (const w of this.#waiters) {
      if (w.revision <= revision) w.resolve(true);
      else still.push(w);
    }
    this.#waiters = still;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
