import type { KeyValue, Store, StoreEvent } from "../storage/index.js";
import type { KubeObject, ResourceType } from "../api/index.js";

/**
 * The typed face of the Store for one resource: keys, encoding, and
 * `metadata.resourceVersion` as the store's revision, everywhere.
 *
 * Keys: /registry/<group or "core">/<plural>/<namespace>/<name> (namespaced) and
 * /registry/<group or "core">/<plural>/<name> (cluster-scoped). The stored JSON has no
 * resourceVersion; it is stamped from the key's modRevision when read.
 */
export function resourcePrefix(rt: ResourceType): string {
  return `/registry/${rt.group || "core"}/${rt.plural}/`;
}

export function namespacePrefix(rt: ResourceType, namespace: string): string {
  return rt.namespaced && namespace ? `${resourcePrefix(rt)}${namespace}/` : resourcePrefix(rt);
}

export function objectKey(rt: ResourceType, namespace: string, name: string): string {
  return rt.namespaced ? `${resourcePrefix(rt)}${namespace}/${name}` : `${resourcePrefix(rt)}${name}`;
}

export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: meta });
}

export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** A watch event's object: deletes carry the last value stamped with the delete's revision. */
export function decodeEvent(ev: StoreEvent): { type: "put" | "delete"; object: KubeObject; prev?: KubeObject } {
  const object = decodeObject(ev.kv);
  const prev = ev.prev ? decodeObject(ev.prev) : undefined;
  return { type: ev.type, object, prev };
}

export type { Store };
