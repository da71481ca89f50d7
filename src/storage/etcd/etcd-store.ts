/**
 * EtcdStore: the Store on an etcd v3 cluster (the store Kubernetes itself uses).
 *
 * - Revisions are etcd's: `modRevision`/`createRevision` are the key's mod/create
 *   revisions, the store revision is the response header's.
 * - Compare-and-swap writes are etcd transactions: create is `If(create_revision == 0)`,
 *   update/delete `If(mod_revision == expected)` (or `create_revision > 0` when
 *   unconditional), with the current value read in the same transaction when the compare
 *   fails.
 * - Watches (_etcd-watch.ts) are etcd watches with prev_kv from `fromRevision + 1`; a
 *   broken stream resumes from the last revision it delivered, on another member.
 * - Compaction records its revision in `compact_rev_key` (upstream's key, so several API
 *   servers compacting one etcd agree), then asks etcd to compact. etcd does not say what
 *   it has compacted, so `compactedRevision()` reads that key.
 * - Every call has a deadline (`requestTimeoutMs`, default 10 s, each attempt at most
 *   `attemptTimeoutMs`, default 3 s) and moves to the next member on a transient failure,
 *   so a leader change costs a retry and a store that cannot answer gives `unavailable`,
 *   never a hang. A write whose answer was lost is retried; when the retry's compare then
 *   fails on a value equal to the one written, the first attempt is taken to have applied
 *   (API objects carry a uid and timestamps, so equal values are the same write).
 *
 *   const store = await EtcdStore.open({ endpoints: ["http://127.0.0.1:2379"] });
 */
import { StoreError } from "../../machinery/index.js";
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, Store, StoreEvent, WatchOptions, WriteResult } from "../store.js";
import { DEFAULT_MAX_VALUE_BYTES, checkValueSize, closedError, compactedRevisionError, futureRevisionError, prefixEnd, rangeStart } from "../_keys.js";
import { failedWatch } from "../_watch-hub.js";
import {
  Code,
  EtcdConnection,
  type EtcdTls,
  type PbHeader,
  type PbKeyValue,
  type PbRangeResponse,
  type PbStatusResponse,
  type PbTxnResponse,
  isServiceError,
  isTransient,
} from "./_connection.js";
import { EtcdWatch } from "./_etcd-watch.js";

export interface EtcdStoreOptions {
  /** Client URLs of the members: `http://h1:2379` or `https://h1:2379`. */
  endpoints: string[];
  tls?: EtcdTls;
  /** A whole call, retries included, fails with `unavailable` after this long. Default 10,000 ms. */
  requestTimeoutMs?: number;
  /** One attempt on one member. Default 3,000 ms; reads without a limit get the whole budget. */
  attemptTimeoutMs?: number;
  /** Largest value accepted; larger writes fail with `tooLarge`. Default 1.5 MiB, as etcd. */
  maxValueBytes?: number;
  /** Unread events a watch may hold before it is ended with `unavailable`. Default 10,000. */
  watchBufferLimit?: number;
  /**
   * Put every key (and the compaction record) under this prefix, as several clusters or
   * tests sharing one etcd would. Default none: keys are stored as given (`/registry/...`).
   */
  keyPrefix?: string;
}

/** Upstream's compaction record (apiserver pkg/storage/etcd3/compact.go). */
export const COMPACT_REV_KEY = "compact_rev_key";

const NUL = Buffer.from([0]);

/** Calls one store sends to etcd at once; more wait their turn. */
const MAX_IN_FLIGHT = 256;

export class EtcdStore implements Store {
  readonly #options: EtcdStoreOptions;
  readonly #requestTimeoutMs: number;
  readonly #attemptTimeoutMs: number;
  readonly #maxValueBytes: number;
  readonly #ns: string;
  #conn?: EtcdConnection;
  #closed = false;
  /** Highest revision any answer has shown: "now" for watches from 0. */
  #seenRevision = 0;
  readonly #watches = new Set<EtcdWatch>();
  /** Calls in flight, and callers waiting for a slot (a burst of writes queues here, not in etcd). */
  #inFlight = 0;
  readonly #slots: Array<() => void> = [];

  static async open(options: EtcdStoreOptions): Promise<EtcdStore> {
    const store = new EtcdStore(options);
    await store.start();
    return store;
  }

