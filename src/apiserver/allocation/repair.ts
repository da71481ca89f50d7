import type { KindRegistry, KubeObject, ResourceType } from "../../api/index.js";
import type { Store } from "../../storage/index.js";
import { resourcePrefix } from "../object-store.js";
import { allocationKey, allocationsPrefix, parseOwner } from "./allocator.js";

/**
 * Run once at start, before serving (upstream's repair controllers for ClusterIPs and
 * NodePorts): frees claims whose object is gone or no longer holds the value (a crash
 * between a write and its release), and claims values that stored objects hold without
 * a claim (data written before allocation existed). Values held twice are left as they
 * are: there is nothing safe to change.
 */
export async function repairAllocations(store: Store, registry: KindRegistry): Promise<{ freed: number; claimed: number }> {
  const holders = new Map<string, ResourceType>();
  for (const rt of registry.all()) if (rt.strategy?.allocations) holders.set(resourcePrefix(rt), rt);
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
  const { kvs: claims } = await store.range(allocationsPrefix);
  const claimedKeys = new Set<string>();
  for (const kv of claims) {
    const owner = parseOwner(kv.value);
    const holder = held.get(kv.key);
    const valid = owner !== undefined && holder !== undefined && holder.uid === owner.uid;
    // A claim by an object that no longer holds the value (or no longer exists) is stale.
    if (!valid) {
      const res = await store.delete(kv.key, { expectedModRevision: kv.modRevision });
      if (res.ok) freed++;
      continue;
    }
    claimedKeys.add(kv.key);
  }
  let claimed = 0;
  for (const [key, holder] of held) {
    if (claimedKeys.has(key)) continue;
    const res = await store.create(key, JSON.stringify({ resource: holder.prefix, uid: holder.uid }));
    if (res.ok) claimed++;
  }
  return { freed, claimed };
}
