/**
 * Store: a revisioned key-value store with etcd's contract. Only the API server uses it.
 *
 * Promises:
 * - One cluster-wide revision that only grows. Every successful write (create, update,
 *   delete) takes the next revision and stamps it on the key as `modRevision`.
 * - A write's promise resolves only after the write is durable (survives SIGKILL).
 * - Compare-and-swap: `create` only if absent; `update`/`delete` only when the key's
 *   current `modRevision` equals the one given (or unconditionally when it is omitted).
 *   A lost compare is a value `{ ok: false, current }`, never an exception.
 * - Reads see every write whose promise has resolved.
 * - `range` and `get` read at the latest revision or at an older one not yet compacted;
 *   older than the compacted revision throws `StoreError("compacted")`.
 * - `watch(prefix, { fromRevision })` yields every change with revision > fromRevision,
 *   in revision order, without gaps; fromRevision older than the compacted revision
 *   throws `StoreError("compacted")` from the iterator. Ending the signal ends the watch.
 *   The watch is registered when `watch()` is called, so `fromRevision: 0` means "changes
 *   after this call". A watch is never allowed to slow writers: one that falls too far
 *   behind (10,000 unread events by default), or whose history is compacted while it still
 *   replays it, ends with `StoreError("unavailable")` / `("compacted")`; the caller re-lists.
 * - Other failures: a value over the size limit (1.5 MiB, as etcd) → `tooLarge`; a read or
 *   compaction at a revision newer than the store's → `unavailable` (retryable, upstream's
 *   "Too large resource version"); a closed store or a failed commit → `unavailable`.
 *
 * Backends (index.ts): `MemoryStore` (tests, `k8ts sim`), `SqliteStore` (embedded,
 * durable; `await SqliteStore.open({ path })`). `runStoreContract` tests any of them.
 *
 *   const store = new MemoryStore();
 *   const r = await store.create("/registry/pods/default/a", '{"kind":"Pod"}');
 *   if (r.ok) console.log(r.kv.modRevision);
 *   for await (const ev of store.watch("/registry/pods/", { fromRevision: 0, signal })) { ... }
 */
export interface KeyValue {
  key: string;
  /** The stored value: a JSON document for API objects. */
  value: string;
  /** Revision of the write that created this key (after its last delete). */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
}

export type WriteResult = { ok: true; kv: KeyValue } | { ok: false; current?: KeyValue };

export type DeleteResult = { ok: true; revision: number; prev: KeyValue } | { ok: false; current?: KeyValue };

export interface RangeOptions {
  /** Read at this revision; 0 or absent means the latest. */
  revision?: number;
  /** At most this many keys; 0 or absent means no limit. */
  limit?: number;
  /** Start at this key (inclusive); keys come in ascending byte order. */
  startKey?: string;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** The revision this read was served at. */
  revision: number;
  /** True if keys beyond `limit` exist under the prefix. */
  more: boolean;
}

export interface WatchOptions {
  /** Deliver changes with revision > fromRevision. 0 means "from now". */
  fromRevision: number;
  signal?: AbortSignal;
}

export interface StoreEvent {
  type: "put" | "delete";
  /** For a put: the new value. For a delete: the key with its last value and the delete's revision as modRevision. */
  kv: KeyValue;
  /** The value before this change, if there was one. */
  prev?: KeyValue;
}

/** A batch of changes that share a revision order; watchers get them one by one. */
export interface Store {
  get(key: string, options?: { revision?: number }): Promise<{ kv?: KeyValue; revision: number }>;
  /** All keys that start with `prefix`, in ascending key order. */
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;
  /** Count of keys under a prefix at the latest revision. */
  count(prefix: string): Promise<number>;
  create(key: string, value: string): Promise<WriteResult>;
  update(key: string, value: string, options?: { expectedModRevision?: number }): Promise<WriteResult>;
  delete(key: string, options?: { expectedModRevision?: number }): Promise<DeleteResult>;
  watch(prefix: string, options: WatchOptions): AsyncIterable<StoreEvent>;
  /** Forget history at and before `revision`; later reads or watches older than it fail with `compacted`. */
  compact(revision: number): Promise<void>;
  currentRevision(): Promise<number>;
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}
