/**
 * MemoryStore: the in-memory Store for unit tests and `k8ts sim`. Same contract as the
 * durable backends (see ../store.ts), nothing on disk: "durable" here means "applied".
 *
 * Every write is applied synchronously when called, so writes issued in one order take
 * revisions in that order. Full history is kept until `compact`: each key keeps its
 * versions (for `range`/`get` at an old revision) and one event per revision serves
 * watches.
 *
 *   const store = new MemoryStore();
 *   await store.create("/registry/pods/default/a", "{}");
 */
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, Store, StoreEvent, WatchOptions, WriteResult } from "../store.js";
import { WatchHub, failedWatch } from "../_watch-hub.js";
import {
  DEFAULT_MAX_VALUE_BYTES,
  checkValueSize,
  closedError,
  compactedRevisionError,
  futureRevisionError,
  rangeStart,
} from "../_keys.js";
import { KeyVersions } from "./_key-versions.js";

export interface MemoryStoreOptions {
  /** Largest value accepted; larger writes fail with `tooLarge`. Default 1.5 MiB, as etcd. */
  maxValueBytes?: number;
  /** Unread events a watch may hold before it is ended with `unavailable`. Default 10,000. */
  watchBufferLimit?: number;
}

export class MemoryStore implements Store {
  readonly #maxValueBytes: number;
  readonly #versions = new KeyVersions();
  /** One event per revision in (compacted, revision], in order: events[i] has revision compacted + 1 + i. */
  #events: StoreEvent[] = [];
  #revision = 0;
  #compacted = 0;
  #closed = false;
  readonly #hub: WatchHub;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#hub = new WatchHub({
      bufferLimit: options.watchBufferLimit,
      history: {
        currentRevision: () => this.#revision,
        compactedRevision: () => this.#compacted,
        eventsAfter: (prefix, after, limit) => this.#eventsAfter(prefix, after, limit),
      },
    });
  }

  /** Open watches (for tests and metrics). */
  get watchCount(): number {
    return this.#hub.size;
  }

  async get(key: string, options: { revision?: number } = {}): Promise<{ kv?: KeyValue; revision: number }> {
    const revision = this.#readRevision(options.revision);
    return { kv: this.#versions.at(key, revision), revision };
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    const revision = this.#readRevision(options.revision);
    const limit = options.limit ?? 0;
    const kvs: KeyValue[] = [];
    let more = false;
    for (const key of this.#versions.keysFrom(rangeStart(prefix, options.startKey))) {
      if (!key.startsWith(prefix)) break;
      const kv = this.#versions.at(key, revision);
      if (!kv) continue;
      if (limit > 0 && kvs.length === limit) {
        more = true;
        break;
      }
      kvs.push(kv);
    }
    return { kvs, revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.#checkOpen();
    let n = 0;
    for (const key of this.#versions.keysFrom(prefix)) {
      if (!key.startsWith(prefix)) break;
      if (this.#versions.at(key, this.#revision)) n++;
    }
    return n;
  }

  async create(key: string, value: string): Promise<WriteResult> {
    this.#checkWrite(key, value);
    const current = this.#versions.latest(key);
    if (current) return { ok: false, current };
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    this.#commit({ type: "put", kv });
    return { ok: true, kv };
  }

  async update(key: string, value: string, options: { expectedModRevision?: number } = {}): Promise<WriteResult> {
    this.#checkWrite(key, value);
    const current = this.#versions.latest(key);
    if (!current) return { ok: false };
    if (options.expectedModRevision !== undefined && options.expectedModRevision !== current.modRevision) {
      return { ok: false, current };
    }
    const kv: KeyValue = { key, value, createRevision: current.createRevision, modRevision: this.#revision + 1 };
    this.#commit({ type: "put", kv, prev: current });
    return { ok: true, kv };
  }

  async delete(key: string, options: { expectedModRevision?: number } = {}): Promise<DeleteResult> {
    this.#checkOpen();
    const current = this.#versions.latest(key);
    if (!current) return { ok: false };
    if (options.expectedModRevision !== undefined && options.expectedModRevision !== current.modRevision) {
      return { ok: false, current };
    }
    const revision = this.#revision + 1;
    this.#commit({ type: "delete", kv: { ...current, modRevision: revision }, prev: current });
    return { ok: true, revision, prev: current };
  }

  watch(prefix: string, options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.#closed) return failedWatch(closedError());
    return this.#hub.watch(prefix, options);
  }

  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    if (revision <= this.#compacted) return;
    if (revision > this.#revision) throw futureRevisionError(revision, this.#revision);
    this.#versions.compact(revision);
    this.#events = this.#events.slice(revision - this.#compacted);
    this.#compacted = revision;
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#revision;
  }

  async compactedRevision(): Promise<number> {
    this.#checkOpen();
    return this.#compacted;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.failAll(closedError());
  }

  #commit(event: StoreEvent): void {
    this.#revision = event.kv.modRevision;
    this.#versions.append(event);
    this.#events.push(event);
    this.#hub.publish([event]);
  }

  #eventsAfter(prefix: string, after: number, limit: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    for (let i = Math.max(0, after - this.#compacted); i < this.#events.length && out.length < limit; i++) {
      const ev = this.#events[i]!;
      if (ev.kv.key.startsWith(prefix)) out.push(ev);
    }
    return out;
  }

  #readRevision(requested: number | undefined): number {
    this.#checkOpen();
    if (!requested) return this.#revision;
    if (requested > this.#revision) throw futureRevisionError(requested, this.#revision);
    if (requested < this.#compacted) throw compactedRevisionError(requested, this.#compacted);
    return requested;
  }

  #checkWrite(key: string, value: string): void {
    this.#checkOpen();
    checkValueSize(key, value, this.#maxValueBytes);
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }
}
