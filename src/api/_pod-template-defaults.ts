/**
 * The pod-template defaults and checks the workload kinds (apps/v1, batch/v1) share with
 * core/v1 pods: upstream's generated defaulters run SetDefaults_PodSpec (and the
 * container, probe and volume defaults) on every embedded PodTemplateSpec, and
 * ValidatePodTemplateSpec runs the template's metadata and pod spec checks.
 */
import { fieldError, validateAnnotations, validateLabels } from "../machinery/index.js";
import type { FieldError } from "../machinery/index.js";
import { defaultPodSpec, validatePodSpec } from "./core/v1/index.js";
import type { PodTemplateSpec } from "./_core-types.js";

/** SetDefaults_PodSpec (with containers, probes, volumes) on a template's pod spec. */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  defaultPodSpec((template.spec ??= { containers: [] }));
}

/** ValidatePodTemplateSpec: labels and annotations of the template, then the pod spec. */
export function validatePodTemplate(template: PodTemplateSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(template.metadata?.labels, `${field}.metadata.labels`));
  errs.push(...validateAnnotations(template.metadata?.annotations, `${field}.metadata.annotations`));
  if (!template.spec) errs.push(fieldError.required(`${field}.spec`));
  else errs.push(...validatePodSpec(template.spec, `${field}.spec`));
  return errs;
}
