import { realClock, type Clock, type Timer } from "./clock.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.js";
import { workqueueMetrics } from "./workqueue-metrics.js";

/**
 * WorkQueue: client-go's rate-limited work queue (util/workqueue/queue.go,
 * delaying_queue.go, rate_limiting_queue.go), for controller keys like "default/web".
 *
 * Promises:
 * - A key is queued at most once: adding a key already waiting does nothing.
 * - A key is never handed to two workers at once: a key added while it is being
 *   processed is marked dirty and handed out again only after `done(key)`.
 * - Keys come out in the order they were first added (FIFO).
 * - `addAfter(key, ms)` adds the key once `ms` have passed on the clock; of several
 *   pending delays for one key, the earliest wins.
 * - `addRateLimited(key)` waits as long as the rate limiter says (per-key exponential
 *   back-off 5ms→1000s, and a 10 qps / burst 100 token bucket overall); `forget(key)`
 *   resets the key's back-off. Call `forget` when a key succeeds.
 * - After `shutDown()`, adds are ignored and `get` resolves `undefined` once the queue is
 *   empty (workers drain what is left).
 *
 *   const queue = new WorkQueue({ clock });
 *   queue.add("default/web");
 *   const key = await queue.get(signal); // "default/web"
 *   try { ...; queue.forget(key) } catch { queue.addRateLimited(key) } finally { queue.done(key) }
 */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiting = new Map<string, { at: number; timer: Timer }>();
  private readonly getters: Array<() => void> = [];
  private shuttingDown = false;
  /** Metrics labels when named (upstream: only named queues report workqueue_* metrics). */
  private readonly name: string | undefined;
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();

  /** `name` (e.g. "deployment") turns on the workqueue_* metrics for this queue, as client-go's named queues. */
  constructor(options: { clock?: Clock; rateLimiter?: RateLimiter; name?: string } = {}) {
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.name = options.name;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.name !== undefined) {
      workqueueMetrics.adds.inc({ name: this.name });
      this.addedAt.set(key, this.clock.now());
    }
    if (this.processing.has(key)) return;
    this.queue.push(key);
    if (this.name !== undefined) workqueueMetrics.depth.inc({ name: this.name });
    this.wakeOne();
  }

  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending) {
      if (pending.at <= at) return;
      pending.timer.cancel();
    }
    const timer = this.clock.setTimer(ms, () => {
      this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { at, timer });
  }

  addRateLimited(key: string): void {
    if (this.name !== undefined) workqueueMetrics.retries.inc({ name: this.name });
    this.addAfter(key, this.rateLimiter.when(key));
  }

  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * The next key, waiting for one if the queue is empty. `undefined` means the queue has
   * shut down and is empty, or `signal` aborted. The caller must call `done(key)`.
   */
  async get(signal?: AbortSignal): Promise<string | undefined> {
    while (this.len() === 0) {
      if (this.shuttingDown || signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const i = this.getters.indexOf(wake);
          if (i >= 0) this.getters.splice(i, 1);
          resolve();
        };
        this.getters.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    const key = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.processing.add(key);
    this.dirty.delete(key);
    if (this.name !== undefined) {
      const now = this.clock.now();
      workqueueMetrics.depth.dec({ name: this.name });
      const added = this.addedAt.get(key);
      if (added !== undefined) workqueueMetrics.queueDuration.observe({ name: this.name }, (now - added) / 1000);
      this.addedAt.delete(key);
      this.startedAt.set(key, now);
    }
    return key;
  }

  /** Marks `key` as processed; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.name !== undefined) {
      const started = this.startedAt.get(key);
      if (started !== undefined) workqueueMetrics.workDuration.observe({ name: this.name }, (this.clock.now() - started) / 1000);
      this.startedAt.delete(key);
    }
    if (this.dirty.has(key)) {
      this.queue.push(key);
      if (this.name !== undefined) workqueueMetrics.depth.inc({ name: this.name });
      this.wakeOne();
    }
  }

  /** Keys ready to be handed out (not counting delayed or in-flight ones). */
  len(): number {
    return this.queue.length - this.head;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    for (const wake of this.getters.splice(0)) wake();
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private wakeOne(): void {
    this.getters.shift()?.();
  }
}
