import type { KubeObject, ResourceType } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { KeyValue } from "../../storage/index.js";
import type { AdmissionAttributes } from "../admission-chain.js";
import type { ServerParts } from "../context.js";
import { groupResource } from "../names.js";
import { decodeObject, namespacePrefix, objectKey, resourcePrefix } from "../object-store.js";
import type { ResourceCache } from "../watch-cache/watch-cache.js";

/**
 * Reads for admission plugins, as current as the store: a LimitRange or quota created a
 * moment ago already applies. Upstream reads an informer lister (plus a live lookup when it
 * is empty); here the watch cache plays the lister, made consistent the way a consistent
 * LIST from the cache is (ask the store for its revision, wait until the cache has applied
 * it), so a read decodes nothing from the store. Without a cache for the resource (watch
 * cache off, still loading, or not caught up in time) the store is read instead.
 *
 * What these return is READ-ONLY: objects from the cache are decoded once and shared by
 * every request until the object changes. Copy before changing anything.
 */
export async function getStored<T extends KubeObject>(server: ServerParts, ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<T | undefined> {
  const rt = server.registry.get(ref.group, ref.version, ref.plural);
  if (!rt) return undefined;
  const key = objectKey(rt, ref.namespace ?? "", ref.name);
  const cache = await currentCache(server, rt);
  if (cache) {
    const kv = cache.get(key);
    return kv ? (sharedDecode(kv, cache) as T) : undefined;
  }
  const got = await server.store.get(key);
  return got.kv ? (decodeObject(got.kv) as T) : undefined;
}

/** Every stored object of a resource (in one namespace when it is namespaced and `namespace` is given); a new array of read-only objects. */
export async function listStored<T extends KubeObject>(server: ServerParts, ref: { group: string; version: string; plural: string; namespace?: string }): Promise<T[]> {
  const rt = server.registry.get(ref.group, ref.version, ref.plural);
  if (!rt) return [];
  const prefix = namespacePrefix(rt, ref.namespace ?? "");
  const cache = await currentCache(server, rt);
  if (cache) {
    // The common case, a namespace without any (quotas, LimitRanges): no list, no decode.
    if (!cache.hasAny(prefix)) return [];
    return cache.list(prefix).map((kv) => sharedDecode(kv, cache) as T);
  }
  const out: T[] = [];
  let start: string | undefined;
  for (;;) {
    const page = await server.store.range(prefix, { limit: 1000, ...(start ? { startKey: start } : {}) });
    for (const kv of page.kvs) if (kv.key !== start) out.push(decodeObject(kv) as T);
    if (!page.more || page.kvs.length === 0) break;
    start = page.kvs[page.kvs.length - 1].key;
  }
  return out;
}

/**
 * The resource's watch cache once it holds every write the store had acknowledged when the
 * read began; undefined when there is none or it did not catch up within its timeout.
 */
async function currentCache(server: ServerParts, rt: ResourceType): Promise<ResourceCache | undefined> {
  const caches = server.watchCache;
  const cache = caches?.resource(resourcePrefix(rt));
  if (!caches || !cache) return undefined;
  const current = await server.store.currentRevision();
  if (current > cache.revision() && !(await caches.waitFor(current))) return undefined;
  // (It may have been reset while we waited: the store lost history, or the server is stopping.)
  return cache.ready ? cache : undefined;
}

// Decoded objects, keyed by the cached KeyValue: a changed object is a new KeyValue, so an
// entry is never stale, and it goes when the cache drops the KeyValue it belongs to.
const decodedByKv = new WeakMap<KeyValue, KubeObject>();
// Resources with more objects than this (pods at scale) are decoded per read instead, so
// the shared copies stay bounded in memory.
const maxSharedPerResource = 4096;

function sharedDecode(kv: KeyValue, cache: ResourceCache): KubeObject {
  if (cache.size > maxSharedPerResource) return decodeObject(kv);
  let obj = decodedByKv.get(kv);
  if (!obj) {
    obj = decodeObject(kv);
    decodedByKv.set(kv, obj);
  }
  return obj;
}

/** admission.NewForbidden: `pods "web" is forbidden: <why>`, named after the request or the object. */
export function forbidden(attrs: AdmissionAttributes, why: string): ApiError {
  const name = attrs.name || attrs.object?.metadata.name || attrs.object?.metadata.generateName || "Unknown";
  return ApiError.forbidden(groupResource(attrs.rt), name, why);
}

/** Whether the request is for the main resource `group/plural` (no subresource). */
export function isResource(attrs: AdmissionAttributes, group: string, plural: string, subresource = ""): boolean {
  return attrs.rt.group === group && attrs.rt.plural === plural && attrs.subresource === subresource;
}

/** Go's utilerrors.NewAggregate(errs).Error(): one message alone, several in brackets. */
export function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(", ")}]`;
}
