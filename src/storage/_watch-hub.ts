/**
 * Watch fan-out shared by the backends. A backend gives the hub synchronous reads of its
 * committed history and calls `publish` right after each commit; the hub turns that into
 * one bounded async iterator per watcher.
 *
 * How replay meets live without a gap or duplicate: a watcher first reads history pages
 * (revision > cursor) and ignores published events meanwhile; when a page comes back short,
 * it has read everything up to the current revision, so it switches to live in the same
 * synchronous step. Backends commit before they publish, and publish synchronously, so
 * nothing can land between the last page and the switch.
 *
 * A slow consumer costs at most `bufferLimit` queued events; past that its watch ends with
 * `StoreError("unavailable")` (the API server then tells the client to re-list), so
 * writers are never blocked.
 */
import { StoreError } from "../machinery/index.js";
import type { StoreEvent, WatchOptions } from "./store.js";
import { compactedRevisionError as compactedError } from "./_keys.js";

export const DEFAULT_WATCH_BUFFER_LIMIT = 10_000;
const REPLAY_PAGE = 1_000;

/** What a backend lends the hub: synchronous reads of committed state. */
export interface WatchHistory {
  currentRevision(): number;
  compactedRevision(): number;
  /** Up to `limit` committed events under `prefix` with revision > `after`, ascending. */
  eventsAfter(prefix: string, after: number, limit: number): StoreEvent[];
}

export class WatchHub {
  readonly #history: WatchHistory;
  readonly #bufferLimit: number;
  readonly #watchers = new Set<Watcher>();

  constructor(options: { history: WatchHistory; bufferLimit?: number }) {
    this.#history = options.history;
    this.#bufferLimit = options.bufferLimit ?? DEFAULT_WATCH_BUFFER_LIMIT;
  }

  /** Open watches (for tests and metrics). */
  get size(): number {
    return this.#watchers.size;
  }

  /** Registers the watch now, so `fromRevision: 0` means "from this call". */
  watch(prefix: string, options: WatchOptions): AsyncIterableIterator<StoreEvent> {
    return new Watcher({
      prefix,
      options,
      history: this.#history,
      bufferLimit: this.#bufferLimit,
      register: (w) => this.#watchers.add(w),
      unregister: (w) => this.#watchers.delete(w),
    });
  }

  /** Hand committed events (ascending revision) to every live watcher. Never blocks. */
  publish(events: readonly StoreEvent[]): void {
    if (events.length === 0) return;
    for (const w of this.#watchers) w.offer(events);
  }

  /** End every watch with `reason` (e.g. the store is closing). */
  failAll(reason: StoreError): void {
    for (const w of [...this.#watchers]) w.fail(reason);
  }
}

interface Waiter {
  resolve(result: IteratorResult<StoreEvent>): void;
  reject(err: unknown): void;
}

interface WatcherOptions {
  prefix: string;
  options: WatchOptions;
  history: WatchHistory;
  bufferLimit: number;
  register(w: Watcher): void;
  unregister(w: Watcher): void;
}

class Watcher implements AsyncIterableIterator<StoreEvent> {
  readonly #o: WatcherOptions;
  readonly #signal?: AbortSignal;
  #queue: StoreEvent[] = [];
  #head = 0;
  /** Every event under the prefix with revision <= cursor has been queued (or was before fromRevision). */
  #cursor: number;
  #live: boolean;
  #error?: StoreError;
  #done = false;
  #waiters: Waiter[] = [];
  readonly #onAbort = (): void => this.#end();

  constructor(o: WatcherOptions) {
    this.#o = o;
    this.#signal = o.options.signal;
    const from = o.options.fromRevision;
    this.#live = from <= 0;
    this.#cursor = from <= 0 ? o.history.currentRevision() : from;
    if (this.#signal?.aborted) {
      this.#done = true;
      return;
    }
    const compacted = o.history.compactedRevision();
    if (from > 0 && from < compacted) {
      this.#error = compactedError(from, compacted);
      return;
    }
    o.register(this);
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
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

  offer(events: readonly StoreEvent[]): void {
    if (!this.#live || this.#done || this.#error) return;
    const prefix = this.#o.prefix;
    let added = false;
    for (const ev of events) {
      if (ev.kv.modRevision <= this.#cursor || !ev.kv.key.startsWith(prefix)) continue;
      this.#queue.push(ev);
      this.#cursor = ev.kv.modRevision;
      added = true;
    }
    if (!added) return;
    if (this.#queue.length - this.#head > this.#o.bufferLimit) {
      this.fail(
        new StoreError("unavailable", `watch on "${prefix}" fell behind: more than ${this.#o.bufferLimit} events unread`),
      );
      return;
    }
    this.#pump();
  }

  fail(err: StoreError): void {
    if (this.#done || this.#error) return;
    this.#error = err;
    this.#release();
    this.#pump();
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#release();
    this.#pump();
  }

  /** Drop the buffer and every registration; the iterator keeps only its final state. */
  #release(): void {
    this.#queue = [];
    this.#head = 0;
    this.#o.unregister(this);
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  #pump(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters[0]!;
      if (this.#head < this.#queue.length) {
        this.#waiters.shift();
        waiter.resolve({ done: false, value: this.#take() });
      } else if (this.#error) {
        // Throw once, then behave as finished.
        const err = this.#error;
        this.#error = undefined;
        this.#done = true;
        this.#waiters.shift();
        waiter.reject(err);
      } else if (this.#done) {
        this.#waiters.shift();
        waiter.resolve({ done: true, value: undefined });
      } else if (!this.#live) {
        this.#readHistoryPage();
      } else {
        return; // wait for offer(), fail() or the signal
      }
    }
  }

  #take(): StoreEvent {
    const ev = this.#queue[this.#head]!;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return ev;
  }

  #readHistoryPage(): void {
    const { history, prefix } = this.#o;
    try {
      const compacted = history.compactedRevision();
      if (this.#cursor < compacted) {
        this.fail(compactedError(this.#cursor, compacted));
        return;
      }
      const page = history.eventsAfter(prefix, this.#cursor, REPLAY_PAGE);
      for (const ev of page) this.#queue.push(ev);
      if (page.length < REPLAY_PAGE) {
        this.#live = true;
        this.#cursor = Math.max(this.#cursor, history.currentRevision());
      } else {
        this.#cursor = page[page.length - 1]!.kv.modRevision;
      }
    } catch (err) {
      this.fail(new StoreError("unavailable", `watch on "${prefix}" could not read history`, { cause: err }));
    }
  }
}

/** A watch that throws `err` on its first step (e.g. the store is closed). */
export function failedWatch(err: Error): AsyncIterable<StoreEvent> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }),
  };
}
