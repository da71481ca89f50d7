/**
 * Per-key version lists for MemoryStore, with the keys kept sorted so ranges walk them in
 * order. A version is the event that wrote it (a delete is a tombstone), shared with the
 * store's event log, so history costs one object per revision.
 */
import type { KeyValue, StoreEvent } from "../store.js";

export class KeyVersions {
  /** Every key with a retained version, ascending. */
  #keys: string[] = [];
  /** Versions per key, ascending by modRevision. */
  readonly #byKey = new Map<string, StoreEvent[]>();

  latest(key: string): KeyValue | undefined {
    const versions = this.#byKey.get(key);
    const last = versions?.[versions.length - 1];
    return last && last.type === "put" ? last.kv : undefined;
  }

  /** The key's value as of `revision`, or undefined if it did not exist then. */
  at(key: string, revision: number): KeyValue | undefined {
    const versions = this.#byKey.get(key);
    if (!versions) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i]!;
      if (v.kv.modRevision <= revision) return v.type === "put" ? v.kv : undefined;
    }
    return undefined;
  }

  /** Keys >= `start`, ascending. */
  *keysFrom(start: string): Generator<string> {
    for (let i = lowerBound(this.#keys, start); i < this.#keys.length; i++) yield this.#keys[i]!;
  }

  append(event: StoreEvent): void {
    const key = event.kv.key;
    const versions = this.#byKey.get(key);
    if (versions) {
      versions.push(event);
      return;
    }
    this.#byKey.set(key, [event]);
    this.#keys.splice(lowerBound(this.#keys, key), 0, key);
  }

  /** Drop versions superseded at or before `revision`, and tombstones at or before it. */
  compact(revision: number): void {
    let dropped = false;
    for (const [key, versions] of this.#byKey) {
      let keep = versions.length - 1;
      while (keep > 0 && versions[keep]!.kv.modRevision > revision) keep--;
      // `keep` is now the newest version <= revision (or 0 when all are newer).
      let from = versions[keep]!.kv.modRevision <= revision ? keep : 0;
      if (from < versions.length && versions[from]!.type === "delete" && versions[from]!.kv.modRevision <= revision) from++;
      if (from === 0) continue;
      if (from === versions.length) {
        this.#byKey.delete(key);
        dropped = true;
      } else {
        versions.splice(0, from);
      }
    }
    if (dropped) this.#keys = this.#keys.filter((k) => this.#byKey.has(k));
  }
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
