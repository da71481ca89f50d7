/**
 * The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction): a node
 * may change only its own Node object and Lease, update the status of pods bound to it,
 * evict or delete only those pods, and create only mirror pods bound to itself.
 */
import type { KubeObject, Pod } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { nodeIdentity } from "./node-authorizer.js";

const mirrorAnnotation = "kubernetes.io/config.mirror";

function refuse(attrs: AdmissionAttributes, why: string): ApiError {
  return ApiError.forbidden({ group: attrs.rt.group, resource: attrs.rt.plural }, attrs.name, why);
}

function admitPod(node: string, attrs: AdmissionAttributes): void {
  const nodeOf = (o: KubeObject | undefined) => (o as Pod | undefined)?.spec?.nodeName ?? "";
  switch (attrs.subresource) {
    case "":
      if (attrs.operation === "CREATE") {
        const pod = attrs.object as Pod;
        if (!pod.metadata.annotations?.[mirrorAnnotation]) throw refuse(attrs, `pod does not have "${mirrorAnnotation}" annotation, node "${node}" can only create mirror pods`);
        if (nodeOf(pod) !== node) throw refuse(attrs, `node "${node}" can only create pods with spec.nodeName set to itself`);
        if (pod.metadata.ownerReferences?.length) throw refuse(attrs, `node "${node}" can only create pods with an owner reference set to itself`);
        if (pod.spec?.serviceAccountName) throw refuse(attrs, `node "${node}" can not create pods that reference a service account`);
        return;
      }
      if (attrs.operation === "DELETE") {
        if (attrs.oldObject && nodeOf(attrs.oldObject) !== node) throw refuse(attrs, `node "${node}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw refuse(attrs, `unexpected operation "${attrs.operation}", node "${node}" can only create and delete mirror pods`);
    case "status":
      if (attrs.operation !== "UPDATE") throw refuse(attrs, `unexpected operation "${attrs.operation}"`);
      if (nodeOf(attrs.oldObject) !== node) throw refuse(attrs, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      return;
    case "eviction":
      if (attrs.oldObject && nodeOf(attrs.oldObject) !== node) throw refuse(attrs, `node "${node}" can only evict pods with spec.nodeName set to itself`);
      return;
    default:
      throw refuse(attrs, `unexpected subresource "${attrs.subresource}"`);
  }
}

function admitNode(node: string, attrs: AdmissionAttributes): void {
  const requested = attrs.object?.metadata.name ?? attrs.oldObject?.metadata.name ?? attrs.name;
  if (requested !== node) throw refuse(attrs, `node "${node}" is not allowed to modify node "${requested}"`);
}

export const nodeRestrictionPlugin: AdmissionPlugin = {
  name: "NodeRestriction",
  validate(attrs) {
    const { isNode, name: node } = nodeIdentity(attrs.user);
    if (!isNode) return;
    if (!node) throw refuse(attrs, `could not determine node from user "${attrs.user?.username ?? ""}"`);
    if (attrs.rt.group === "" && attrs.rt.plural === "pods") return admitPod(node, attrs);
    if (attrs.rt.group === "" && attrs.rt.plural === "nodes") return admitNode(node, attrs);
    if (attrs.rt.group === "coordination.k8s.io" && attrs.rt.plural === "leases" && attrs.operation === "CREATE") {
      if (attrs.object?.metadata.name !== node) throw refuse(attrs, "can only access node lease with the same name as the requesting node");
    }
  },
};
