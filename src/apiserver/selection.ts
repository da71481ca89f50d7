import type { KubeObject, ResourceType } from "../api/index.js";
import { fieldLabelNotSupported, parseFieldSelector, parseLabelSelector } from "../machinery/index.js";

/** The label and field selectors of a list or watch, checked against what the resource supports. */
export interface Selection {
  /** True when neither selector restricts anything. */
  everything: boolean;
  matches(obj: KubeObject): boolean;
}

export function selectionFromQuery(rt: ResourceType, query: Record<string, string>): Selection {
  const labels = parseLabelSelector(query.labelSelector ?? "");
  const fields = parseFieldSelector(query.fieldSelector ?? "");
  const getters = fieldGetters(rt);
  for (const r of fields.requirements) {
    if (!getters[r.field]) throw fieldLabelNotSupported(r.field);
  }
  const everything = labels.empty && fields.requirements.length === 0;
  return {
    everything,
    matches(obj) {
      if (!labels.matches(obj.metadata.labels ?? {})) return false;
      return fields.matches((f) => getters[f]?.(obj));
    },
  };
}

function fieldGetters(rt: ResourceType): Record<string, (obj: KubeObject) => string | undefined> {
  const base: Record<string, (obj: KubeObject) => string | undefined> = {
    "metadata.name": (o) => o.metadata.name ?? "",
  };
  if (rt.namespaced) base["metadata.namespace"] = (o) => o.metadata.namespace ?? "";
  return { ...base, ...(rt.strategy?.fieldSelectors ?? {}) };
}
