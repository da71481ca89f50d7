import type { KubeObject, RequestEnv } from "../api/index.js";
import { ApiError } from "../machinery/index.js";
import type { ServerParts, VerbContext } from "./context.js";
import { groupResource } from "./names.js";
import { decodeObject, encodeObject, namespacePrefix, objectKey } from "./object-store.js";
import { isDryRun } from "./query.js";

/** What an entry answering a request itself gets from the server (reviews, serviceaccounts/token, eviction's guard). */
export function requestEnv(ctx: VerbContext): RequestEnv {
  const parts = ctx.server;
  return {
    user: ctx.req.user,
    now: parts.now(),
    get: (ref) => readObject(parts, ref),
    tokens: parts.tokens,
    authorizer: parts.authorizer,
    dryRun: isDryRun(ctx.req.query),
    async list(ref) {
      const rt = parts.registry.get(ref.group, ref.version, ref.plural);
      if (!rt) return [];
      return (await parts.store.range(namespacePrefix(rt, ref.namespace ?? ""))).kvs.map(decodeObject);
    },
    async updateStatus(ref, obj) {
      // A status write with a compare-and-swap on the revision read: the caller retries on 409.
      const rt = parts.registry.get(ref.group, ref.version, ref.plural);
      if (!rt) throw ApiError.notFound({ group: ref.group, resource: ref.plural }, obj.metadata.name ?? "");
      const key = objectKey(rt, obj.metadata.namespace ?? "", obj.metadata.name ?? "");
      const res = await parts.store.update(key, encodeObject(obj), { expectedModRevision: Number(obj.metadata.resourceVersion) });
      if (!res.ok) throw ApiError.conflict(groupResource(rt), obj.metadata.name ?? "", "the object has been modified; please apply your changes to the latest version and try again");
      return decodeObject(res.kv);
    },
  };
}

/** Reads one object straight from the store; undefined when absent or of an unknown resource. */
export async function readObject(parts: Pick<ServerParts, "store" | "registry">, ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<KubeObject | undefined> {
  const rt = parts.registry.get(ref.group, ref.version, ref.plural);
  if (!rt) return undefined;
  const { kv } = await parts.store.get(objectKey(rt, ref.namespace ?? "", ref.name));
  return kv ? decodeObject(kv) : undefined;
}
