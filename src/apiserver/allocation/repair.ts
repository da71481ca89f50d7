import type { KindRegistry, KubeObject, ResourceType } from "../../api/index.js";
import type { KeyValue, Store } from "../../storage/index.js";
import { resourcePrefix } from "../object-store.js";
import { allocationKey, allocationsPrefix, parseOwner } from "./allocator.js";

/**
 * Run once at start, before serving (upstream's repair controllers for ClusterIPs and
 * NodePorts): frees claims whose object is gone or no longer holds the value (a crash
 * between a write and its release), and claims values that stored objects hold without
 * a claim (data written before allocation existed). Values held twice are left as they
 * are: there is nothing safe to change.
 *
 * With several API servers on one store, another server may be between a claim and the
 * write of its object: claims are read before objects (so one whose object is written
 * meanwhile is seen as held), and with `leakGraceMs` > 0 an unheld claim is freed only
 * if it is still unheld and unchanged that long after (upstream's repair, too, frees a
 * leak only after seeing it on several passes). Those frees happen in the background;
 * the returned `freed` counts only what was freed at once.
 */
export async function repairAllocations(
  store: Store,
  registry: KindRegistry,
  options: { leakGraceMs?: number; signal?: AbortSignal } = {},
): Promise<{ freed: number; claimed: number }> {
  const holders = new Map<string, ResourceType>();
  for (const rt of registry.all()) if (rt.strategy?.allocations) holders.set(resourcePrefix(rt), rt);
  const { kvs: claims } = await store.range(allocationsPrefix);
  // What each object holds, by uid, for every resource that allocates.
  const held = new Map<string, { uid: string; prefix: string }>();
  for (const [prefix, rt] of holders) {
    const { kvs } = await store.range(prefix);
    for (const kv of kvs) {
      const obj = JSON.parse(kv.value) as KubeObject;
      const uid = obj.metadata.uid ?? "";
      for (const a of rt.strategy!.allocations!(obj)) held.set(allocationKey(a.pool, a.value), { uid, prefix });
    }
  }
  let freed = 0;
  const claimedKeys = new Set<string>();
  const suspects: typeof claims = [];
  for (const kv of claims) {
    const owner = parseOwner(kv.value);
    const holder = held.get(kv.key);
    const valid = owner !== undefined && holder !== undefined && holder.uid === owner.uid;
    // A claim by an object that no longer holds the value (or no longer exists) is stale.
    if (!valid) {
      if ((options.leakGraceMs ?? 0) > 0) {
        suspects.push(kv);
        claimedKeys.add(kv.key);
        continue;
      }
      const res = await store.delete(kv.key, { expectedModRevision: kv.modRevision });
      if (res.ok) freed++;
      continue;
    }
    claimedKeys.add(kv.key);
  }
  if (suspects.length > 0) {
    const timer = setTimeout(() => {
      void freeIfStillLeaked(store, registry, suspects).catch((err: unknown) => console.error("k8ts apiserver: allocation repair:", err));
    }, options.leakGraceMs);
    timer.unref();
    options.signal?.addEventListener("abort", () => clearTimeout(timer), { once: true });
  }
  let claimed = 0;
  for (const [key, holder] of held) {
    if (claimedKeys.has(key)) continue;
    const res = await store.create(key, JSON.stringify({ resource: holder.prefix, uid: holder.uid }));
    if (res.ok) claimed++;
  }
  return { freed, claimed };
}

/** The second look at claims that were unheld: free those still unheld and unchanged. */
async function freeIfStillLeaked(store: Store, registry: KindRegistry, suspects: KeyValue[]): Promise<number> {
  const held = new Map<string, string>();
  for (const rt of registry.all()) {
    const allocations = rt.strategy?.allocations;
    if (!allocations) continue;
    const { kvs } = await store.range(resourcePrefix(rt));
    for (const kv of kvs) {
      const obj = JSON.parse(kv.value) as KubeObject;
      for (const a of allocations(obj)) held.set(allocationKey(a.pool, a.value), obj.metadata.uid ?? "");
    }
  }
  let freed = 0;
  for (const kv of suspects) {
    const owner = parseOwner(kv.value);
    if (owner !== undefined && held.get(kv.key) === owner.uid) continue;
    const res = await store.delete(kv.key, { expectedModRevision: kv.modRevision });
    if (res.ok) freed++;
  }
  return freed;
}
