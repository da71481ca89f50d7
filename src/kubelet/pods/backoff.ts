import type { Clock } from "../../client/index.js";

/** Upstream's crash-loop back-off: 10 s doubling to 5 min (kubelet.go backOffPeriod, MaxContainerBackOff). */
export const initialBackoffMs = 10_000;
export const maxBackoffMs = 300_000;

/**
 * Per-container restart back-off, as client-go's flowcontrol.Backoff used by the kubelet's
 * doBackOff: a container that exited is restarted at once the first time; after that it
 * waits `backoff` from its finish time, and each restart doubles the wait. An entry not
 * touched for 2×max (10 min: the container ran that long) is forgotten, so the next crash
 * starts again at 10 s.
 */
export class Backoff {
  private readonly entries = new Map<string, { backoffMs: number; lastUpdate: number }>();

  constructor(private readonly clock: Clock, private readonly initialMs = initialBackoffMs, private readonly maxMs = maxBackoffMs) {}

  /** How long is left before a container that finished at `finishedAt` may restart (0 = now). */
  remaining(key: string, finishedAt: number): number {
    const e = this.entries.get(key);
    if (!e || this.expired(e)) return 0;
    return Math.max(0, finishedAt + e.backoffMs - this.clock.now());
  }

  /** Whether less than the current back-off has passed since the last `next(key)` (flowcontrol.Backoff IsInBackOffSinceUpdate: image pulls). */
  inBackoffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    return !!e && !this.expired(e) && this.clock.now() - e.lastUpdate < e.backoffMs;
  }

  /** The current back-off of `key` (for the CrashLoopBackOff message). */
  current(key: string): number {
    return this.entries.get(key)?.backoffMs ?? this.initialMs;
  }

  /** Records a restart: the next wait doubles (or starts at 10 s). */
  next(key: string): void {
    const e = this.entries.get(key);
    const now = this.clock.now();
    if (!e || this.expired(e)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  private expired(e: { lastUpdate: number }): boolean {
    return this.clock.now() - e.lastUpdate > 2 * this.maxMs;
  }
}

/** "10s", "5m0s": Go's time.Duration String for whole seconds. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
