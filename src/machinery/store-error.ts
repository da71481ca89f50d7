/**
 * The store's own small error language (after kine's pkg/server/types.go).
 * A lost compare-and-swap is not an error: the store returns `{ ok: false }` for it.
 * These are for the cases a caller cannot recover from by re-reading.
 */
export type StoreErrorCode = "notFound" | "exists" | "conflict" | "compacted" | "unavailable" | "tooLarge";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** For `compacted`: the oldest revision the store can still serve. */
  readonly compactRevision?: number;

  constructor(code: StoreErrorCode, message: string, options: { compactRevision?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "StoreError";
    this.code = code;
    this.compactRevision = options.compactRevision;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
