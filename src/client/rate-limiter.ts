import type { Clock } from "./clock.js";

/**
 * How long to wait before handing an item out again, as client-go's
 * util/workqueue/default_rate_limiters.go. `when` records a failure; `forget` clears it.
 */
export interface RateLimiter {
  when(item: string): number;
  forget(item: string): void;
  numRequeues(item: string): number;
}

/** Per-item exponential back-off: base·2^failures, capped (ItemExponentialFailureRateLimiter). */
export class ExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: { baseMs: number; maxMs: number }) {
    this.baseMs = options.baseMs;
    this.maxMs = options.maxMs;
  }

  when(item: string): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseMs * 2 ** exp;
    return Number.isFinite(backoff) ? Math.min(backoff, this.maxMs) : this.maxMs;
  }

  forget(item: string): void {
    this.failures.delete(item);
  }

  numRequeues(item: string): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * An overall token bucket shared by all items (BucketRateLimiter over golang.org/x/time/rate):
 * `burst` tokens, refilled at `qps`; each `when` reserves one token and returns how long
 * until it is available.
 */
export class BucketRateLimiter implements RateLimiter {
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(options: { qps: number; burst: number; clock: Clock }) {
    this.qps = options.qps;
    this.burst = options.burst;
    this.clock = options.clock;
    this.tokens = options.burst;
    this.last = options.clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The longest delay of several limiters (MaxOfRateLimiter). */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(item: string): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: string): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: string): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

/** client-go's DefaultControllerRateLimiter: 5ms→1000s per item, and 10 qps / burst 100 overall. */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter([
    new ExponentialRateLimiter({ baseMs: 5, maxMs: 1000 * 1000 }),
    new BucketRateLimiter({ qps: 10, burst: 100, clock }),
  ]);
}
