/** `kubectl get nodes` columns and cells, after printNode in pkg/printers/internalversion. */
import type { KubeObject } from "../../object.js";
import type { TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import type { Node } from "./node-types.js";

const rolePrefix = "node-role.kubernetes.io/";

/** findNodeRoles: node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(rolePrefix) && k.length > rolePrefix.length) roles.add(k.slice(rolePrefix.length));
    else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  return [...roles].sort();
}

export function nodeStatusText(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
  const status = ready ? [ready.status === "True" ? "Ready" : "NotReady"] : ["Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

const address = (node: Node, type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address || "<none>";

export const nodeTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Status", type: "string", description: "The status of the node", priority: 0 },
    { name: "Roles", type: "string", description: "The roles of the node", priority: 0 },
    ageColumn,
    { name: "Version", type: "string", description: "Kubelet Version reported by the node.", priority: 0 },
    { name: "Internal-IP", type: "string", description: "List of addresses reachable to the node. Queried from cloud provider, if available.", priority: 1 },
    { name: "External-IP", type: "string", description: "List of addresses reachable to the node. Queried from cloud provider, if available.", priority: 1 },
    { name: "OS-Image", type: "string", description: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority: 1 },
    { name: "Kernel-Version", type: "string", description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1 },
    { name: "Container-Runtime", type: "string", description: "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", priority: 1 },
  ],
  cells(obj: KubeObject, now: Date) {
    const node = obj as Node;
    const roles = nodeRoles(node);
    const info = node.status?.nodeInfo;
    return [
      node.metadata.name,
      nodeStatusText(node),
      roles.length ? roles.join(",") : "<none>",
      translateTimestampSince(node.metadata.creationTimestamp, now),
      info?.kubeletVersion ?? "",
      address(node, "InternalIP"),
      address(node, "ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
};
