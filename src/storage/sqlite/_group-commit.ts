/**
 * Group commit: writes submitted in the same tick are applied in one transaction, so one
 * fsync covers them all; then each caller gets its own result. Under load the event loop
 * is blocked while a commit fsyncs, requests pile up meanwhile, and the next batch grows
 * by itself — throughput rises with concurrency instead of being one fsync per write.
 */
import { StoreError } from "../../machinery/index.js";

export interface GroupCommitOptions {
  /** Run `body` in one transaction and commit it durably; throw if it did not commit. */
  commit(body: () => void): void;
  /** Most writes per transaction (keeps one commit from holding the event loop too long). */
  maxBatch: number;
  /**
   * Least time between the end of one commit and the start of the next (default 0). Under
   * load, writes then gather for this long into one transaction instead of one commit per
   * event-loop turn; an idle store still commits on the next tick.
   */
  minIntervalMs?: number;
}

interface QueuedWrite {
  run(): void;
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  readonly #options: GroupCommitOptions;
  #queue: QueuedWrite[] = [];
  #scheduled = false;
  #drained: Array<() => void> = [];
  #lastCommitEnd = -Infinity;

  constructor(options: GroupCommitOptions) {
    this.#options = options;
  }

  /** Queue `write` (run inside the next batch's transaction); resolves with its result once committed. */
  submit<R>(write: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let result: { value: R } | undefined;
      this.#queue.push({
        run: () => {
          result = { value: write() };
        },
        resolve: () => (result ? resolve(result.value) : reject(new Error("write did not run"))),
        reject,
      });
      this.#schedule();
    });
  }

  /** Resolves once every write submitted so far has settled. */
  drain(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const wait = (this.#options.minIntervalMs ?? 0) - (performance.now() - this.#lastCommitEnd);
    if (wait > 0) setTimeout(() => this.#flush(), wait);
    else setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue.splice(0, this.#options.maxBatch);
    let failure: StoreError | undefined;
    try {
      this.#options.commit(() => {
        for (const w of batch) w.run();
      });
    } catch (err) {
      failure = err instanceof StoreError ? err : new StoreError("unavailable", "store write failed", { cause: err });
    }
    this.#lastCommitEnd = performance.now();
    if (this.#queue.length > 0) this.#schedule();
    for (const w of batch) {
      if (failure) w.reject(failure);
      else w.resolve();
    }
    if (this.#queue.length === 0) {
      const drained = this.#drained;
      this.#drained = [];
      for (const d of drained) d();
    }
  }
}
