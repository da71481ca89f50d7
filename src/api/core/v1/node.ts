/** The `nodes` resource (pkg/registry/core/node): cluster-scoped; the kubelet reports status. */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { coreV1Definitions } from "./definitions.js";
import { nodeProxy } from "./connect.js";
import { core } from "./_names.js";
import { nodeTable } from "./node-table.js";
import type { Node } from "./node-types.js";
import { supported, validateName } from "./_validation-helpers.js";

const asNode = (obj: KubeObject): Node => obj as Node;

export const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function defaultNode(node: Node): void {
  const spec = (node.spec ??= {});
  if (spec.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
  // SetDefaults_NodeStatus: allocatable defaults to capacity.
  if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity };
}

export function validateNode(node: Node, old: Node | undefined): FieldError[] {
  const errs = validateName(node);
  (node.spec?.taints ?? []).forEach((t, i) => {
    if (!t.key) errs.push(fieldError.required(`spec.taints[${i}].key`));
    if (!t.effect) errs.push(fieldError.required(`spec.taints[${i}].effect`));
    else errs.push(...supported(`spec.taints[${i}].effect`, t.effect, taintEffects));
  });
  const oldCIDRs = old?.spec?.podCIDRs ?? [];
  if (oldCIDRs.length && JSON.stringify(oldCIDRs) !== JSON.stringify(node.spec?.podCIDRs ?? [])) {
    errs.push(fieldError.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
  }
  return errs;
}

export const nodesResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Node",
  plural: "nodes",
  singular: "node",
  namespaced: false,
  shortNames: ["no"],
  definition: core.Node,
  definitions: coreV1Definitions,
  subresources: { status: true, connect: { proxy: nodeProxy } },
  strategy: {
    defaults: (obj) => defaultNode(asNode(obj)),
    validate: (obj, old) => validateNode(asNode(obj), old && asNode(old)),
    table: nodeTable,
    keepStatusOnCreate: true,
    fieldSelectors: { "spec.unschedulable": (o) => String(asNode(o).spec?.unschedulable === true) },
  },
};
