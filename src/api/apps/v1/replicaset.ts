/**
 * apps/v1 replicasets: SetDefaults_ReplicaSet, ValidateReplicaSet*, printReplicaSet.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { defaultPodTemplate } from "../../_pod-template-defaults.js";
import { validateNameRule } from "../../_name-rule.js";
import { containerCells, containersColumn, imagesColumn, immutableSelector, nonNegative, selectorColumn, selectorString, validateSelectorAndTemplate } from "../../_workload.js";
import { n } from "./_names.js";
import { appsV1Definitions } from "./definitions.js";
import type { ReplicaSet } from "./replicaset-types.js";

const asReplicaSet = (obj: KubeObject): ReplicaSet => obj as ReplicaSet;

export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= { selector: {} });
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

export function validateReplicaSet(rs: ReplicaSet, old: ReplicaSet | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(rs);
  const spec = rs.spec;
  if (!spec) return [...errs, fieldError.required("spec.selector")];
  if (ctx.subresource === "status") {
    const s = rs.status ?? { replicas: 0 };
    for (const f of ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "terminatingReplicas", "observedGeneration"] as const) errs.push(...nonNegative(`status.${f}`, s[f]));
    if ((s.fullyLabeledReplicas ?? 0) > s.replicas) errs.push(fieldError.invalid("status.fullyLabeledReplicas", s.fullyLabeledReplicas, "cannot be greater than status.replicas"));
    if ((s.readyReplicas ?? 0) > s.replicas) errs.push(fieldError.invalid("status.readyReplicas", s.readyReplicas, "cannot be greater than status.replicas"));
    if ((s.availableReplicas ?? 0) > s.replicas) errs.push(fieldError.invalid("status.availableReplicas", s.availableReplicas, "cannot be greater than status.replicas"));
    if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(fieldError.invalid("status.availableReplicas", s.availableReplicas, "cannot be greater than readyReplicas"));
    return errs;
  }
  errs.push(...nonNegative("spec.replicas", spec.replicas));
  errs.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  // Upstream's message says "deployment" for replica sets too.
  errs.push(...validateSelectorAndTemplate(spec, { path: "spec", kind: "deployment", restartPolicies: ["Always"] }));
  if (old) errs.push(...immutableSelector(spec.selector, old.spec?.selector, "spec.selector"));
  return errs;
}

export const replicaSetTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Desired", type: "integer", description: "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.", priority: 0 },
    { name: "Current", type: "integer", description: "Replicas is the most recently observed number of non-terminating pods.", priority: 0 },
    { name: "Ready", type: "integer", description: "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.", priority: 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn("Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels."),
  ],
  cells(obj, now) {
    const rs = asReplicaSet(obj);
    const [containers, images] = containerCells(rs.spec?.template);
    return [
      rs.metadata.name,
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata.creationTimestamp, now),
      containers,
      images,
      selectorString(rs.spec?.selector),
    ];
  },
};

export const replicaSetsResource: ResourceType = {
  group: "apps",
  version: "v1",
  kind: "ReplicaSet",
  plural: "replicasets",
  singular: "replicaset",
  namespaced: true,
  shortNames: ["rs"],
  categories: ["all"],
  definition: n.ReplicaSet,
  definitions: appsV1Definitions,
  subresources: {
    status: true,
    scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".spec.selector" },
  },
  strategy: {
    defaults: (obj) => defaultReplicaSet(asReplicaSet(obj)),
    validate: (obj, old, ctx) => validateReplicaSet(asReplicaSet(obj), old && asReplicaSet(old), ctx),
    table: replicaSetTable,
    tracksGeneration: true,
  },
};
