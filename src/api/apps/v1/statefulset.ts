/**
 * apps/v1 statefulsets: SetDefaults_StatefulSet, ValidateStatefulSet*, printStatefulSet.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { defaultPodTemplate } from "../../_pod-template-defaults.js";
import { validateNameRule } from "../../_name-rule.js";
import { containerCells, containersColumn, imagesColumn, intOrPercent, jsonEqual, nonNegative, validateSelectorAndTemplate } from "../../_workload.js";
import { n } from "./_names.js";
import { appsV1Definitions } from "./definitions.js";
import type { StatefulSet, StatefulSetSpec } from "./statefulset-types.js";

const asStatefulSet = (obj: KubeObject): StatefulSet => obj as StatefulSet;

export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= { selector: {}, template: {} });
  spec.podManagementPolicy ||= "OrderedReady";
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = "RollingUpdate";
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === "RollingUpdate" && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  // StatefulSetAutoDeletePVC is on by default since 1.32.
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= "Retain";
  retention.whenScaled ||= "Retain";
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
  // SetDefaults_PersistentVolumeClaim on each claim template: volumeMode Filesystem.
  for (const claim of spec.volumeClaimTemplates ?? []) {
    const claimSpec = (claim.spec ??= {});
    claimSpec.volumeMode ??= "Filesystem";
  }
}

const retentionPolicies = ["Retain", "Delete"];

export function validateStatefulSet(sts: StatefulSet, old: StatefulSet | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(sts);
  const spec = sts.spec;
  if (!spec) return [...errs, fieldError.required("spec.selector"), fieldError.required("spec.template")];
  if (ctx.subresource === "status") {
    const s = sts.status ?? { replicas: 0 };
    for (const f of ["replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas", "collisionCount", "observedGeneration"] as const) errs.push(...nonNegative(`status.${f}`, s[f]));
    if ((s.readyReplicas ?? 0) > s.replicas) errs.push(fieldError.invalid("status.readyReplicas", s.readyReplicas, "cannot be greater than status.replicas"));
    if ((s.currentReplicas ?? 0) > s.replicas) errs.push(fieldError.invalid("status.currentReplicas", s.currentReplicas, "cannot be greater than status.replicas"));
    if ((s.updatedReplicas ?? 0) > s.replicas) errs.push(fieldError.invalid("status.updatedReplicas", s.updatedReplicas, "cannot be greater than status.replicas"));
    return errs;
  }
  if (spec.podManagementPolicy !== undefined && !["OrderedReady", "Parallel"].includes(spec.podManagementPolicy)) {
    errs.push(fieldError.invalid("spec.podManagementPolicy", spec.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = spec.updateStrategy;
  if (strategy) {
    if (strategy.type === "OnDelete") {
      if (strategy.rollingUpdate) errs.push(fieldError.invalid("spec.updateStrategy.rollingUpdate", strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
    } else if (strategy.type === "RollingUpdate") {
      const ru = strategy.rollingUpdate;
      if (ru) {
        errs.push(...nonNegative("spec.updateStrategy.rollingUpdate.partition", ru.partition));
        if (ru.maxUnavailable !== undefined) {
          errs.push(...intOrPercent("spec.updateStrategy.rollingUpdate.maxUnavailable", ru.maxUnavailable));
          if (ru.maxUnavailable === 0 || ru.maxUnavailable === "0%") errs.push(fieldError.invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", ru.maxUnavailable, "must be greater than 0"));
        }
      }
    } else {
      errs.push(fieldError.invalid("spec.updateStrategy", strategy, `must be 'RollingUpdate' or 'OnDelete'`));
    }
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    if (retention.whenDeleted !== undefined && !retentionPolicies.includes(retention.whenDeleted)) errs.push(fieldError.notSupported("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", retention.whenDeleted, retentionPolicies));
    if (retention.whenScaled !== undefined && !retentionPolicies.includes(retention.whenScaled)) errs.push(fieldError.notSupported("spec.persistentVolumeClaimRetentionPolicy.whenScaled", retention.whenScaled, retentionPolicies));
  }
  if (spec.ordinals) errs.push(...nonNegative("spec.ordinals.start", spec.ordinals.start));
  errs.push(...nonNegative("spec.replicas", spec.replicas));
  errs.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  errs.push(...nonNegative("spec.revisionHistoryLimit", spec.revisionHistoryLimit));
  // Mounts may name a volumeClaimTemplate: the controller adds those volumes to each pod
  // (upstream skips the template's pod spec validation for exactly this reason).
  const claimVolumes = (spec.volumeClaimTemplates ?? []).map((t) => ({ name: t.metadata?.name ?? "", emptyDir: {} }));
  const withClaims = claimVolumes.length && spec.template?.spec ? { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, volumes: [...(spec.template.spec.volumes ?? []).filter((v) => !claimVolumes.some((c) => c.name === v.name)), ...claimVolumes] } } } : spec;
  errs.push(...validateSelectorAndTemplate(withClaims, { path: "spec", kind: "statefulset", restartPolicies: ["Always"] }));
  if (old?.spec) errs.push(...forbiddenSpecUpdates(spec, old.spec));
  return errs;
}

// ValidateStatefulSetUpdate: only these fields of the spec may change.
const mutableFields: (keyof StatefulSetSpec)[] = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

function forbiddenSpecUpdates(spec: StatefulSetSpec, old: StatefulSetSpec): FieldError[] {
  const strip = (s: StatefulSetSpec): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...s };
    for (const f of mutableFields) delete copy[f];
    return copy;
  };
  if (jsonEqual(strip(spec), strip(old))) return [];
  return [fieldError.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

export const statefulSetTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Ready", type: "string", description: "Number of the pod with ready state", priority: 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  cells(obj, now) {
    const sts = asStatefulSet(obj);
    const [containers, images] = containerCells(sts.spec?.template);
    return [sts.metadata.name, `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, translateTimestampSince(sts.metadata.creationTimestamp, now), containers, images];
  },
};

export const statefulSetsResource: ResourceType = {
  group: "apps",
  version: "v1",
  kind: "StatefulSet",
  plural: "statefulsets",
  singular: "statefulset",
  namespaced: true,
  shortNames: ["sts"],
  categories: ["all"],
  definition: n.StatefulSet,
  definitions: appsV1Definitions,
  subresources: {
    status: true,
    scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".spec.selector" },
  },
  strategy: {
    defaults: (obj) => defaultStatefulSet(asStatefulSet(obj)),
    validate: (obj, old, ctx) => validateStatefulSet(asStatefulSet(obj), old && asStatefulSet(old), ctx),
    table: statefulSetTable,
    tracksGeneration: true,
  },
};
