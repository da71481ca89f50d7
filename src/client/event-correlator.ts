import type { CoreV1Event } from "../api/index.js";

/**
 * Decides what an EventRecorder sends for each Event, as client-go's EventCorrelator
 * (k8s.io/client-go/tools/record/events_cache.go), so a controller that reports the same
 * thing about one object over and over costs the API server a bounded number of writes:
 *
 * 1. Aggregation: once 10 events that differ only in their message arrive about one
 *    object within 10 minutes of each other, the newest becomes (or bumps) one aggregate
 *    Event whose message is "(combined from similar events): " + the newest message.
 * 2. De-duplication: an Event equal to one already sent (same object, type, reason,
 *    message, source) becomes a patch of that Event's count, lastTimestamp and message.
 * 3. Spam filter: a token bucket per (source, object) — 25 at once, then one every
 *    5 minutes — drops whatever is left over, patches included.
 *
 * Every cache holds at most 4096 keys, least recently used forgotten first. Time is the
 * caller's `nowMs`, so a FakeClock drives it in tests.
 */
export class EventCorrelator {
  private readonly aggregator: EventAggregator;
  private readonly logger: EventLogger;
  private readonly spamFilter: SpamFilter;
  private lastNanos = 0n;

  constructor(options: CorrelatorOptions = {}) {
    const size = options.cacheSize ?? maxCacheEntries;
    this.aggregator = new EventAggregator(size, options.aggregateMaxEvents ?? 10, options.aggregateIntervalMs ?? 600_000);
    this.logger = new EventLogger(size);
    this.spamFilter = new SpamFilter(size, options.spamBurst ?? 25, options.spamRefillEveryMs ?? 300_000);
  }

