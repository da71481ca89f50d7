import { ApiError } from "../machinery/index.js";
import type { VerbContext } from "./context.js";
import { decodeObject, objectKey } from "./object-store.js";

/**
 * The NamespaceLifecycle admission rule: new objects go only into namespaces that exist
 * and are not being deleted.
 */
export async function admitNamespace(ctx: VerbContext, namespace: string): Promise<void> {
  const nsType = ctx.server.registry.get("", "v1", "namespaces");
  if (!nsType) return;
  const got = await ctx.server.store.get(objectKey(nsType, "", namespace));
  if (!got.kv) throw ApiError.notFound({ group: "", resource: "namespaces" }, namespace);
  const ns = decodeObject(got.kv);
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  if (ns.metadata.deletionTimestamp || phase === "Terminating") {
    throw ApiError.of(
      "Forbidden",
      `${ctx.rt.plural}${ctx.rt.group ? "." + ctx.rt.group : ""} "${ctx.req.body && typeof ctx.req.body === "object" ? ((ctx.req.body as { metadata?: { name?: string } }).metadata?.name ?? "") : ""}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      { name: namespace, kind: "namespaces", causes: [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }] },
    );
  }
}
