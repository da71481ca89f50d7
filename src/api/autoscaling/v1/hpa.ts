/**
 * autoscaling/v1 horizontalpodautoscalers: SetDefaults_HorizontalPodAutoscaler,
 * ValidateHorizontalPodAutoscaler (main rules) and printHorizontalPodAutoscaler.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { n } from "./_names.js";
import { hpaDefinitions } from "./hpa-schema.js";
import type { HorizontalPodAutoscaler } from "./hpa-types.js";
import { scaleDefinitions } from "./scale-schema.js";
import { hpaV1ToV2, hpaV2ToV1 } from "../v2/convert.js";
import type { HorizontalPodAutoscaler as HorizontalPodAutoscalerV2 } from "../v2/hpa-types.js";

const asHpa = (obj: KubeObject): HorizontalPodAutoscaler => obj as HorizontalPodAutoscaler;

export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= { maxReplicas: 0, scaleTargetRef: { kind: "", name: "" } });
  spec.minReplicas ??= 1;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, _old: HorizontalPodAutoscaler | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(hpa);
  const spec = hpa.spec;
  if (!spec) return [...errs, fieldError.required("spec")];
  if (ctx.subresource === "status") return errs;
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(fieldError.invalid("spec.minReplicas", spec.minReplicas, "must be greater than or equal to 1"));
  if (spec.maxReplicas < 1) errs.push(fieldError.invalid("spec.maxReplicas", spec.maxReplicas, "must be greater than 0"));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) errs.push(fieldError.invalid("spec.maxReplicas", spec.maxReplicas, "must be greater than or equal to `minReplicas`"));
  const ref = spec.scaleTargetRef;
  if (!ref?.kind) errs.push(fieldError.required("spec.scaleTargetRef.kind"));
  if (!ref?.name) errs.push(fieldError.required("spec.scaleTargetRef.name"));
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage < 1) {
    errs.push(fieldError.invalid("spec.targetCPUUtilizationPercentage", spec.targetCPUUtilizationPercentage, "must be greater than 0"));
  }
  return errs;
}

export const hpaTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Reference", type: "string", description: "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.", priority: 0 },
    { name: "Targets", type: "string", description: "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).", priority: 0 },
    { name: "MinPods", type: "string", description: "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.", priority: 0 },
    { name: "MaxPods", type: "string", description: "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.", priority: 0 },
    { name: "Replicas", type: "string", description: "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const hpa = asHpa(obj);
    const spec = hpa.spec;
    let targets = "<none>";
    if (spec?.targetCPUUtilizationPercentage !== undefined) {
      const current = hpa.status?.currentCPUUtilizationPercentage;
      targets = `cpu: ${current !== undefined ? `${current}%` : "<unknown>"}/${spec.targetCPUUtilizationPercentage}%`;
    }
    return [
      hpa.metadata.name,
      `${spec?.scaleTargetRef?.kind ?? ""}/${spec?.scaleTargetRef?.name ?? ""}`,
      targets,
      spec?.minReplicas ?? 1,
      spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      translateTimestampSince(hpa.metadata.creationTimestamp, now),
    ];
  },
};

export const horizontalPodAutoscalersResource: ResourceType = {
  group: "autoscaling",
  version: "v1",
  kind: "HorizontalPodAutoscaler",
  plural: "horizontalpodautoscalers",
  singular: "horizontalpodautoscaler",
  namespaced: true,
  shortNames: ["hpa"],
  categories: ["all"],
  definition: n.HorizontalPodAutoscaler,
  definitions: { ...hpaDefinitions, ...scaleDefinitions },
  subresources: { status: true },
  // Stored as autoscaling/v2 (upstream's storage version); other metrics, behavior and conditions ride in annotations.
  conversion: { storageVersion: "v2", toStorage: (obj) => hpaV1ToV2(asHpa(obj)), fromStorage: (obj) => hpaV2ToV1(obj as HorizontalPodAutoscalerV2) },
  strategy: {
    defaults: (obj) => defaultHorizontalPodAutoscaler(asHpa(obj)),
    validate: (obj, old, ctx) => validateHorizontalPodAutoscaler(asHpa(obj), old && asHpa(old), ctx),
    table: hpaTable,
  },
};
