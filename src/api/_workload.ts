// Helpers the workload kinds (apps/v1, batch/v1) share: selector and template checks as
// pkg/apis/apps/validation, and the CONTAINERS / IMAGES / SELECTOR cells of printers.go.
import { fieldError, jsonEqual, labelSelectorFromObject } from "../machinery/index.js";
import type { FieldError, MetaLabelSelector } from "../machinery/index.js";
import type { IntOrString, PodTemplateSpec } from "./_core-types.js";
import type { TableColumn } from "./resource-type.js";
import { validatePodTemplate } from "./_pod-template-defaults.js";

export function nonNegative(field: string, value: number | undefined): FieldError[] {
  return value !== undefined && value < 0 ? [fieldError.invalid(field, value, "must be greater than or equal to 0")] : [];
}

export function positive(field: string, value: number | undefined): FieldError[] {
  return value !== undefined && value <= 0 ? [fieldError.invalid(field, value, "must be greater than 0")] : [];
}

/**
 * A required, non-empty selector that matches the template's labels, and a valid template
 * whose restartPolicy is one of `restartPolicies` (ValidateDeploymentSpec / ValidateReplicaSetSpec /
 * ValidateStatefulSetSpec / ValidateDaemonSetSpec and ValidatePodTemplateSpecForReplicaSet).
 */
export function validateSelectorAndTemplate(
  spec: { selector?: MetaLabelSelector; template?: PodTemplateSpec },
  options: { path: string; kind: string; restartPolicies: string[] },
): FieldError[] {
  const { path } = options;
  const errs: FieldError[] = [];
  let selectorOk = false;
  if (!spec.selector) {
    errs.push(fieldError.required(`${path}.selector`));
  } else if (Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0) {
    errs.push(fieldError.invalid(`${path}.selector`, spec.selector, `empty selector is invalid for ${options.kind}`));
  } else {
    selectorOk = true;
  }
  if (!spec.template) {
    errs.push(fieldError.required(`${path}.template`));
    return errs;
  }
  if (selectorOk) {
    try {
      const selector = labelSelectorFromObject(spec.selector);
      if (!selector.matches(spec.template.metadata?.labels)) {
        errs.push(fieldError.invalid(`${path}.template.metadata.labels`, spec.template.metadata?.labels ?? {}, "`selector` does not match template `labels`"));
      }
    } catch {
      errs.push(fieldError.invalid(`${path}.selector`, spec.selector, "invalid label selector"));
    }
  }
  errs.push(...validatePodTemplate(spec.template, `${path}.template`));
  const restartPolicy = spec.template.spec?.restartPolicy;
  if (restartPolicy !== undefined && !options.restartPolicies.includes(restartPolicy)) {
    errs.push(fieldError.notSupported(`${path}.template.spec.restartPolicy`, restartPolicy, options.restartPolicies));
  }
  return errs;
}

/** The selector may not change after create ("field is immutable"), as for every workload in apps/v1. */
export function immutableSelector(selector: unknown, oldSelector: unknown, field: string): FieldError[] {
  return jsonEqual(selector, oldSelector) ? [] : [fieldError.invalid(field, selector ?? null, "field is immutable")];
}

/** Equality of JSON values, ignoring the order of object keys (apiequality.Semantic.DeepEqual for API data). */
export { jsonEqual };

const percentRE = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent: a non-negative integer or "N%". */
export function intOrPercent(field: string, value: IntOrString | undefined): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === "string") {
    return percentRE.test(value) ? [] : [fieldError.invalid(field, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  return nonNegative(field, value);
}

/** IsNotMoreThan100Percent. */
export function notMoreThan100Percent(field: string, value: IntOrString | undefined): FieldError[] {
  if (typeof value !== "string" || !percentRE.test(value)) return [];
  return Number.parseInt(value, 10) > 100 ? [fieldError.invalid(field, value, "must not be greater than 100%")] : [];
}

/** The int value of an IntOrString for "is it zero" checks: a percent counts by its number. */
export function intOrPercentValue(value: IntOrString | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  return percentRE.test(value) ? Number.parseInt(value, 10) : undefined;
}

/** layoutContainerCells: container names and images, comma-separated. */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}

/** metav1.LabelSelectorAsSelector(s).String(): "" for a missing selector. */
export function selectorString(selector: MetaLabelSelector | undefined): string {
  try {
    return labelSelectorFromObject(selector).toString();
  } catch {
    return "<error>";
  }
}

/** metav1.FormatLabelSelector: as selectorString, "<none>" when empty. */
export function formatLabelSelector(selector: MetaLabelSelector | undefined): string {
  const s = selectorString(selector);
  return s === "" ? "<none>" : s;
}

export const containersColumn: TableColumn = { name: "Containers", type: "string", description: "Names of each container in the template.", priority: 1 };
export const imagesColumn: TableColumn = { name: "Images", type: "string", description: "Images referenced by each container in the template.", priority: 1 };
export const selectorColumn = (description: string): TableColumn => ({ name: "Selector", type: "string", description, priority: 1 });
