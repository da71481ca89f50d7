/** Helpers for the Store contract suite (contract.ts). */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { KeyValue, Store, StoreEvent, WriteResult } from "./store.js";

export interface ContractContext {
  newStore: () => Store | Promise<Store>;
  /** Test title → reason it is skipped for this backend. */
  skips: Map<string, string>;
}

/** One contract test: a fresh store, closed afterwards (also when the test fails). */
export function storeTest(ctx: ContractContext, title: string, body: (store: Store) => Promise<void>): void {
  const reason = ctx.skips.get(title);
  it(title, { skip: reason ?? false }, async () => {
    const store = await ctx.newStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  });
}

/** The kv of a write that must have succeeded. */
export function written(result: WriteResult): KeyValue {
  assert.ok(result.ok, "expected the write to succeed");
  return result.kv;
}

export async function mustCreate(store: Store, key: string, value: string): Promise<KeyValue> {
  return written(await store.create(key, value));
}

export async function mustUpdate(store: Store, key: string, value: string): Promise<KeyValue> {
  return written(await store.update(key, value));
}

/**
 * Write a key outside the tested prefixes and return its revision: a revision > 0 to watch
 * from (0 would mean "from now").
 */
export async function mark(store: Store): Promise<number> {
  const r = await store.update("/mark", "x");
  if (r.ok) return r.kv.modRevision;
  return (await mustCreate(store, "/mark", "x")).modRevision;
}

/** Pull the next `n` events from a watch iterator, failing after `timeoutMs`. */
export async function take(iter: AsyncIterator<StoreEvent>, n: number, timeoutMs = 5_000): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  while (out.length < n) {
    const r = await withTimeout(iter.next(), timeoutMs, `waiting for watch event ${out.length + 1} of ${n}`);
    if (r.done) assert.fail(`watch ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}

/** Resolves true if the iterator yields nothing within `ms` (it must not end either). */
export async function staysQuiet(iter: AsyncIterator<StoreEvent>, ms: number): Promise<void> {
  const next = iter.next();
  const timer = new Promise<"quiet">((resolve) => setTimeout(() => resolve("quiet"), ms));
  const r = await Promise.race([next, timer]);
  if (r !== "quiet") assert.fail(`expected no event, got ${JSON.stringify(r)}`);
  // Leave `next` pending; the caller ends the watch, which settles it.
  void next.catch(() => undefined);
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A compact, comparable view of events: "put /k=v@rev" / "delete /k@rev". */
export function describeEvents(events: readonly StoreEvent[]): string[] {
  return events.map((e) =>
    e.type === "put" ? `put ${e.kv.key}=${e.kv.value}@${e.kv.modRevision}` : `delete ${e.kv.key}@${e.kv.modRevision}`,
  );
}

/** Collect an iterator's rejection (the test fails if it never rejects). */
export async function watchError(iter: AsyncIterator<StoreEvent>, maxEvents = 1_000_000): Promise<unknown> {
  for (let i = 0; i <= maxEvents; i++) {
    try {
      const r = await withTimeout(iter.next(), 5_000, "waiting for the watch to fail");
      if (r.done) assert.fail("watch ended without an error");
    } catch (err) {
      return err;
    }
  }
  assert.fail("watch never failed");
}