  constructor(options: EtcdStoreOptions) {
    if (options.endpoints.length === 0) throw new Error("EtcdStore: no endpoints");
    this.#options = options;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? 3_000;
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#ns = options.keyPrefix ?? "";
  }

  /** Connect and read the current revision; fails with `unavailable` if no member answers in time. */
  async start(): Promise<void> {
    if (this.#conn) return;
    if (this.#closed) throw closedError();
    this.#conn = new EtcdConnection({ endpoints: this.#options.endpoints, tls: this.#options.tls });
    try {
      await this.currentRevision();
    } catch (err) {
      this.#conn.close();
      this.#conn = undefined;
      throw err;
    }
  }

  /** Open watches (for tests and metrics). */
  get watchCount(): number {
    return this.#watches.size;
  }

  /** Which member leads, as each endpoint answers (for tests): member ids by endpoint index. */
  async memberStatus(index: number): Promise<{ memberId: string; leader: string; version: string }> {
    const conn = this.#ready();
    const r = await conn.unary<PbStatusResponse>(index, "maintenance", "Status", {}, this.#attemptTimeoutMs);
    return { memberId: r.header.member_id, leader: r.leader, version: r.version };
  }

  async get(key: string, options: { revision?: number } = {}): Promise<{ kv?: KeyValue; revision: number }> {
    const r = await this.#range({ key: this.#key(key), revision: options.revision ?? 0 }, true);
    const kv = r.kvs[0];
    return { kv: kv ? this.#kv(kv) : undefined, revision: options.revision || Number(r.header.revision) };
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const r = await this.#range(
      {
        key: this.#key(rangeStart(prefix, options.startKey)),
        range_end: this.#end(prefix),
        revision: options.revision ?? 0,
        // One more than asked tells whether there are more.
        limit: limit > 0 ? limit + 1 : 0,
      },
      limit > 0,
    );
    const more = limit > 0 && r.kvs.length > limit;
    const kvs = more ? r.kvs.slice(0, limit) : r.kvs;
    return { kvs: kvs.map((kv) => this.#kv(kv)), revision: options.revision || Number(r.header.revision), more };
  }

  async count(prefix: string): Promise<number> {
    const r = await this.#range({ key: this.#key(prefix), range_end: this.#end(prefix), count_only: true }, true);
    return Number(r.count ?? 0);
  }

  async create(key: string, value: string): Promise<WriteResult> {
    checkValueSize(key, value, this.#maxValueBytes);
    const k = this.#key(key);
    const v = Buffer.from(value);
    const { txn, retried } = await this.#txn({
      compare: [{ key: k, target: "Create", result: "Equal", create_revision: 0 }],
      success: [{ request_put: { key: k, value: v } }],
      failure: [{ request_range: { key: k } }],
    });
    if (txn.succeeded) {
      const rev = Number(txn.header.revision);
      return { ok: true, kv: { key, value, createRevision: rev, modRevision: rev } };
    }
    const current = this.#currentOf(txn);
    // Our first attempt committed but its answer was lost: the key holds exactly our value.
    if (retried && current && current.value === value && current.createRevision === current.modRevision) return { ok: true, kv: current };
    return { ok: false, current };
  }

  async update(key: string, value: string, options: { expectedModRevision?: number } = {}): Promise<WriteResult> {
    checkValueSize(key, value, this.#maxValueBytes);
    const k = this.#key(key);
    const { txn, retried } = await this.#txn({
      compare: [guard(k, options.expectedModRevision)],
      success: [{ request_put: { key: k, value: Buffer.from(value), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (txn.succeeded) {
      const prev = txn.responses[0]?.response_put?.prev_kv;
      const rev = Number(txn.header.revision);
      return { ok: true, kv: { key, value, createRevision: prev ? Number(prev.create_revision) : rev, modRevision: rev } };
    }
    const current = this.#currentOf(txn);
    if (retried && current && current.value === value && options.expectedModRevision !== undefined && current.modRevision > options.expectedModRevision) {
      return { ok: true, kv: current };
    }
    return current ? { ok: false, current } : { ok: false };
  }

  async delete(key: string, options: { expectedModRevision?: number } = {}): Promise<DeleteResult> {
    const k = this.#key(key);
    const { txn } = await this.#txn({
      compare: [guard(k, options.expectedModRevision)],
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (txn.succeeded) {
      const prev = txn.responses[0]?.response_delete_range?.prev_kvs[0];
      if (prev) return { ok: true, revision: Number(txn.header.revision), prev: this.#kv(prev) };
      return { ok: false };
    }
    const current = this.#currentOf(txn);
    return current ? { ok: false, current } : { ok: false };
  }

  watch(prefix: string, options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.#closed || !this.#conn) return failedWatch(this.#closed ? closedError() : notStartedError());
    const w = new EtcdWatch({
      conn: this.#conn,
      prefix,
      key: this.#key(prefix),
      rangeEnd: this.#end(prefix),
      stripPrefix: this.#ns,
      // "From now" is after every revision this client has seen, decided synchronously.
      fromRevision: options.fromRevision > 0 ? options.fromRevision : this.#seenRevision,
      signal: options.signal,
      bufferLimit: this.#options.watchBufferLimit ?? 10_000,
      onRevision: (rev) => this.#saw(rev),
      register: (x) => this.#watches.add(x),
      unregister: (x) => this.#watches.delete(x),
    });
    return w;
  }

  async compact(revision: number): Promise<void> {
    for (;;) {
      const key = this.#key(COMPACT_REV_KEY);
      const r = await this.#range({ key }, true);
      const rec = r.kvs[0];
      const compacted = rec ? Number(rec.value.toString()) : 0;
      if (revision <= compacted) return;
      const current = Number(r.header.revision);
      if (revision > current) throw futureRevisionError(revision, current);
      // Record first, guarded by the record's version, so concurrent compactors take turns.
      const { txn } = await this.#txn({
        compare: [{ key, target: "Version", result: "Equal", version: rec ? Number(rec.version) : 0 }],
        success: [{ request_put: { key, value: Buffer.from(String(revision)) } }],
        failure: [],
      });
      if (!txn.succeeded) continue;
      try {
        await this.#call("kv", "Compact", { revision, physical: true }, this.#requestTimeoutMs, true);
      } catch (err) {
        // Someone compacted further meanwhile (etcdctl, another server): that is fine.
        if (!(err instanceof StoreError && err.code === "compacted")) throw err;
      }
      for (const w of this.#watches) w.compactedTo(revision);
      return;
    }
  }

  async currentRevision(): Promise<number> {
    const r = await this.#range({ key: this.#key(COMPACT_REV_KEY), count_only: true }, true);
    return Number(r.header.revision);
  }

  async compactedRevision(): Promise<number> {
    const r = await this.#range({ key: this.#key(COMPACT_REV_KEY) }, true);
    const rec = r.kvs[0];
    return rec ? Number(rec.value.toString()) : 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#watches]) w.fail(closedError());
    this.#conn?.close();
  }

  async #range(req: Record<string, unknown>, bounded: boolean): Promise<PbRangeResponse> {
    const requested = Number(req["revision"] ?? 0);
    try {
      const r = await this.#call<PbRangeResponse>("kv", "Range", req, bounded ? this.#attemptTimeoutMs : this.#requestTimeoutMs, true);
      r.kvs ??= [];
      return r;
    } catch (err) {
      if (err instanceof StoreError && err.code === "compacted" && requested > 0) {
        const compacted = await this.compactedRevision().catch(() => 0);
        throw compactedRevisionError(requested, Math.max(compacted, requested + 1));
      }
      if (err instanceof StoreError && err.message.includes("future revision") && requested > 0) {
        throw futureRevisionError(requested, await this.currentRevision().catch(() => 0));
      }
      throw err;
    }
  }

  /** A transaction; `retried` says an earlier attempt may have applied. */
  async #txn(req: object): Promise<{ txn: PbTxnResponse; retried: boolean }> {
    let retried = false;
    const txn = await this.#call<PbTxnResponse>("kv", "Txn", req, this.#attemptTimeoutMs, false, () => (retried = true));
    txn.responses ??= [];
    return { txn, retried };
  }

  /**
   * One call with retries on transient failures, each attempt on the preferred member,
   * moving on from a member that failed; gives up with `unavailable` after the request
   * budget. Errors come back as StoreErrors.
   */
  async #call<T extends { header?: PbHeader }>(
    service: "kv" | "maintenance",
    method: string,
    req: object,
    attemptMs: number,
    idempotent: boolean,
    onRetry?: () => void,
  ): Promise<T> {
    const conn = this.#ready();
    await this.#acquire();
    try {
      return await this.#attempts<T>(conn, service, method, req, attemptMs, idempotent, onRetry);
    } finally {
      this.#inFlight--;
      this.#slots.shift()?.();
    }
  }

  /** Wait for one of MAX_IN_FLIGHT slots; waiting longer than the request budget is `unavailable`. */
  async #acquire(): Promise<void> {
    if (this.#inFlight < MAX_IN_FLIGHT) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.#inFlight++;
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.#slots.indexOf(grant);
        if (i >= 0) this.#slots.splice(i, 1);
        reject(new StoreError("unavailable", `etcd: ${this.#inFlight} calls in flight did not finish within ${this.#requestTimeoutMs} ms`));
      }, this.#requestTimeoutMs);
      this.#slots.push(grant);
    });
  }

  async #attempts<T extends { header?: PbHeader }>(
    conn: EtcdConnection,
    service: "kv" | "maintenance",
    method: string,
    req: object,
    attemptMs: number,
    idempotent: boolean,
    onRetry?: () => void,
  ): Promise<T> {
    const deadline = Date.now() + this.#requestTimeoutMs;
    let lastErr: unknown;
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0 || conn.closed) break;
      const index = conn.preferred();
      try {
        if (attempt > 0 && !idempotent) onRetry?.();
        const res = await conn.unary<T>(index, service, method, req, Math.min(attemptMs, left));
        if (res.header) this.#saw(Number(res.header.revision));
        return res;
      } catch (err) {
        if (!isTransient(err)) throw translate(err);
        lastErr = err;
        conn.failed(index);
        // Back off a little; the first retry goes straight to the next member.
        if (attempt > 0) await sleep(Math.min(100 * attempt, 500));
      }
    }
    if (this.#closed) throw closedError();
    const why = lastErr instanceof Error ? lastErr.message : "no answer";
    throw new StoreError("unavailable", `etcd did not answer ${method} within ${this.#requestTimeoutMs} ms: ${why}`, { cause: lastErr });
  }

