/**
 * Key helpers shared by the backends. Keys are compared in ascending code-point order,
 * which is UTF-8 byte order (SQLite's BINARY collation, etcd's byte order). Kubernetes
 * keys are ASCII, where JavaScript's own `<` agrees.
 */
import { StoreError } from "../machinery/index.js";

/** etcd's default request limit (--max-request-bytes, 1.5 MiB). */
export const DEFAULT_MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

/**
 * The smallest string greater than every string that starts with `prefix`, or undefined
 * when there is none (the empty prefix): `range(prefix)` is `[prefix, prefixEnd(prefix))`.
 */
export function prefixEnd(prefix: string): string | undefined {
  let head = prefix;
  while (head.length > 0) {
    const last = lastCodePoint(head);
    head = head.slice(0, head.length - (last > 0xffff ? 2 : 1));
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return head + String.fromCodePoint(next);
    }
  }
  return undefined;
}

function lastCodePoint(s: string): number {
  const low = s.charCodeAt(s.length - 1);
  if (low >= 0xdc00 && low <= 0xdfff && s.length > 1) {
    const high = s.charCodeAt(s.length - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.codePointAt(s.length - 2)!;
  }
  return low;
}

/** The first key a range reads: `startKey` when it lies past the prefix's own start. */
export function rangeStart(prefix: string, startKey: string | undefined): string {
  return startKey !== undefined && startKey > prefix ? startKey : prefix;
}

export function checkValueSize(key: string, value: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) {
    throw new StoreError("tooLarge", `value for "${key}" is ${bytes} bytes, over the limit of ${maxBytes}`);
  }
}

/** Reading at a revision newer than the store has is retryable, as upstream's "Too large resource version". */
export function futureRevisionError(revision: number, current: number): StoreError {
  return new StoreError("unavailable", `required revision ${revision} is a future revision (current revision ${current})`);
}

export function compactedRevisionError(revision: number, compacted: number): StoreError {
  return new StoreError("compacted", `required revision ${revision} has been compacted (compacted revision ${compacted})`, {
    compactRevision: compacted,
  });
}

export function closedError(): StoreError {
  return new StoreError("unavailable", "store is closed");
}
