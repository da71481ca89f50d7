/**
 * autoscaling/v2 horizontalpodautoscalers, the storage version: SetDefaults_HorizontalPodAutoscaler
 * (pkg/apis/autoscaling/v2/defaults.go), ValidateHorizontalPodAutoscaler (main rules,
 * pkg/apis/autoscaling/validation) and printHorizontalPodAutoscaler's TARGETS.
 */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { scaleDefinitions } from "../v1/scale-schema.js";
import { n } from "./_names.js";
import { hpaV2Definitions } from "./hpa-schema.js";
import type { HPAScalingRules, HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget } from "./hpa-types.js";

const asHpa = (obj: KubeObject): HorizontalPodAutoscaler => obj as HorizontalPodAutoscaler;

/** The scale-up rules when `behavior` is given without them (upstream's defaultHPAScaleUpRules). */
export function defaultScaleUpRules(): HPAScalingRules {
  return { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] };
}

/** The scale-down rules when `behavior` is given without them; the window stays unset (the controller's --horizontal-pod-autoscaler-downscale-stabilization, 5 minutes). */
export function defaultScaleDownRules(): HPAScalingRules {
  return { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
}

function fillRules(given: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!given) return defaults;
  return {
    ...given,
    stabilizationWindowSeconds: given.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: given.selectPolicy ?? defaults.selectPolicy,
    policies: given.policies ?? defaults.policies,
  };
}

export function defaultHorizontalPodAutoscalerV2(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= { maxReplicas: 0, scaleTargetRef: { kind: "", name: "" } });
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, defaultScaleUpRules());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, defaultScaleDownRules());
  }
}

const metricFields = { Object: "object", Pods: "pods", Resource: "resource", ContainerResource: "containerResource", External: "external" } as const;
const quantityRe = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;

function validateTarget(t: MetricTarget | undefined, path: string, utilizationAllowed: boolean): FieldError[] {
  if (!t) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  if (!["Utilization", "Value", "AverageValue"].includes(t.type)) errs.push(fieldError.notSupported(`${path}.type`, t.type, ["AverageValue", "Utilization", "Value"]));
  if (t.type === "Utilization" && !utilizationAllowed) errs.push(fieldError.invalid(`${path}.type`, t.type, "must be either AverageValue or Value"));
  if (t.type === "Utilization" && t.averageUtilization === undefined) errs.push(fieldError.required(`${path}.averageUtilization`, "must set either a target raw value or a target utilization"));
  if (t.averageUtilization !== undefined && t.averageUtilization < 1) errs.push(fieldError.invalid(`${path}.averageUtilization`, t.averageUtilization, "must be greater than 0"));
  if (t.type === "Value" && t.value === undefined) errs.push(fieldError.required(`${path}.value`, "must set either a target value for metric or a per-pod target"));
  if (t.type === "AverageValue" && t.averageValue === undefined) errs.push(fieldError.required(`${path}.averageValue`, "must set either a target value for metric or a per-pod target"));
  for (const k of ["value", "averageValue"] as const) {
    const v = t[k];
    if (v !== undefined && !quantityRe.test(String(v))) errs.push(fieldError.invalid(`${path}.${k}`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    else if (v !== undefined && parseFloat(String(v)) <= 0) errs.push(fieldError.invalid(`${path}.${k}`, v, "must be positive"));
  }
  return errs;
}

function validateMetric(m: MetricSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const field = metricFields[m.type as keyof typeof metricFields];
  if (!field) return [fieldError.notSupported(`${path}.type`, m.type, Object.keys(metricFields))];
  for (const [t, f] of Object.entries(metricFields)) {
    if (t !== m.type && m[f] !== undefined) errs.push(fieldError.forbidden(`${path}.${f}`, "must populate the given metric source only"));
  }
  const src = m[field];
  if (!src) return [...errs, fieldError.required(`${path}.${field}`, `must populate information for the given metric source`)];
  if (m.type === "Resource" || m.type === "ContainerResource") {
    const s = src as { name?: string; target?: MetricTarget; container?: string };
    if (!s.name) errs.push(fieldError.required(`${path}.${field}.name`));
    if (m.type === "ContainerResource" && !s.container) errs.push(fieldError.required(`${path}.${field}.container`));
    errs.push(...validateTarget(s.target, `${path}.${field}.target`, true));
  } else {
    const s = src as { metric?: { name?: string }; target?: MetricTarget };
    if (!s.metric?.name) errs.push(fieldError.required(`${path}.${field}.metric.name`));
    errs.push(...validateTarget(s.target, `${path}.${field}.target`, false));
  }
  return errs;
}

function validateRules(r: HPAScalingRules | undefined, path: string): FieldError[] {
  if (!r) return [];
  const errs: FieldError[] = [];
  const w = r.stabilizationWindowSeconds;
  if (w !== undefined && (w < 0 || w > 3600)) errs.push(fieldError.invalid(`${path}.stabilizationWindowSeconds`, w, w < 0 ? "must be greater than or equal to zero" : "must be less than or equal to 3600"));
  if (r.selectPolicy !== undefined && !["Max", "Min", "Disabled"].includes(r.selectPolicy)) errs.push(fieldError.notSupported(`${path}.selectPolicy`, r.selectPolicy, ["Disabled", "Max", "Min"]));
  if (r.policies && r.policies.length === 0 && r.selectPolicy !== "Disabled") errs.push(fieldError.required(`${path}.policies`, "must specify at least one Policy"));
  (r.policies ?? []).forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (p.type !== "Pods" && p.type !== "Percent") errs.push(fieldError.notSupported(`${pp}.type`, p.type, ["Percent", "Pods"]));
    if (!(p.value > 0)) errs.push(fieldError.invalid(`${pp}.value`, p.value, "must be greater than zero"));
    if (!(p.periodSeconds > 0)) errs.push(fieldError.invalid(`${pp}.periodSeconds`, p.periodSeconds, "must be greater than zero"));
    else if (p.periodSeconds > 1800) errs.push(fieldError.invalid(`${pp}.periodSeconds`, p.periodSeconds, "must be less than or equal to 1800"));
  });
  return errs;
}

