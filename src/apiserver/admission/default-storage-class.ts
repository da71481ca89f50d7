/**
 * DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault): a new
 * claim that names no class (the field absent, not "") gets the default StorageClass —
 * the one annotated storageclass.kubernetes.io/is-default-class=true, the newest when
 * several are, as upstream.
 */
import type { PersistentVolumeClaim, StorageClass } from "../../api/index.js";
import { defaultStorageClassAnnotation } from "../../api/index.js";
import type { AdmissionPlugin } from "../admission-chain.js";
import { decodeObject, resourcePrefix } from "../object-store.js";

export const defaultStorageClassAdmission: AdmissionPlugin = {
  name: "DefaultStorageClass",
  async admit(attrs) {
    if (attrs.operation !== "CREATE" || attrs.subresource !== "" || attrs.rt.group !== "" || attrs.rt.plural !== "persistentvolumeclaims") return;
    const claim = attrs.object as PersistentVolumeClaim | undefined;
    if (!claim?.spec || claim.spec.storageClassName !== undefined) return;
    const rt = attrs.server.registry.get("storage.k8s.io", "v1", "storageclasses");
    if (!rt) return;
    const classes = (await attrs.server.store.range(resourcePrefix(rt))).kvs.map((kv) => decodeObject(kv) as StorageClass);
    const defaults = classes.filter((c) => c.metadata.annotations?.[defaultStorageClassAnnotation] === "true" || c.metadata.annotations?.["storageclass.beta.kubernetes.io/is-default-class"] === "true");
    if (defaults.length === 0) return;
    defaults.sort((a, b) => (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
    claim.spec.storageClassName = defaults[0]!.metadata.name;
  },
};
