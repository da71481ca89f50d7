/**
 * SqliteStore: the embedded, durable Store (better-sqlite3; layout in schema.ts).
 *
 * Lifecycle: the constructor only records options; `start()` opens the file (creating it),
 * takes its exclusive lock and reads the revision back, so the revision continues from
 * the last one after a restart. `SqliteStore.open(options)` does both. `close()` waits for
 * queued writes, ends watches with `unavailable`, and closes the file.
 *
 * Writes go through group commit (_group-commit.ts): every write submitted in one tick (and
 * under load, within `commitIntervalMs` of the last commit) is applied in one transaction,
 * in submission order, and each promise resolves only after
 * that transaction committed with an fsync (WAL, synchronous = FULL). Reads are
 * synchronous queries and see every committed write.
 *
 *   const store = await SqliteStore.open({ path: "/var/lib/k8ts/state.db" });
 */
import type Database from "better-sqlite3";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, Store, StoreEvent, WatchOptions, WriteResult } from "../store.js";
import { WatchHub, failedWatch } from "../_watch-hub.js";
import {
  DEFAULT_MAX_VALUE_BYTES,
  checkValueSize,
  closedError,
  compactedRevisionError,
  futureRevisionError,
  prefixEnd,
  rangeStart,
} from "../_keys.js";
import { StoreError } from "../../machinery/index.js";
import { openDatabase } from "./schema.js";
import { GroupCommit } from "./_group-commit.js";
import { type KeyBound, NO_UPPER_BOUND, type Statements, prepareStatements, toEvent, toKeyValue, versionToKeyValue } from "./_statements.js";

export interface SqliteStoreOptions {
  /** The database file; created if missing. Its `-wal` file sits beside it. */
  path: string;
  /** Largest value accepted; larger writes fail with `tooLarge`. Default 1.5 MiB, as etcd. */
  maxValueBytes?: number;
  /** Unread events a watch may hold before it is ended with `unavailable`. Default 10,000. */
  watchBufferLimit?: number;
  /** Most writes committed in one transaction. Default 2,000. */
  maxBatch?: number;
  /** Least time between two commits under load, so writes gather into larger transactions. Default 2 ms. */
  commitIntervalMs?: number;
  /** How long `start()` waits for another process's lock on the file. Default 5,000 ms. */
  busyTimeoutMs?: number;
}

/** Log revisions compacted per transaction, so compaction never holds the event loop long. */
const COMPACT_CHUNK = 10_000;

interface Open {
  db: Database.Database;
  stmts: Statements;
  commits: GroupCommit;
  transaction: (body: () => void) => void;
}

export class SqliteStore implements Store {
  readonly #options: SqliteStoreOptions;
  readonly #maxValueBytes: number;
  readonly #hub: WatchHub;
  #open?: Open;
  #closed = false;
  /** Last committed revision. */
  #revision = 0;
  /** Revision handed out inside the running transaction; equals #revision between batches. */
  #pendingRevision = 0;
  #pendingEvents: StoreEvent[] = [];
  #compacted = 0;
  #compaction: Promise<void> = Promise.resolve();