  /**
   * A fresh Event name, `<object name>.<hex nanoseconds>` as upstream's. Two events in
   * the same millisecond would share upstream's name only if their clock read the same
   * nanosecond; ours has millisecond resolution, so the nanoseconds are made strictly
   * increasing instead.
   */
  nameFor(objectName: string, nowMs: number): string {
    let nanos = BigInt(Math.floor(nowMs)) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${objectName}.${nanos.toString(16)}`;
  }

  /**
   * What to send for `event` (a new Event with count 1, named by `nameFor`): nothing
   * (`skip`), a create of `event`, or a merge `patch` of the Event `event` names.
   * `objectKey` names the (source, object) pair; every key the correlator uses for this
   * event includes it, so writes in order per objectKey keep upstream's order.
   */
  correlate(event: CoreV1Event, nowMs: number): CorrelateResult {
    const aggregated = this.aggregator.aggregate(event, nowMs, (name) => this.nameFor(name, nowMs));
    const observed = this.logger.observe(aggregated.event, aggregated.key);
    const objectKey = spamKey(event);
    if (!this.spamFilter.tryAccept(objectKey, nowMs)) return { skip: true };
    return { skip: false, objectKey, event: observed.event, patch: observed.patch };
  }
}

export interface CorrelatorOptions {
  cacheSize?: number;
  aggregateMaxEvents?: number;
  aggregateIntervalMs?: number;
  spamBurst?: number;
  spamRefillEveryMs?: number;
}

export type CorrelateResult =
  | { skip: true }
  | { skip: false; objectKey: string; event: CoreV1Event; patch?: { count: number; lastTimestamp?: string; message?: string } };

const maxCacheEntries = 4096;

/** A Map that forgets its least recently used key beyond `max` entries (groupcache/lru). */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Re-inserting moves the key to the end: Map iteration order is insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

// Keys join fields with NUL, which no field holds, so two different events never share a
// key by concatenation (upstream joins with "").
function joinKey(fields: ReadonlyArray<string | undefined>): string {
  return fields.map((f) => f ?? "").join("\u0000");
}

function objectFields(event: CoreV1Event): Array<string | undefined> {
  const o = event.involvedObject;
  return [event.source?.component, event.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion];
}

/** Source and involved object: the spam filter's bucket. */
function spamKey(event: CoreV1Event): string {
  return joinKey(objectFields(event));
}

/** Everything that makes two events the same event, message included. */
function eventKey(event: CoreV1Event): string {
  return joinKey([...objectFields(event), event.involvedObject.fieldPath, event.type, event.reason, event.message]);
}

/** Everything but the message: events with the same aggregate key are "similar". */
function aggregateKey(event: CoreV1Event): string {
  return joinKey([...objectFields(event), event.type, event.reason, event.reportingComponent, event.reportingInstance]);
}

class EventAggregator {
  private readonly cache: LruCache<{ messages: Set<string>; lastMs: number }>;

  constructor(
    size: number,
    private readonly maxEvents: number,
    private readonly intervalMs: number,
  ) {
    this.cache = new LruCache(size);
  }

  /** The event to go on with, and the key the logger counts it under. */
  aggregate(event: CoreV1Event, nowMs: number, newName: (objectName: string) => string): { event: CoreV1Event; key: string } {
    const key = aggregateKey(event);
    let record = this.cache.get(key);
    // Similar events more than the interval apart start counting afresh.
    if (!record || nowMs - record.lastMs > this.intervalMs) record = { messages: new Set(), lastMs: nowMs };
    record.messages.add(event.message ?? "");
    record.lastMs = nowMs;
    this.cache.set(key, record);
    if (record.messages.size < this.maxEvents) return { event, key: eventKey(event) };

    // Keep the set at most maxEvents - 1 large, so each further distinct message is
    // aggregated too (upstream pops an arbitrary member; this pops the oldest).
    const first = record.messages.values().next();
    if (!first.done) record.messages.delete(first.value);
    const timestamp = event.lastTimestamp;
    // Upstream's aggregate Event carries no reportingComponent/Instance; neither does ours.
    const combined: CoreV1Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: newName(event.involvedObject.name ?? "unknown"), namespace: event.metadata.namespace },
      involvedObject: event.involvedObject,
      reason: event.reason,
      message: `(combined from similar events): ${event.message ?? ""}`,
      source: event.source,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
      type: event.type,
    };
    return { event: combined, key };
  }
}

class EventLogger {
  private readonly cache: LruCache<{ count: number; firstTimestamp?: string; name: string }>;

  constructor(size: number) {
    this.cache = new LruCache(size);
  }

  /**
   * A repeat of the event cached under `key` becomes a patch of the Event first sent
   * for it: same name and firstTimestamp, count one higher, newest lastTimestamp and
   * message (the message changes for aggregate events).
   */
  observe(event: CoreV1Event, key: string): { event: CoreV1Event; patch?: { count: number; lastTimestamp?: string; message?: string } } {
    const last = this.cache.get(key);
    if (!last) {
      this.cache.set(key, { count: event.count ?? 1, firstTimestamp: event.firstTimestamp, name: event.metadata.name ?? "" });
      return { event };
    }
    const count = last.count + 1;
    const repeated: CoreV1Event = { ...event, metadata: { ...event.metadata, name: last.name }, firstTimestamp: last.firstTimestamp, count };
    this.cache.set(key, { count, firstTimestamp: last.firstTimestamp, name: last.name });
    const patch: { count: number; lastTimestamp?: string; message?: string } = { count, lastTimestamp: event.lastTimestamp };
    if (event.message) patch.message = event.message;
    return { event: repeated, patch };
  }
}

/** A token bucket per key (flowcontrol's token-bucket limiter): full at first, refilled one token per period. */
class SpamFilter {
  private readonly cache: LruCache<{ tokens: number; atMs: number }>;

  constructor(
    size: number,
    private readonly burst: number,
    private readonly refillEveryMs: number,
  ) {
    this.cache = new LruCache(size);
  }

  tryAccept(key: string, nowMs: number): boolean {
    const bucket = this.cache.get(key) ?? { tokens: this.burst, atMs: nowMs };
    if (nowMs > bucket.atMs) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (nowMs - bucket.atMs) / this.refillEveryMs);
      bucket.atMs = nowMs;
    }
    const accepted = bucket.tokens >= 1;
    if (accepted) bucket.tokens -= 1;
    this.cache.set(key, bucket);
    return accepted;
  }
}
