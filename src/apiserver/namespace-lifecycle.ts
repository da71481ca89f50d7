import { ApiError } from "../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission-chain.js";
import { getStored } from "./admission/_lookup.js";

/**
 * The NamespaceLifecycle admission plugin: new objects go only into namespaces that exist
 * and are not being deleted.
 */
export const namespaceLifecycle: AdmissionPlugin = {
  name: "NamespaceLifecycle",
  async validate(attrs) {
    if (attrs.operation !== "CREATE" || attrs.subresource !== "" || !attrs.rt.namespaced || !attrs.namespace) return;
    await admitNamespace(attrs, attrs.namespace);
  },
};

async function admitNamespace(attrs: AdmissionAttributes, namespace: string): Promise<void> {
  if (!attrs.server.registry.get("", "v1", "namespaces")) return;
  // From the watch cache, as current as the store (a create per pod would otherwise decode its namespace each time).
  const ns = await getStored(attrs.server, { group: "", version: "v1", plural: "namespaces", name: namespace });
  if (!ns) throw ApiError.notFound({ group: "", resource: "namespaces" }, namespace);
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  if (ns.metadata.deletionTimestamp || phase === "Terminating") {
    throw ApiError.of(
      "Forbidden",
      `${attrs.rt.plural}${attrs.rt.group ? "." + attrs.rt.group : ""} "${attrs.name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      { name: namespace, kind: "namespaces", causes: [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }] },
    );
  }
}