  /** Open a store now: `new SqliteStore(options)` then `start()`. */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const store = new SqliteStore(options);
    await store.start();
    return store;
  }

  constructor(options: SqliteStoreOptions) {
    this.#options = options;
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#hub = new WatchHub({
      bufferLimit: options.watchBufferLimit,
      history: {
        currentRevision: () => this.#revision,
        compactedRevision: () => this.#compacted,
        eventsAfter: (prefix, after, limit) => {
          const { stmts } = this.#ready();
          return stmts.eventsAfter.all(after, prefix, upperBound(prefix), limit).map(toEvent);
        },
      },
    });
  }

  /** Open the database file. Fails with `unavailable` if another process holds it. */
  async start(): Promise<void> {
    if (this.#open) return;
    if (this.#closed) throw closedError();
    const db = openDatabase({ path: this.#options.path, busyTimeoutMs: this.#options.busyTimeoutMs ?? 5_000 });
    const stmts = prepareStatements(db);
    this.#compacted = stmts.getMeta.get("compact_revision")?.value ?? 0;
    // Compaction can delete the newest rows (tombstones), so the compacted revision is a floor.
    this.#revision = Math.max(stmts.maxRevision.get()?.r ?? 0, this.#compacted);
    this.#pendingRevision = this.#revision;
    const runInTransaction = db.transaction((body: () => void) => body());
    const transaction = (body: () => void): void => {
      runInTransaction(body);
    };
    const commits = new GroupCommit({ maxBatch: this.#options.maxBatch ?? 2_000, minIntervalMs: this.#options.commitIntervalMs ?? 2, commit: (body) => this.#commitBatch(transaction, body) });
    this.#open = { db, stmts, commits, transaction };
  }

  /** Open watches (for tests and metrics). */
  get watchCount(): number {
    return this.#hub.size;
  }

  async get(key: string, options: { revision?: number } = {}): Promise<{ kv?: KeyValue; revision: number }> {
    const { stmts } = this.#ready();
    const revision = this.#readRevision(options.revision);
    const kv =
      revision === this.#revision
        ? mapOptional(stmts.latest.get(key), toKeyValue)
        : versionToKeyValue(stmts.atRevision.get(key, revision));
    return { kv, revision };
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    const { stmts } = this.#ready();
    const revision = this.#readRevision(options.revision);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const start = rangeStart(prefix, options.startKey);
    const end = upperBound(prefix);
    const rows =
      revision === this.#revision
        ? stmts.rangeLatest.all(start, end, limit ? limit + 1 : -1)
        : stmts.rangeAt.all(start, end, revision, limit ? limit + 1 : -1);
    const more = limit > 0 && rows.length > limit;
    return { kvs: (more ? rows.slice(0, limit) : rows).map(toKeyValue), revision, more };
  }

  async count(prefix: string): Promise<number> {
    const { stmts } = this.#ready();
    return stmts.count.get(prefix, upperBound(prefix))?.n ?? 0;
  }

  create(key: string, value: string): Promise<WriteResult> {
    return this.#write(key, value, (stmts) => {
      const current = mapOptional(stmts.latest.get(key), toKeyValue);
      if (current) return { ok: false, current };
      const revision = ++this.#pendingRevision;
      stmts.insertLog.run(revision, key, value, revision, null, 0);
      stmts.upsertCurrent.run(key, revision);
      const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
      this.#pendingEvents.push({ type: "put", kv });
      return { ok: true, kv };
    });
  }

  update(key: string, value: string, options: { expectedModRevision?: number } = {}): Promise<WriteResult> {
    return this.#write(key, value, (stmts) => {
      const current = mapOptional(stmts.latest.get(key), toKeyValue);
      if (!current) return { ok: false };
      if (options.expectedModRevision !== undefined && options.expectedModRevision !== current.modRevision) {
        return { ok: false, current };
      }
      const revision = ++this.#pendingRevision;
      stmts.insertLog.run(revision, key, value, current.createRevision, current.modRevision, 0);
      stmts.upsertCurrent.run(key, revision);
      const kv: KeyValue = { key, value, createRevision: current.createRevision, modRevision: revision };
      this.#pendingEvents.push({ type: "put", kv, prev: current });
      return { ok: true, kv };
    });
  }

  delete(key: string, options: { expectedModRevision?: number } = {}): Promise<DeleteResult> {
    return this.#write(key, "", (stmts): DeleteResult => {
      const current = mapOptional(stmts.latest.get(key), toKeyValue);
      if (!current) return { ok: false };
      if (options.expectedModRevision !== undefined && options.expectedModRevision !== current.modRevision) {
        return { ok: false, current };
      }
      const revision = ++this.#pendingRevision;
      stmts.insertLog.run(revision, key, current.value, current.createRevision, current.modRevision, 1);
      stmts.deleteCurrent.run(key);
      this.#pendingEvents.push({ type: "delete", kv: { ...current, modRevision: revision }, prev: current });
      return { ok: true, revision, prev: current };
    });
  }

  watch(prefix: string, options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.#closed || !this.#open) return failedWatch(this.#closed ? closedError() : notStartedError());
    return this.#hub.watch(prefix, options);
  }

  /** Compactions run one at a time; each records its revision first, then deletes rows in chunks. */
  compact(revision: number): Promise<void> {
    const run = this.#compaction.then(() => this.#compact(revision));
    this.#compaction = run.catch(() => undefined);
    return run;
  }

  async currentRevision(): Promise<number> {
    this.#ready();
    return this.#revision;
  }

  async compactedRevision(): Promise<number> {
    this.#ready();
    return this.#compacted;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const open = this.#open;
    if (!open) return;
    await open.commits.drain();
    await this.#compaction;
    this.#hub.failAll(closedError());
    this.#open = undefined;
    open.db.close();
  }

  async #compact(revision: number): Promise<void> {
    const { stmts, transaction } = this.#ready();
    if (revision <= this.#compacted) return;
    if (revision > this.#revision) throw futureRevisionError(revision, this.#revision);
    // Record first (durably): from here on, reads and watches older than `revision` are refused.
    stmts.setMeta.run("compact_revision", revision);
    this.#compacted = revision;
    const lowest = stmts.minRevision.get()?.r ?? revision;
    // Ascending chunks: a tombstone must outlive the check of the rows it supersedes.
    for (let lo = lowest - 1; lo < revision; lo += COMPACT_CHUNK) {
      const hi = Math.min(lo + COMPACT_CHUNK, revision);
      const open = this.#open;
      if (!open) return; // closed meanwhile; the next compaction finishes the job
      transaction(() => open.stmts.compactChunk.run(lo, hi, revision));
      if (hi < revision) await yieldToEventLoop();
    }
  }

  #write<R>(key: string, value: string, apply: (stmts: Statements) => R): Promise<R> {
    try {
      const { commits, stmts } = this.#ready();
      checkValueSize(key, value, this.#maxValueBytes);
      return commits.submit(() => apply(stmts));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** One group-commit batch: on success publish its events, on failure forget its revisions. */
  #commitBatch(transaction: (body: () => void) => void, body: () => void): void {
    try {
      transaction(body);
    } catch (err) {
      this.#pendingRevision = this.#revision;
      this.#pendingEvents = [];
      throw err;
    }
    this.#revision = this.#pendingRevision;
    const events = this.#pendingEvents;
    this.#pendingEvents = [];
    this.#hub.publish(events);
  }

  #readRevision(requested: number | undefined): number {
    if (!requested) return this.#revision;
    if (requested > this.#revision) throw futureRevisionError(requested, this.#revision);
    if (requested < this.#compacted) throw compactedRevisionError(requested, this.#compacted);
    return requested;
  }

  #ready(): Open {
    if (this.#closed) throw closedError();
    if (!this.#open) throw notStartedError();
    return this.#open;
  }
}

function upperBound(prefix: string): KeyBound {
  return prefixEnd(prefix) ?? NO_UPPER_BOUND;
}

function mapOptional<T, U>(value: T | undefined, f: (v: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}

function notStartedError(): StoreError {
  return new StoreError("unavailable", "store not started: call start() first");
}
