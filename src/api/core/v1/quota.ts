/** The `resourcequotas` and `limitranges` resources (pkg/registry/core/{resourcequota,limitrange}). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { ageColumn, nameColumn } from "../../table-helpers.js";
import { translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import { core } from "./_names.js";
import type { LimitRange, ResourceQuota } from "./quota-types.js";
import { supported, validateName } from "./_validation-helpers.js";

const asQuota = (obj: KubeObject): ResourceQuota => obj as ResourceQuota;
const asLimitRange = (obj: KubeObject): LimitRange => obj as LimitRange;

// A quantity's text: digits with an optional fraction and exponent or suffix (resource.ParseQuantity).
const quantityRe = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;
const quantityError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function validateResourceList(list: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(list ?? {})) {
    if (!quantityRe.test(String(q))) errs.push(fieldError.invalid(`${path}[${name}]`, q, quantityError));
    else if (String(q).startsWith("-")) errs.push(fieldError.invalid(`${path}[${name}]`, q, "must be greater than or equal to 0"));
  }
  return errs;
}

export function validateResourceQuota(q: ResourceQuota, subresource: string): FieldError[] {
  const errs = validateName(q);
  if (subresource === "status") {
    errs.push(...validateResourceList(q.status?.hard, "status.hard"), ...validateResourceList(q.status?.used, "status.used"));
    return errs;
  }
  errs.push(...validateResourceList(q.spec?.hard, "spec.hard"));
  (q.spec?.scopes ?? []).forEach((s, i) => {
    errs.push(...supported(`spec.scopes[${i}]`, s, ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating", "VolumeAttributesClass"]));
  });
  return errs;
}

/** printResourceQuota: "used/hard" per resource, limits.* in the Limit column, sorted by name. */
export function quotaCells(q: ResourceQuota, now: Date): unknown[] {
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(q.status?.hard ?? {}).sort()) {
    const text = `${name}: ${q.status?.used?.[name] ?? "0"}/${q.status?.hard?.[name]}`;
    (name.split(".").length > 1 && name.startsWith("limits.") ? limit : request).push(text);
  }
  return [q.metadata.name, translateTimestampSince(q.metadata.creationTimestamp, now), request.join(", "), limit.join(", ")];
}

export const resourceQuotasResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "ResourceQuota",
  plural: "resourcequotas",
  singular: "resourcequota",
  namespaced: true,
  shortNames: ["quota"],
  definition: core.ResourceQuota,
  definitions: coreV1Definitions,
  subresources: { status: true },
  strategy: {
    validate: (obj, _old, ctx) => validateResourceQuota(asQuota(obj), ctx.subresource),
    prepareForCreate(obj) {
      asQuota(obj).status = {};
    },
    table: {
      columns: [
        nameColumn,
        ageColumn,
        { name: "Request", type: "string", description: "Request represents a minimum amount of cpu/memory that a container may consume.", priority: 0 },
        { name: "Limit", type: "string", description: "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.", priority: 0 },
      ],
      cells: (obj, now) => quotaCells(asQuota(obj), now),
    },
  },
};

export function defaultLimitRange(lr: LimitRange): void {
  // SetDefaults_LimitRangeItem: default ← max, defaultRequest ← default, then ← min.
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== "Container") continue;
    for (const [name, q] of Object.entries(item.max ?? {})) (item.default ??= {})[name] ??= q;
    for (const [name, q] of Object.entries(item.default ?? {})) (item.defaultRequest ??= {})[name] ??= q;
    for (const [name, q] of Object.entries(item.min ?? {})) (item.defaultRequest ??= {})[name] ??= q;
  }
}

export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs = validateName(lr);
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const path = `spec.limits[${i}]`;
    if (!item.type) errs.push(fieldError.required(`${path}.type`));
    else errs.push(...supported(`${path}.type`, item.type, ["Pod", "Container", "PersistentVolumeClaim"]));
    for (const f of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const) errs.push(...validateResourceList(item[f], `${path}.${f}`));
    if (item.type === "Pod" && (item.default || item.defaultRequest)) errs.push(fieldError.forbidden(`${path}.default`, "may not be specified when `type` is 'Pod'"));
  });
  return errs;
}

export const limitRangesResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "LimitRange",
  plural: "limitranges",
  singular: "limitrange",
  namespaced: true,
  shortNames: ["limits"],
  definition: core.LimitRange,
  definitions: coreV1Definitions,
  strategy: {
    defaults: (obj) => defaultLimitRange(asLimitRange(obj)),
    validate: (obj) => validateLimitRange(asLimitRange(obj)),
    table: {
      columns: [nameColumn, { name: "Created At", type: "date", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", priority: 0 }],
      cells: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? ""],
    },
  },
};
