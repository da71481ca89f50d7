/** The `namespaces` resource (pkg/registry/core/namespace): cluster-scoped, Active until deleted. */
import { nameIsDNSLabel } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { CustomSubresource, ResourceType } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import { core } from "./_names.js";
import type { Namespace } from "./namespace-types.js";
import { validateName } from "./_validation-helpers.js";

const asNamespace = (obj: KubeObject): Namespace => obj as Namespace;

/** The finalizer the namespace controller removes once the namespace is empty. */
export const kubernetesFinalizer = "kubernetes";

export function defaultNamespace(ns: Namespace): void {
  (ns.status ??= {}).phase ||= "Active";
  // SetDefaults_Namespace: every namespace carries its name as a label, for selectors.
  if (ns.metadata.name) ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": ns.metadata.name };
}

/** namespaces/finalize: a PUT that changes only spec.finalizers (pkg/registry/core/namespace FinalizeREST). */
const finalize: CustomSubresource = {
  kind: "Namespace",
  verbs: ["update"],
  update(parent, body) {
    const ns = structuredClone(asNamespace(parent));
    const finalizers = asNamespace(body).spec?.finalizers;
    ns.spec = { ...ns.spec, finalizers: finalizers ?? [] };
    return ns;
  },
};

export const namespacesResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  singular: "namespace",
  namespaced: false,
  shortNames: ["ns"],
  definition: core.Namespace,
  definitions: coreV1Definitions,
  subresources: { status: true, custom: { finalize } },
  strategy: {
    defaults: (obj) => defaultNamespace(asNamespace(obj)),
    validate: (obj) => validateName(obj, nameIsDNSLabel),
    fieldSelectors: { "status.phase": (o) => asNamespace(o).status?.phase ?? "" },
    table: {
      columns: [nameColumn, { name: "Status", type: "string", description: "The status of the namespace", priority: 0 }, ageColumn],
      cells: (obj, now) => [obj.metadata.name, asNamespace(obj).status?.phase ?? "", translateTimestampSince(obj.metadata.creationTimestamp, now)],
    },
    prepareForCreate(obj) {
      const ns = asNamespace(obj);
      ns.status = { phase: "Active" };
      const spec = (ns.spec ??= {});
      if (!spec.finalizers?.includes(kubernetesFinalizer)) spec.finalizers = [...(spec.finalizers ?? []), kubernetesFinalizer];
    },
    // spec.finalizers change only through namespaces/finalize; status only through /status.
    prepareForUpdate(obj, old) {
      const ns = asNamespace(obj);
      const prev = asNamespace(old);
      ns.spec = { ...ns.spec, finalizers: prev.spec?.finalizers };
      if (!prev.spec?.finalizers) delete ns.spec.finalizers;
      ns.status = prev.status;
    },
    // Deleting a namespace with spec.finalizers turns it Terminating; the namespace
    // controller empties it and removes "kubernetes" through namespaces/finalize.
    onDelete(obj) {
      const ns = structuredClone(asNamespace(obj));
      if (!ns.spec?.finalizers?.length) return undefined;
      ns.status = { ...ns.status, phase: "Terminating" };
      return ns;
    },
    readyToDelete: (obj) => !asNamespace(obj).spec?.finalizers?.length,
  },
};
