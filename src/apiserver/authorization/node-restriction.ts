/**
 * The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction): a node
 * may change only its own Node object and Lease, update the status of pods bound to it,
 * evict or delete only those pods, and create only mirror pods bound to itself.
 */
import type { KubeObject, Node, Pod } from "../../api/index.js";
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

/** Labels a kubelet may set in the kubernetes.io and k8s.io namespaces (kubeletapis.IsKubeletLabel). */
const kubeletLabels = new Set([
  "kubernetes.io/hostname",
  "kubernetes.io/arch",
  "kubernetes.io/os",
  "beta.kubernetes.io/arch",
  "beta.kubernetes.io/os",
  "beta.kubernetes.io/instance-type",
  "node.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
]);
const kubeletLabelNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

function labelNamespace(key: string): string {
  const slash = key.indexOf("/");
  return slash < 0 ? "" : key.slice(0, slash);
}

const inDomain = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);

/** getForbiddenLabels: node-restriction.kubernetes.io labels, and kubernetes.io/k8s.io labels that are not the kubelet's own. */
export function forbiddenNodeLabels(keys: Iterable<string>): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const ns = labelNamespace(key);
    if (inDomain(ns, "node-restriction.kubernetes.io")) out.push(key);
    else if ((inDomain(ns, "kubernetes.io") || inDomain(ns, "k8s.io")) && !kubeletLabels.has(key) && !kubeletLabelNamespaces.some((d) => inDomain(ns, d))) out.push(key);
  }
  return [...new Set(out)].sort();
}

function modifiedLabels(next: Record<string, string> | undefined, old: Record<string, string> | undefined): string[] {
  const a = next ?? {};
  const b = old ?? {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
}

function admitNode(node: string, attrs: AdmissionAttributes): void {
  const next = attrs.object as Node | undefined;
  const old = attrs.oldObject as Node | undefined;
  if (attrs.operation === "CREATE" && next) {
    if (next.spec?.configSource) throw refuse(attrs, `node "${node}" is not allowed to create pods with a non-nil configSource`);
    const forbidden = forbiddenNodeLabels(Object.keys(next.metadata.labels ?? {}));
    if (forbidden.length) throw refuse(attrs, `node "${node}" is not allowed to set the following labels: ${forbidden.join(", ")}`);
  }
  const requested = next?.metadata.name ?? old?.metadata.name ?? attrs.name;
  if (requested !== node) throw refuse(attrs, `node "${node}" is not allowed to modify node "${requested}"`);
  if (attrs.operation === "UPDATE" && next && old && attrs.subresource === "") {
    if (JSON.stringify(next.spec?.configSource ?? null) !== JSON.stringify(old.spec?.configSource ?? null)) throw refuse(attrs, `node "${node}" is not allowed to update configSource`);
    if (JSON.stringify(next.spec?.taints ?? []) !== JSON.stringify(old.spec?.taints ?? [])) throw refuse(attrs, `node "${node}" is not allowed to modify taints`);
    const forbidden = forbiddenNodeLabels(modifiedLabels(next.metadata.labels, old.metadata.labels));
    if (forbidden.length) throw refuse(attrs, `node "${node}" is not allowed to modify labels: ${forbidden.join(", ")}`);
  }
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
