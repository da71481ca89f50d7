import type { Clock } from "./clock.js";
import { realClock } from "./clock.js";

/**
 * Controller expectations (pkg/controller/controller_utils.go): a controller that creates
 * or deletes pods records how many it is waiting to see, and does nothing more for that
 * owner until its informer has seen them (or the expectations expire after 5 minutes), so
 * a slow cache never makes it create or delete twice.
 *
 *   if (!expectations.satisfied(key)) return;        // still waiting for our own writes
 *   expectations.expectCreations(key, diff);
 *   for (...) await createPod(...) // on failure: expectations.creationObserved(key)
 *   // in the informer's add handler: expectations.creationObserved(ownerKey)
 */
export class Expectations {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly byKey = new Map<string, { adds: number; deletes: Set<string>; deleteCount: number; at: number }>();

  constructor(options: { clock?: Clock; ttlMs?: number } = {}) {
    this.clock = options.clock ?? realClock;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  /** True when nothing is expected for `key`, or what was expected is too old to wait for. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deleteCount <= 0) return true;
    return this.clock.now() - e.at > this.ttlMs;
  }

  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { adds: count, deletes: new Set(), deleteCount: 0, at: this.clock.now() });
  }

  /** Deletions of these objects (by uid or key) are awaited. */
  expectDeletions(key: string, ids: string[]): void {
    this.byKey.set(key, { adds: 0, deletes: new Set(ids), deleteCount: ids.length, at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  deletionObserved(key: string, id: string): void {
    const e = this.byKey.get(key);
    if (e && e.deletes.delete(id)) e.deleteCount--;
  }

  /** Forget `key` (its owner was deleted). */
  delete(key: string): void {
    this.byKey.delete(key);
  }
}
