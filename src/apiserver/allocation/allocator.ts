import { randomInt } from "node:crypto";
import type { Allocation, Allocator, ClaimResult } from "../../api/index.js";
import type { Store } from "../../storage/index.js";
import type { AllocationPool } from "./pools.js";

/** Where claims live: one key per held value, so create-if-absent makes a claim atomic. */
export const allocationsPrefix = "/registry/allocations/";

export function allocationKey(pool: string, value: string): string {
  return `${allocationsPrefix}${pool}/${value}`;
}

/** Who holds a value: the resource's key prefix and the object's uid (the name may not be final yet: generateName). */
export interface AllocationOwner {
  resource: string;
  uid: string;
}

export function parseOwner(value: string): AllocationOwner | undefined {
  try {
    const o = JSON.parse(value) as Partial<AllocationOwner>;
    return typeof o.resource === "string" && typeof o.uid === "string" ? { resource: o.resource, uid: o.uid } : undefined;
  } catch {
    return undefined;
  }
}

/** How many random picks claimNext tries before it reads the whole pool to find a free value. */
const randomProbes = 16;

/**
 * The Allocator one write gets: claims are recorded so the write can give them back
 * (`rollback`) when it fails. A dry run only looks: nothing is written.
 */
export class WriteAllocator implements Allocator {
  /** Values claimed by this write (not those the object already held). */
  readonly claimed: Allocation[] = [];
  private readonly store: Store;
  private readonly pools: ReadonlyMap<string, AllocationPool>;
  private readonly owner: AllocationOwner;
  private readonly dryRun: boolean;

  constructor(options: { store: Store; pools: ReadonlyMap<string, AllocationPool>; owner: AllocationOwner; dryRun: boolean }) {
    this.store = options.store;
    this.pools = options.pools;
    this.owner = options.owner;
    this.dryRun = options.dryRun;
  }

  has(pool: string): boolean {
    return this.pools.has(pool);
  }

  range(pool: string): string {
    return this.poolOf(pool).range;
  }

  async claim(pool: string, value: string): Promise<ClaimResult> {
    const p = this.poolOf(pool);
    if (p.indexOf(value) === undefined) return { ok: false, reason: p.notInRange(value) };
    return (await this.take(pool, value)) ? { ok: true } : { ok: false, reason: p.alreadyAllocated };
  }

  async claimNext(pool: string): Promise<string | undefined> {
    const p = this.poolOf(pool);
    // Dynamic values come from above the static band while there is room there.
    const dynamic = p.size - p.staticBand;
    for (let i = 0; i < randomProbes && dynamic > 0; i++) {
      const value = p.valueAt(p.staticBand + randomInt(dynamic));
      if (await this.take(pool, value)) return value;
    }
    const held = await this.held(pool);
    const order = [...range(p.staticBand, p.size), ...range(0, p.staticBand)];
    for (const i of order) {
      const value = p.valueAt(i);
      if (!held.has(value) && (await this.take(pool, value))) return value;
    }
    return undefined;
  }

  /** Gives back what this write claimed (the write failed or was refused). */
  async rollback(): Promise<void> {
    const claimed = this.claimed.splice(0);
    await releaseAllocations(this.store, claimed, this.owner.uid);
  }

  private poolOf(pool: string): AllocationPool {
    const p = this.pools.get(pool);
    if (!p) throw new Error(`allocation pool "${pool}" is not configured`);
    return p;
  }

  private async held(pool: string): Promise<Set<string>> {
    const prefix = `${allocationsPrefix}${pool}/`;
    const { kvs } = await this.store.range(prefix);
    return new Set(kvs.map((kv) => kv.key.slice(prefix.length)));
  }

  /** Create-if-absent; a value this object already holds counts as taken by it. */
  private async take(pool: string, value: string): Promise<boolean> {
    const key = allocationKey(pool, value);
    if (this.dryRun) {
      const got = await this.store.get(key);
      return !got.kv || parseOwner(got.kv.value)?.uid === this.owner.uid;
    }
    const res = await this.store.create(key, JSON.stringify(this.owner));
    if (res.ok) {
      this.claimed.push({ pool, value });
      return true;
    }
    return res.current !== undefined && parseOwner(res.current.value)?.uid === this.owner.uid;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** Frees values held by the object with `uid`; a value someone else holds now is left alone. */
export async function releaseAllocations(store: Store, allocations: Allocation[], uid: string): Promise<void> {
  for (const { pool, value } of allocations) {
    const key = allocationKey(pool, value);
    const got = await store.get(key);
    if (!got.kv || parseOwner(got.kv.value)?.uid !== uid) continue;
    await store.delete(key, { expectedModRevision: got.kv.modRevision });
  }
}
