/**
 * One Store watch on etcd: a Watch stream (prev_kv, requiring a leader) from
 * `fromRevision + 1`, as an async iterator with the Store's promises.
 *
 * - A stream that breaks (member killed, leader lost, connection reset) is reopened on
 *   the next member from the revision after the last one received, so the consumer sees
 *   no gap and no duplicate; while no member answers, the watch just waits.
 * - etcd cancelling the watch for compaction → `StoreError("compacted")`.
 * - More than `bufferLimit` unread events → `StoreError("unavailable")` (never block etcd).
 * - `compactedTo(rev)` (this client compacted): a watch still holding unread events at or
 *   below `rev` is replaying history that is now gone → `compacted`, as the other backends.
 */
import type { ClientDuplexStream } from "@grpc/grpc-js";
import { StoreError } from "../../machinery/index.js";
import type { StoreEvent } from "../store.js";
import { compactedRevisionError } from "../_keys.js";
import type { EtcdConnection, PbEvent, PbKeyValue, PbWatchResponse } from "./_connection.js";

export interface EtcdWatchOptions {
  conn: EtcdConnection;
  prefix: string;
  key: Buffer;
  rangeEnd: Buffer;
  /** Taken off every key received (the store's key prefix). */
  stripPrefix: string;
  /** Deliver events with revision > fromRevision. */
  fromRevision: number;
  signal?: AbortSignal;
  bufferLimit: number;
  onRevision(rev: number): void;
  register(w: EtcdWatch): void;
  unregister(w: EtcdWatch): void;
}

interface Waiter {
  resolve(r: IteratorResult<StoreEvent>): void;
  reject(err: unknown): void;
}

export class EtcdWatch implements AsyncIterableIterator<StoreEvent> {
  readonly #o: EtcdWatchOptions;
  #queue: StoreEvent[] = [];
  #head = 0;
  /** Every event with revision <= cursor has been queued. */
  #cursor: number;
  #stream?: ClientDuplexStream<object, PbWatchResponse>;
  #error?: StoreError;
  #done = false;
  #waiters: Waiter[] = [];
  #retryTimer?: NodeJS.Timeout;
  #failures = 0;
  readonly #onAbort = (): void => this.#end();

  constructor(o: EtcdWatchOptions) {
    this.#o = o;
    this.#cursor = o.fromRevision;
    if (o.signal?.aborted) {
      this.#done = true;
      return;
    }
    o.register(this);
    o.signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#connect();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoreEvent> {
    return this;
  }

  next(): Promise<IteratorResult<StoreEvent>> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#pump();
    });
  }

  return(): Promise<IteratorResult<StoreEvent>> {
    this.#end();
    return Promise.resolve({ done: true, value: undefined });
  }

  fail(err: StoreError): void {
    if (this.#done || this.#error) return;
    this.#error = err;
    this.#release();
    this.#pump();
  }

  compactedTo(revision: number): void {
    if (this.#head < this.#queue.length && this.#queue[this.#head]!.kv.modRevision <= revision) {
      this.fail(compactedRevisionError(this.#queue[this.#head]!.kv.modRevision - 1, revision));
    }
  }

  #connect(): void {
    if (this.#done || this.#error) return;
    const conn = this.#o.conn;
    if (conn.closed) return;
    const index = conn.preferred();
    let stream: ClientDuplexStream<object, PbWatchResponse>;
    try {
      stream = conn.watchStream(index);
    } catch (err) {
      this.#retry(index, err);
      return;
    }
    this.#stream = stream;
    let broken = false;
    const broke = (err: unknown) => {
      if (broken || this.#stream !== stream) return;
      broken = true;
      this.#stream = undefined;
      stream.cancel();
      this.#retry(index, err);
    };
    stream.on("data", (res: PbWatchResponse) => {
      if (this.#stream !== stream) return;
      if (res.canceled) {
        const compactRev = Number(res.compact_revision ?? 0);
        if (compactRev > 0) {
          this.#stream = undefined;
          stream.cancel();
          this.fail(compactedRevisionError(this.#cursor, compactRev));
          return;
        }
        // e.g. "etcdserver: no leader": go elsewhere.
        broke(new Error(res.cancel_reason || "watch canceled by etcd"));
        return;
      }
      if (res.created) this.#failures = 0;
      if (res.header?.revision) this.#o.onRevision(Number(res.header.revision));
      this.#offer(res.events ?? []);
    });
    stream.on("error", (err) => broke(err));
    stream.on("end", () => broke(new Error("watch stream ended")));
    stream.write({
      create_request: { key: this.#o.key, range_end: this.#o.rangeEnd, start_revision: this.#cursor + 1, prev_kv: true, progress_notify: true },
    });
  }

  #retry(index: number, err: unknown): void {
    if (this.#done || this.#error || this.#o.conn.closed) return;
    this.#o.conn.failed(index);
    this.#failures++;
    void err;
    const delay = this.#failures <= 1 ? 0 : Math.min(100 * 2 ** Math.min(this.#failures, 5), 2_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }

  #offer(events: PbEvent[]): void {
    if (this.#done || this.#error) return;
    let added = false;
    for (const ev of events) {
      const kv = toKv(ev.kv, this.#o.stripPrefix);
      if (kv.modRevision <= this.#cursor) continue;
      const prev = ev.prev_kv ? toKv(ev.prev_kv, this.#o.stripPrefix) : undefined;
      if (ev.type === "Delete") {
        // etcd's delete event has no value: the deleted key is its last value at the delete's revision.
        const last = prev ?? { key: kv.key, value: "", createRevision: 0, modRevision: kv.modRevision };
        this.#queue.push(prev ? { type: "delete", kv: { ...last, modRevision: kv.modRevision }, prev } : { type: "delete", kv: { ...last, modRevision: kv.modRevision } });
      } else {
        this.#queue.push(prev ? { type: "put", kv, prev } : { type: "put", kv });
      }
      this.#cursor = kv.modRevision;
      added = true;
    }
    if (!added) return;
    if (this.#queue.length - this.#head > this.#o.bufferLimit) {
      this.fail(new StoreError("unavailable", `watch on "${this.#o.prefix}" fell behind: more than ${this.#o.bufferLimit} events unread`));
      return;
    }
    this.#pump();
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#release();
    this.#pump();
  }

  #release(): void {
    this.#queue = [];
    this.#head = 0;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.cancel();
    this.#o.unregister(this);
    this.#o.signal?.removeEventListener("abort", this.#onAbort);
  }

  #pump(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters[0]!;
      if (this.#head < this.#queue.length) {
        this.#waiters.shift();
        const ev = this.#queue[this.#head++]!;
        if (this.#head === this.#queue.length) {
          this.#queue = [];
          this.#head = 0;
        } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        waiter.resolve({ done: false, value: ev });
      } else if (this.#error) {
        const err = this.#error;
        this.#error = undefined;
        this.#done = true;
        this.#waiters.shift();
        waiter.reject(err);
      } else if (this.#done) {
        this.#waiters.shift();
        waiter.resolve({ done: true, value: undefined });
      } else {
        return;
      }
    }
  }
}

function toKv(kv: PbKeyValue, strip: string): { key: string; value: string; createRevision: number; modRevision: number } {
  return {
    key: kv.key.toString().slice(strip.length),
    value: kv.value ? kv.value.toString() : "",
    createRevision: Number(kv.create_revision ?? 0),
    modRevision: Number(kv.mod_revision ?? 0),
  };
}