  /** A key as stored: under the key prefix; the empty key (range start) is etcd's "\0". */
  #key(key: string): Buffer {
    const full = this.#ns + key;
    return full === "" ? NUL : Buffer.from(full);
  }

  /** The end of a prefix's range; "\0" (to the end of the keyspace) for the empty prefix. */
  #end(prefix: string): Buffer {
    const end = prefixEnd(this.#ns + prefix);
    return end === undefined ? NUL : Buffer.from(end);
  }

  #kv(kv: PbKeyValue): KeyValue {
    const out = toKeyValue(kv);
    if (this.#ns) out.key = out.key.slice(this.#ns.length);
    return out;
  }

  #currentOf(txn: PbTxnResponse): KeyValue | undefined {
    const kv = txn.responses[0]?.response_range?.kvs?.[0];
    return kv ? this.#kv(kv) : undefined;
  }

  #saw(revision: number): void {
    if (revision > this.#seenRevision) this.#seenRevision = revision;
  }

  #ready(): EtcdConnection {
    if (this.#closed) throw closedError();
    if (!this.#conn) throw notStartedError();
    return this.#conn;
  }
}

function guard(key: Buffer, expectedModRevision: number | undefined): object {
  return expectedModRevision !== undefined
    ? { key, target: "Mod", result: "Equal", mod_revision: expectedModRevision }
    : { key, target: "Create", result: "Greater", create_revision: 0 };
}

export function toKeyValue(kv: PbKeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: kv.value ? kv.value.toString() : "",
    createRevision: Number(kv.create_revision ?? 0),
    modRevision: Number(kv.mod_revision ?? 0),
  };
}

/** etcd's errors in the store's language. */
function translate(err: unknown): unknown {
  if (!isServiceError(err)) return err;
  const msg = err.details || err.message;
  if (err.code === Code.OUT_OF_RANGE && msg.includes("compacted")) return new StoreError("compacted", msg, { cause: err });
  if (err.code === Code.OUT_OF_RANGE && msg.includes("future revision")) return new StoreError("unavailable", msg, { cause: err });
  if (msg.includes("request is too large")) return new StoreError("tooLarge", msg, { cause: err });
  if (err.code === Code.CANCELLED) return new StoreError("unavailable", `etcd call cancelled: ${msg}`, { cause: err });
  return new StoreError("unavailable", `etcd: ${msg}`, { cause: err });
}

function notStartedError(): StoreError {
  return new StoreError("unavailable", "store not started: call start() first");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
