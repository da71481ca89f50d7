/**
 * Per-pod scratch space for one scheduling cycle: PreFilter/PreScore write what they
 * computed once, Filter/Score read it for every node (upstream's CycleState). Keys are
 * plugin-chosen strings, conventionally "PreFilter<Plugin>".
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter/PreScore returned Skip in this cycle. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  /** The value written under `key`; `undefined` when none. Typed by the reader, who wrote it. */
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** A shallow copy (values are treated as immutable once written). */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v);
    for (const p of this.skipFilter) c.skipFilter.add(p);
    for (const p of this.skipScore) c.skipScore.add(p);
    return c;
  }
}
