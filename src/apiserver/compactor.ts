import type { Store } from "../storage/index.js";

/**
 * Periodic compaction, as upstream's apiserver asks etcd every 5 minutes: each tick
 * compacts at the revision seen on the previous tick, so watchers and paged lists always
 * have at least one interval of history to resume from, and the store does not grow
 * without bound.
 */
export function startCompactor(store: Store, options: { intervalMs?: number; signal: AbortSignal; onError?: (err: unknown) => void }): void {
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  let previous = 0;
  const tick = async () => {
    try {
      if (previous > 0) await store.compact(previous);
      previous = await store.currentRevision();
    } catch (err) {
      options.onError?.(err);
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  options.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
