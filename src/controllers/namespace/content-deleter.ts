import type { KubeObject, Pod } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { discoverResources, isGroupDiscoveryFailedError, type Client, type DiscoveredResource } from "../../client/index.js";
import type { DeletionReport } from "./conditions.js";

/** How long to assume an object's finalizers take, as upstream's finalizerEstimateSeconds. */
export const finalizerEstimateSeconds = 15;

export interface ContentDeletion {
  report: DeletionReport;
  /** Seconds until what remains is expected to be gone; 0 with nothing remaining means done. */
  estimateSeconds: number;
  /** Objects still in the namespace. */
  remaining: number;
}

/**
 * One pass of upstream's deleteAllContent (pkg/controller/namespace/deletion/
 * namespaced_resources_deleter.go): for every namespaced resource that can be deleted,
 * delete the namespace's objects (deletecollection, or list + delete each, always with
 * Background propagation so the garbage collector does not orphan their dependents), then
 * list again to see what remains and which finalizers hold it.
 */
export async function deleteAllContent(client: Client, ns: { name: string; deletedAtMs: number }, options: { nowMs: number; signal?: AbortSignal }): Promise<ContentDeletion> {
  const report: DeletionReport = { contentErrors: [], remaining: new Map(), finalizers: new Map() };
  let discovered: DiscoveredResource[];
  try {
    discovered = await discoverResources(client, { signal: options.signal });
  } catch (err) {
    if (!isGroupDiscoveryFailedError(err)) throw err;
    // Not fatal: empty what we can see; the namespace is not finalized while this holds.
    report.discoveryError = `Discovery failed for some groups, ${err.failures.size} failing: ${err.message}`;
    discovered = err.resources;
  }
  const deletable = discovered.filter((r) => r.namespaced && r.preferred && r.verbs.includes("delete"));

  let estimate = 0;
  let remaining = 0;
  for (const res of deletable) {
    const groupResource = `${res.resource}.${res.group}`;
    try {
      const result = await deleteResourceContent(client, res, ns, options);
      estimate = Math.max(estimate, result.estimateSeconds);
      if (result.items.length === 0) continue;
      remaining += result.items.length;
      report.remaining.set(groupResource, result.items.length);
      for (const item of result.items) for (const f of item.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      report.contentErrors.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { report, estimateSeconds: estimate, remaining };
}

async function deleteResourceContent(
  client: Client,
  res: DiscoveredResource,
  ns: { name: string; deletedAtMs: number },
  options: { nowMs: number; signal?: AbortSignal },
): Promise<{ items: KubeObject[]; estimateSeconds: number }> {
  const namespace = ns.name;
  const { signal } = options;
  const canList = res.verbs.includes("list");
  let estimate = 0;
  if (res.group === "" && res.resource === "pods" && canList) estimate = await estimatePodTermination(client, res, ns, options);

  let collectionDeleted = false;
  if (res.verbs.includes("deletecollection")) {
    try {
      await client.deleteCollection(res, { namespace, propagationPolicy: "Background", signal });
      collectionDeleted = true;
    } catch (err) {
      // Upstream treats 405 and 404 alike: the collection verb is not really there.
      if (!isApiError(err) || (err.code !== 405 && err.code !== 404)) throw err;
    }
  }
  if (!canList) return { items: [], estimateSeconds: estimate };
  if (!collectionDeleted) {
    const list = await client.list(res, { namespace, signal });
    for (const item of list.items) {
      try {
        await client.delete(res, item.metadata.name ?? "", { namespace, propagationPolicy: "Background", signal });
      } catch (err) {
        if (!isApiError(err) || (err.code !== 404 && err.code !== 405)) throw err;
      }
    }
  }

  const left = (await client.list(res, { namespace, signal })).items;
  if (left.length === 0 || estimate > 0) return { items: left, estimateSeconds: estimate };
  if (left.some((o) => (o.metadata.finalizers ?? []).length > 0)) return { items: left, estimateSeconds: finalizerEstimateSeconds };
  throw new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${res.group}/${res.version}, Resource=${res.resource}`);
}

/**
 * The longest grace period of the namespace's running pods, or 0 once that long has
 * passed since the namespace was deleted (upstream's estimateGracefulTermination).
 */
async function estimatePodTermination(client: Client, res: DiscoveredResource, ns: { name: string; deletedAtMs: number }, options: { nowMs: number; signal?: AbortSignal }): Promise<number> {
  const pods = (await client.list(res, { namespace: ns.name, signal: options.signal })).items as Pod[];
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
  }
  return options.nowMs - ns.deletedAtMs >= estimate * 1000 ? 0 : estimate;
}