export function validateHorizontalPodAutoscalerV2(hpa: HorizontalPodAutoscaler, _old: HorizontalPodAutoscaler | undefined, ctx: WriteContext): FieldError[] {
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
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  errs.push(...validateRules(spec.behavior?.scaleUp, "spec.behavior.scaleUp"), ...validateRules(spec.behavior?.scaleDown, "spec.behavior.scaleDown"));
  return errs;
}

/** printers.go formatHPAMetrics: the first two metrics as current/target, then "+ N more...". */
export function formatHpaTargets(specs: MetricSpec[] | undefined, statuses: MetricStatus[] | undefined): string {
  if (!specs || specs.length === 0) return "<none>";
  const list: string[] = [];
  specs.forEach((spec, i) => {
    const st = statuses?.[i];
    switch (spec.type) {
      case "External": {
        const t = spec.external?.target;
        if (t?.averageValue !== undefined) list.push(`${st?.external?.current.averageValue ?? "<unknown>"}/${t.averageValue} (avg)`);
        else list.push(`${st?.external?.current.value ?? "<unknown>"}/${t?.value ?? ""}`);
        break;
      }
      case "Pods":
        list.push(`${st?.pods?.current.averageValue ?? "<unknown>"}/${spec.pods?.target.averageValue ?? ""}`);
        break;
      case "Object": {
        const t = spec.object?.target;
        if (t?.averageValue !== undefined) list.push(`${st?.object?.current.averageValue ?? "<unknown>"}/${t.averageValue} (avg)`);
        else list.push(`${st?.object?.current.value ?? "<unknown>"}/${t?.value ?? ""}`);
        break;
      }
      case "Resource":
      case "ContainerResource": {
        const src = spec.type === "Resource" ? spec.resource : spec.containerResource;
        const cur = spec.type === "Resource" ? st?.resource?.current : st?.containerResource?.current;
        const t = src?.target;
        if (t?.averageValue !== undefined) list.push(`${src?.name}: ${cur?.averageValue ?? "<unknown>"}/${t.averageValue}`);
        else {
          const current = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : "<unknown>";
          const target = t?.averageUtilization !== undefined ? `${t.averageUtilization}%` : "<auto>";
          list.push(`${src?.name}: ${current}/${target}`);
        }
        break;
      }
      default:
        list.push("<unknown type>");
    }
  });
  if (list.length > 2) return `${list.slice(0, 2).join(", ")} + ${list.length - 2} more...`;
  return list.join(", ");
}

export const hpaV2Table: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Reference", type: "string", description: "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.", priority: 0 },
    { name: "Targets", type: "string", description: "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).", priority: 0 },
    { name: "MinPods", type: "string", description: "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.", priority: 0 },
    { name: "MaxPods", type: "string", description: "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.", priority: 0 },
    { name: "Replicas", type: "string", description: "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.", priority: 0 },
    ageColumn,
  ],
  cells(obj, now) {
    const hpa = asHpa(obj);
    const spec = hpa.spec;
    return [
      hpa.metadata.name,
      `${spec?.scaleTargetRef?.kind ?? ""}/${spec?.scaleTargetRef?.name ?? ""}`,
      formatHpaTargets(spec?.metrics, hpa.status?.currentMetrics),
      spec?.minReplicas !== undefined ? String(spec.minReplicas) : "<unset>",
      spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      translateTimestampSince(hpa.metadata.creationTimestamp, now),
    ];
  },
};

export const horizontalPodAutoscalersV2Resource: ResourceType = {
  group: "autoscaling",
  version: "v2",
  kind: "HorizontalPodAutoscaler",
  plural: "horizontalpodautoscalers",
  singular: "horizontalpodautoscaler",
  namespaced: true,
  shortNames: ["hpa"],
  categories: ["all"],
  definition: n.HorizontalPodAutoscaler,
  definitions: { ...hpaV2Definitions, ...scaleDefinitions },
  subresources: { status: true },
  strategy: {
    defaults: (obj) => defaultHorizontalPodAutoscalerV2(asHpa(obj)),
    validate: (obj, old, ctx) => validateHorizontalPodAutoscalerV2(asHpa(obj), old && asHpa(old), ctx),
    table: hpaV2Table,
  },
};
