import type { ResourceType } from "../api/index.js";
import { apiVersionOf } from "../api/index.js";
import type { GroupKind, GroupResource } from "../machinery/index.js";

export function groupResource(rt: ResourceType): GroupResource {
  return { group: rt.group, resource: rt.plural };
}

export function groupKind(rt: ResourceType): GroupKind {
  return { group: rt.group, kind: rt.kind };
}

export function rtApiVersion(rt: ResourceType): string {
  return apiVersionOf(rt);
}
