import { escalateCacheMutation } from "../machinery/index.js";
import type { WorkQueue } from "./workqueue.js";

/**
 * A reconcile error that retrying cannot fix (bad spec, missing permission): the key is
 * dropped from back-off and not requeued. As controller-runtime's reconcile.TerminalError.
 */
export class TerminalError extends Error {
  override readonly cause: unknown;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message);
    this.name = "TerminalError";
    this.cause = options.cause;
  }
}

export function isTerminalError(err: unknown): err is TerminalError {
  return err instanceof TerminalError;
}

/** What a controller does with one key; see STYLE.md "The controller". */
export type Reconcile = (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>;

export interface ReconcileResult {
  /** Look at this key again after this long, even if nothing changes (and reset its back-off). */
  requeueAfterMs?: number;
}

export interface RunWorkersOptions {
  /** How many keys are reconciled at once (default 1). */
  workers?: number;
  /** Ends the workers: the queue shuts down, workers finish their current key and return. */
  signal: AbortSignal;
  /** Told about every failed reconcile (for logs and events); the key is retried anyway unless terminal. */
  onError?: (key: string, err: unknown) => void;
}

/**
 * Runs `workers` loops that pop keys from `queue` and reconcile them, as a controller's
 * processNextWorkItem in client-go:
 * - success → `forget` (back-off reset); `{ requeueAfterMs }` → also `addAfter`;
 * - a throw → `addRateLimited` (exponential back-off);
 * - a `TerminalError` → `forget`, no retry.
 * Resolves when `signal` has aborted and every worker has finished its current key.
 *
 *   await runWorkers(queue, (key, signal) => reconcileDeployment(key, signal), { workers: 5, signal });
 */
export async function runWorkers(queue: WorkQueue, reconcile: Reconcile, options: RunWorkersOptions): Promise<void> {
  const { signal, onError } = options;
  const workers = Math.max(1, options.workers ?? 1);
  const onAbort = (): void => queue.shutDown();
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener("abort", onAbort, { once: true });

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (signal.aborted) {
        // Stopping: leave the key (it is level-triggered state; the next run relists).
        queue.done(key);
        return;
      }
      try {
        const result = await reconcile(key, signal);
        queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        // With the cache mutation detector (tests), writing to a cached object is a bug to fail on, not to retry.
        escalateCacheMutation(err);
        onError?.(key, err);
        if (isTerminalError(err)) queue.forget(key);
        else queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
