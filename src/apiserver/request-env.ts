import type { KubeObject, RequestEnv } from "../api/index.js";
import type { ServerParts, VerbContext } from "./context.js";
import { decodeObject, objectKey } from "./object-store.js";

/** What an entry answering a request itself gets from the server (reviews, serviceaccounts/token). */
export function requestEnv(ctx: VerbContext): RequestEnv {
  return { user: ctx.req.user, now: ctx.server.now(), get: (ref) => readObject(ctx.server, ref), tokens: ctx.server.tokens, authorizer: ctx.server.authorizer };
}

/** Reads one object straight from the store; undefined when absent or of an unknown resource. */
export async function readObject(parts: Pick<ServerParts, "store" | "registry">, ref: { group: string; version: string; plural: string; namespace?: string; name: string }): Promise<KubeObject | undefined> {
  const rt = parts.registry.get(ref.group, ref.version, ref.plural);
  if (!rt) return undefined;
  const { kv } = await parts.store.get(objectKey(rt, ref.namespace ?? "", ref.name));
  return kv ? decodeObject(kv) : undefined;
}
