/**
 * The `pods` resource: strategy after pkg/registry/core/pod/strategy.go, the `binding`
 * subresource after pkg/registry/core/pod/storage (BindingREST) and `eviction` after
 * pkg/registry/core/pod/storage/eviction.go (PodDisruptionBudgets: policy/v1 eviction-guard.ts).
 */
import { evictionGuard } from "../../policy/v1/eviction-guard.js";
import { ApiError, fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { CustomSubresource, ResourceType } from "../../resource-type.js";
import { coreV1Definitions } from "./definitions.js";
import { podAttach, podExec, podLog, podPortForward } from "./connect.js";
import { core } from "./_names.js";
import { defaultPod } from "./pod-defaults.js";
import { podQOSClass } from "./pod-qos.js";
import { podTable } from "./pod-table.js";
import type { Pod, PodCondition } from "./pod-types.js";
import { validatePod } from "./pod-validation.js";
import type { Binding, Eviction } from "./reference-types.js";

const asPod = (obj: KubeObject): Pod => obj as Pod;

const successStatus = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };

/** api.UpdatePodCondition: set a condition, touching lastTransitionTime only when its status changes. */
export function setPodCondition(pod: Pod, condition: PodCondition, now = new Date()): void {
  const status = (pod.status ??= {});
  const conditions = (status.conditions ??= []);
  const at = now.toISOString().replace(/\.\d+Z$/, "Z");
  const existing = conditions.find((c) => c.type === condition.type);
  if (!existing) {
    conditions.push({ lastTransitionTime: at, ...condition });
    return;
  }
  if (existing.status !== condition.status) existing.lastTransitionTime = at;
  Object.assign(existing, condition);
}

const binding: CustomSubresource = {
  kind: "Binding",
  verbs: ["create"],
  create(parent, body) {
    const pod = structuredClone(asPod(parent));
    const b = body as Binding;
    const name = pod.metadata.name ?? "";
    if (b.metadata?.name && b.metadata.name !== name) throw ApiError.badRequest("name in URL does not match name in Binding object");
    const errs: FieldError[] = [];
    if (!b.target?.name) errs.push(fieldError.required("target.name"));
    if (b.target?.kind && b.target.kind !== "Node") errs.push(fieldError.notSupported("target.kind", b.target.kind, ["Node", "<empty>"]));
    if (errs.length) throw ApiError.invalid({ group: "", kind: "Binding" }, name, errs);
    const bindingResource = { group: "", resource: "pods/binding" };
    if (pod.metadata.deletionTimestamp) throw ApiError.conflict(bindingResource, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw ApiError.conflict(bindingResource, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    (pod.spec ??= { containers: [] }).nodeName = b.target.name;
    if (b.metadata?.annotations) pod.metadata.annotations = { ...pod.metadata.annotations, ...b.metadata.annotations };
    setPodCondition(pod, { type: "PodScheduled", status: "True" });
    return { action: "update", object: pod, response: successStatus };
  },
};

const eviction: CustomSubresource = {
  kind: "Eviction",
  group: "policy",
  version: "v1",
  verbs: ["create"],
  create(parent, body) {
    const e = body as Eviction;
    if (e.metadata?.name && e.metadata.name !== parent.metadata.name) throw ApiError.badRequest("name in URL does not match name in Eviction object");
    return { action: "delete", gracePeriodSeconds: e.deleteOptions?.gracePeriodSeconds, response: successStatus };
  },
  guard: evictionGuard,
};

export const podsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Pod",
  plural: "pods",
  singular: "pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  definition: core.Pod,
  definitions: coreV1Definitions,
  subresources: { status: true, custom: { binding, eviction }, connect: { log: podLog, exec: podExec, attach: podAttach, portforward: podPortForward } },
  strategy: {
    defaults: (obj) => defaultPod(asPod(obj)),
    validate: (obj, old, ctx) => validatePod(asPod(obj), old && asPod(old), ctx.subresource),
    table: podTable,
    tracksGeneration: true,
    fieldSelectors: {
      "spec.nodeName": (o) => asPod(o).spec?.nodeName ?? "",
      "spec.restartPolicy": (o) => asPod(o).spec?.restartPolicy ?? "",
      "spec.schedulerName": (o) => asPod(o).spec?.schedulerName ?? "",
      "spec.serviceAccountName": (o) => asPod(o).spec?.serviceAccountName ?? "",
      "spec.hostNetwork": (o) => String(asPod(o).spec?.hostNetwork === true),
      "status.phase": (o) => asPod(o).status?.phase ?? "",
      "status.podIP": (o) => asPod(o).status?.podIPs?.[0]?.ip ?? asPod(o).status?.podIP ?? "",
      "status.nominatedNodeName": (o) => asPod(o).status?.nominatedNodeName ?? "",
    },
    prepareForCreate(obj) {
      // The service account, priority and default tolerations come from the admission chain
      // (src/apiserver/admission: ServiceAccount, Priority, DefaultTolerationSeconds).
      const pod = asPod(obj);
      pod.status = { phase: "Pending", qosClass: podQOSClass(pod.spec ?? { containers: [] }) };
    },
    prepareForUpdate(obj, old) {
      // Spec changes are refused by validation; status is only written through /status.
      asPod(obj).status = asPod(old).status;
    },
    gracePeriod(obj, requested) {
      const pod = asPod(obj);
      let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
      if (!pod.spec?.nodeName) period = 0;
      if (pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded") period = 0;
      return period < 0 ? 1 : period;
    },
  },
};
