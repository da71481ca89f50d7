/**
 * apps/v1 daemonsets: SetDefaults_DaemonSet, ValidateDaemonSet*, printDaemonSet.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, formatLabels, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { defaultPodTemplate } from "../../_pod-template-defaults.js";
import { validateNameRule } from "../../_name-rule.js";
import { containerCells, containersColumn, imagesColumn, immutableSelector, intOrPercent, intOrPercentValue, nonNegative, notMoreThan100Percent, selectorColumn, selectorString, validateSelectorAndTemplate } from "../../_workload.js";
import { n } from "./_names.js";
import { appsV1Definitions } from "./definitions.js";
import type { DaemonSet, DaemonSetUpdateStrategy } from "./daemonset-types.js";

const asDaemonSet = (obj: KubeObject): DaemonSet => obj as DaemonSet;

export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= { selector: {}, template: {} });
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ||= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}

export function validateDaemonSet(ds: DaemonSet, old: DaemonSet | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(ds);
  const spec = ds.spec;
  if (!spec) return [...errs, fieldError.required("spec.selector"), fieldError.required("spec.template")];
  if (ctx.subresource === "status") {
    const s = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    for (const f of ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady", "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable", "collisionCount"] as const) {
      errs.push(...nonNegative(`status.${f}`, s[f]));
    }
    return errs;
  }
  errs.push(...validateSelectorAndTemplate(spec, { path: "spec", kind: "daemonset", restartPolicies: ["Always"] }));
  errs.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  errs.push(...nonNegative("spec.revisionHistoryLimit", spec.revisionHistoryLimit));
  errs.push(...validateUpdateStrategy(spec.updateStrategy));
  if (old) errs.push(...immutableSelector(spec.selector, old.spec?.selector, "spec.selector"));
  return errs;
}

function validateUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined): FieldError[] {
  if (!strategy) return [];
  const path = "spec.updateStrategy";
  if (strategy.type === "OnDelete") return [];
  if (strategy.type !== "RollingUpdate") return [fieldError.notSupported(`${path}.type`, strategy.type ?? "", ["OnDelete", "RollingUpdate"])];
  const ru = strategy.rollingUpdate;
  if (!ru) return [fieldError.required(`${path}.rollingUpdate`)];
  const p = `${path}.rollingUpdate`;
  const errs = [...intOrPercent(`${p}.maxUnavailable`, ru.maxUnavailable), ...intOrPercent(`${p}.maxSurge`, ru.maxSurge)];
  errs.push(...notMoreThan100Percent(`${p}.maxUnavailable`, ru.maxUnavailable), ...notMoreThan100Percent(`${p}.maxSurge`, ru.maxSurge));
  const hasUnavailable = (intOrPercentValue(ru.maxUnavailable) ?? 0) !== 0;
  const hasSurge = (intOrPercentValue(ru.maxSurge) ?? 0) !== 0;
  if (hasUnavailable && hasSurge) errs.push(fieldError.invalid(`${p}.maxSurge`, ru.maxSurge, "may not be set when maxUnavailable is non-zero"));
  if (!hasUnavailable && !hasSurge) errs.push(fieldError.required(`${p}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
  return errs;
}

export const daemonSetTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Desired", type: "integer", description: "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).", priority: 0 },
    { name: "Current", type: "integer", description: "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.", priority: 0 },
    { name: "Ready", type: "integer", description: "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.", priority: 0 },
    { name: "Up-to-date", type: "integer", description: "The total number of nodes that are running updated daemon pod", priority: 0 },
    { name: "Available", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)", priority: 0 },
    { name: "Node Selector", type: "string", description: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.", priority: 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn("A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels."),
  ],
  cells(obj, now) {
    const ds = asDaemonSet(obj);
    const s = ds.status;
    const [containers, images] = containerCells(ds.spec?.template);
    return [
      ds.metadata.name,
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      translateTimestampSince(ds.metadata.creationTimestamp, now),
      containers,
      images,
      selectorString(ds.spec?.selector),
    ];
  },
};

export const daemonSetsResource: ResourceType = {
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  plural: "daemonsets",
  singular: "daemonset",
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  definition: n.DaemonSet,
  definitions: appsV1Definitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj) => defaultDaemonSet(asDaemonSet(obj)),
    validate: (obj, old, ctx) => validateDaemonSet(asDaemonSet(obj), old && asDaemonSet(old), ctx),
    table: daemonSetTable,
    tracksGeneration: true,
  },
};
