import type { KubeObject } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { AdmissionAttributes } from "../admission-chain.js";
import type { ServerParts } from "../context.js";
import { groupResource } from "../names.js";
import { decodeObject, namespacePrefix, objectKey } from "../object-store.js";

/**
 * Reads for admission plugins. They read the store directly (a live lookup, always
 * current) rather than an informer cache, so a LimitRange or quota created a moment ago
 * already applies.
 */
export async function getStored<T extends KubeObject>(server: ServerParts, ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<T | undefined> {
  const rt = server.registry.get(ref.group, ref.version, ref.plural);
  if (!rt) return undefined;
  const got = await server.store.get(objectKey(rt, ref.namespace ?? "", ref.name));
  return got.kv ? (decodeObject(got.kv) as T) : undefined;
}

/** Every stored object of a resource (in one namespace when it is namespaced and `namespace` is given). */
export async function listStored<T extends KubeObject>(server: ServerParts, ref: { group: string; version: string; plural: string; namespace?: string }): Promise<T[]> {
  const rt = server.registry.get(ref.group, ref.version, ref.plural);
  if (!rt) return [];
  const out: T[] = [];
  const prefix = namespacePrefix(rt, ref.namespace ?? "");
  let start: string | undefined;
  for (;;) {
    const page = await server.store.range(prefix, { limit: 1000, ...(start ? { startKey: start } : {}) });
    for (const kv of page.kvs) if (kv.key !== start) out.push(decodeObject(kv) as T);
    if (!page.more || page.kvs.length === 0) break;
    start = page.kvs[page.kvs.length - 1].key;
  }
  return out;
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
