/** `kubectl get services` columns and cells, after printService in pkg/printers/internalversion. */
import type { KubeObject } from "../../object.js";
import type { TableConvertor } from "../../resource-type.js";
import { ageColumn, formatLabels, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import type { Service } from "./service-types.js";

function externalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "ExternalName":
      return spec.externalName ?? "";
    case "LoadBalancer": {
      const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((s) => s);
      const all = [...ips, ...external];
      return all.length ? all.join(",") : "<pending>";
    }
    default:
      return "<unknown>";
  }
}

function ports(svc: Service): string {
  const list = (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`));
  return list.length ? list.join(",") : "<none>";
}

export const serviceTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Type", type: "string", description: "type determines how the Service is exposed.", priority: 0 },
    { name: "Cluster-IP", type: "string", description: "clusterIP is the IP address of the service and is usually assigned randomly.", priority: 0 },
    { name: "External-IP", type: "string", description: "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.", priority: 0 },
    { name: "Port(s)", type: "string", description: "The list of ports that are exposed by this service.", priority: 0 },
    ageColumn,
    { name: "Selector", type: "string", description: "Route service traffic to pods with label keys and values matching this selector.", priority: 1 },
  ],
  cells(obj: KubeObject, now: Date) {
    const svc = obj as Service;
    return [
      svc.metadata.name,
      svc.spec?.type ?? "ClusterIP",
      svc.spec?.clusterIP || "<none>",
      externalIP(svc),
      ports(svc),
      translateTimestampSince(svc.metadata.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
