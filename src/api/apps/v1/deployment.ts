/**
 * apps/v1 deployments: defaults (pkg/apis/apps/v1/defaults.go SetDefaults_Deployment),
 * validation (pkg/apis/apps/validation ValidateDeployment*), and the table of
 * printDeployment (pkg/printers/internalversion/printers.go).
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { defaultPodTemplate } from "../../_pod-template-defaults.js";
import { containerCells, containersColumn, imagesColumn, immutableSelector, intOrPercent, intOrPercentValue, nonNegative, notMoreThan100Percent, selectorColumn, selectorString, validateSelectorAndTemplate } from "../../_workload.js";
import { validateNameRule } from "../../_name-rule.js";
import { n } from "./_names.js";
import { appsV1Definitions } from "./definitions.js";
import type { Deployment, DeploymentStrategy } from "./deployment-types.js";

const asDeployment = (obj: KubeObject): Deployment => obj as Deployment;

export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= { selector: {}, template: {} });
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function validateDeployment(d: Deployment, old: Deployment | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(d);
  const spec = d.spec;
  if (!spec) return [...errs, fieldError.required("spec.selector"), fieldError.required("spec.template")];
  if (ctx.subresource === "status") return [...errs, ...validateDeploymentStatus(d)];
  errs.push(...nonNegative("spec.replicas", spec.replicas));
  errs.push(...validateSelectorAndTemplate(spec, { path: "spec", kind: "deployment", restartPolicies: ["Always"] }));
  errs.push(...validateStrategy(spec.strategy));
  errs.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  errs.push(...nonNegative("spec.revisionHistoryLimit", spec.revisionHistoryLimit));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(fieldError.invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  if (old) errs.push(...immutableSelector(spec.selector, old.spec?.selector, "spec.selector"));
  return errs;
}

function validateStrategy(strategy: DeploymentStrategy | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!strategy) return errs;
  const path = "spec.strategy";
  if (strategy.type === "Recreate") {
    if (strategy.rollingUpdate) errs.push(fieldError.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy.type === "RollingUpdate") {
    const ru = strategy.rollingUpdate;
    if (!ru) errs.push(fieldError.required(`${path}.rollingUpdate`, "this should be defaulted and never be nil"));
    else {
      const p = `${path}.rollingUpdate`;
      errs.push(...intOrPercent(`${p}.maxUnavailable`, ru.maxUnavailable), ...intOrPercent(`${p}.maxSurge`, ru.maxSurge));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldError.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
      }
      errs.push(...notMoreThan100Percent(`${p}.maxUnavailable`, ru.maxUnavailable));
    }
  } else {
    errs.push(fieldError.notSupported(`${path}.type`, strategy.type ?? "", ["Recreate", "RollingUpdate"]));
  }
  return errs;
}

function validateDeploymentStatus(d: Deployment): FieldError[] {
  const s = d.status ?? {};
  const errs: FieldError[] = [];
  for (const f of ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "terminatingReplicas", "collisionCount"] as const) {
    errs.push(...nonNegative(`status.${f}`, s[f]));
  }
  errs.push(...nonNegative("status.observedGeneration", s.observedGeneration));
  if ((s.readyReplicas ?? 0) > (s.replicas ?? 0)) errs.push(fieldError.invalid("status.readyReplicas", s.readyReplicas, "cannot be greater than status.replicas"));
  if ((s.availableReplicas ?? 0) > (s.replicas ?? 0)) errs.push(fieldError.invalid("status.availableReplicas", s.availableReplicas, "cannot be greater than status.replicas"));
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(fieldError.invalid("status.availableReplicas", s.availableReplicas, "cannot be greater than readyReplicas"));
  return errs;
}

export const deploymentTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Ready", type: "string", description: "Number of the pod with ready state", priority: 0 },
    { name: "Up-to-date", type: "string", description: "Total number of non-terminating pods targeted by this deployment that have the desired template spec.", priority: 0 },
    { name: "Available", type: "string", description: "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.", priority: 0 },
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn("Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
  ],
  cells(obj, now) {
    const d = asDeployment(obj);
    const status = d.status ?? {};
    const [containers, images] = containerCells(d.spec?.template);
    return [
      d.metadata.name,
      `${status.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      status.updatedReplicas ?? 0,
      status.availableReplicas ?? 0,
      translateTimestampSince(d.metadata.creationTimestamp, now),
      containers,
      images,
      selectorString(d.spec?.selector),
    ];
  },
};

export const deploymentsResource: ResourceType = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  plural: "deployments",
  singular: "deployment",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  definition: n.Deployment,
  definitions: appsV1Definitions,
  subresources: {
    status: true,
    scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".spec.selector" },
  },
  strategy: {
    defaults: (obj) => defaultDeployment(asDeployment(obj)),
    validate: (obj, old, ctx) => validateDeployment(asDeployment(obj), old && asDeployment(old), ctx),
    table: deploymentTable,
    tracksGeneration: true,
  },
};
