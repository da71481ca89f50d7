/**
 * The cache mutation detector, as client-go's KUBE_CACHE_MUTATION_DETECTOR
 * (tools/cache/mutation_detector.go): objects that informers and watchers share are
 * read-only by contract, and with `K8TS_CACHE_MUTATION_DETECTOR=1` (set for test runs by
 * scripts/run-tests.mjs, never in production) they are deep-frozen once, so code that
 * writes to one throws a TypeError at the write (ESM is strict mode). Where such an
 * error would otherwise be swallowed (informer handlers, reconcile retries), it is
 * rethrown as an uncaught exception, so the test process fails as upstream's panics.
 *
 * Upstream compares a copy of every cached object with the original on a timer; freezing
 * names the writer instead of the victim, and costs nothing when off.
 */

/** Whether this process runs with the detector (read once, at load). */
export const cacheMutationDetectorEnabled: boolean = ["1", "true"].includes(process.env.K8TS_CACHE_MUTATION_DETECTOR ?? "");

/**
 * Freezes `value` and everything reachable from it; returns it. Stops at what is frozen
 * already: only this function freezes shared objects, so a frozen object's children are
 * frozen too, and freezing an event a second time (the next watcher's) costs one check.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

const frozenWrite = /^Cannot (assign to read only property|add property .*, object is not extensible|delete property|redefine property|define property)/;

/** A TypeError from writing to a frozen object: with the detector on, a shared object was mutated. */
export function isCacheMutationError(err: unknown): boolean {
  return err instanceof TypeError && frozenWrite.test(err.message);
}

/**
 * For code that catches everything (handler calls, reconcile loops): with the detector on,
 * a mutation of a shared object is not an error to retry but a bug, so it escapes as an
 * uncaught exception (the test process fails with the writer's stack).
 */
export function escalateCacheMutation(err: unknown): void {
  if (!cacheMutationDetectorEnabled || !isCacheMutationError(err)) return;
  const escaped = new Error(`cache mutation detected: a shared (informer/watch cache) object was modified; copy it before changing it: ${(err as Error).message}`, { cause: err });
  escaped.stack = `${escaped.message}\n${(err as Error).stack ?? ""}`;
  setImmediate(() => {
    throw escaped;
  });
}
