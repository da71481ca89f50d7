/**
 * Clock: the one source of time for queue delays, informer resyncs, back-offs and leader
 * election, so tests drive time with `FakeClock` instead of global fake timers.
 *
 * Promises:
 * - `now()` is milliseconds since the Unix epoch and never goes backwards on a FakeClock.
 * - `sleep(ms, signal)` resolves after at least `ms`; if `signal` aborts first it rejects
 *   with the signal's reason and leaves no timer behind.
 * - `setTimer(ms, fn)` calls `fn` once after at least `ms` unless cancelled first.
 *
 *   const clock = new FakeClock();
 *   const slept = clock.sleep(1000);
 *   clock.step(1000); // fires the timer; `slept` resolves
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  setTimer(ms: number, fn: () => void): Timer;
}

export interface Timer {
  cancel(): void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal as AbortSignal));
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Wall-clock time and Node's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return sleepWith(realClock, ms, signal);
  },
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told. `step(ms)` advances time and fires every timer that
 * falls due, in due-time order (ties in creation order), with `now()` set to each timer's
 * due time while it runs. `advance(ms)` does the same but lets promise continuations run
 * after each timer, so async loops that re-arm timers (leader election, back-offs) see
 * every tick.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<FakeTimer>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(options: { now?: number } = {}) {
    this.time = options.now ?? Date.UTC(2026, 0, 1);
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer: FakeTimer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    this.notifyWaiters();
    return { cancel: () => void this.timers.delete(timer) };
  }

  /** Timers armed and not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Resolves once at least `count` timers are pending: "wait until the code under test is sleeping". */
  untilTimers(count = 1): Promise<void> {
    if (this.timers.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Advance by `ms`, firing due timers synchronously. */
  step(ms: number): void {
    const end = this.time + ms;
    for (let t = this.nextDue(end); t; t = this.nextDue(end)) {
      this.timers.delete(t);
      this.time = Math.max(this.time, t.at);
      t.fn();
    }
    this.time = end;
  }

  /** Advance by `ms`, yielding to the event loop after each fired timer (and once at the end). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (let t = this.nextDue(end); t; t = this.nextDue(end)) {
      this.timers.delete(t);
      this.time = Math.max(this.time, t.at);
      t.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }

  private nextDue(end: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.at > end) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private notifyWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (this.timers.size >= w.count) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}

/** Let pending promise continuations and quick I/O callbacks run (a few event-loop turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
