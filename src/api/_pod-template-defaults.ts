/**
 * The pod-template defaults and checks the workload kinds (apps/v1, batch/v1) share with
 * core/v1 pods: upstream's generated defaulters run SetDefaults_PodSpec (and the
 * container, probe and volume defaults) on every embedded PodTemplateSpec, and
 * ValidatePodTemplateSpec runs the pod spec checks.
 *
 * TODO(core/v1): core/v1 has `defaultPodSpec` and `validatePodSpec` but does not export
 * them from its index.ts yet; until it does, this adapter applies the defaults kubectl
 * shows and the basic checks itself. Swap the bodies for the core/v1 functions then.
 */
import { fieldError, isDNS1123Label } from "../machinery/index.js";
import type { FieldError } from "../machinery/index.js";
import type { PodTemplateSpec } from "./_core-types.js";

interface ContainerDefaults {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
}

/** SetDefaults_PodSpec and SetDefaults_Container on a template's pod spec. */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  const spec = (template.spec ??= { containers: [] }) as PodTemplateSpec["spec"] & Record<string, unknown>;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.restartPolicy ??= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as ContainerDefaults[]) {
    if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? "") === "latest" ? "Always" : "IfNotPresent";
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
  }
}

// The tag of an image reference; "latest" when none (and no digest) is given.
function imageTag(image: string): string {
  if (image.includes("@")) return "";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  return colon < 0 ? "latest" : image.slice(colon + 1);
}

/** The basic ValidatePodTemplateSpec checks: at least one container, each with a unique DNS-label name and an image. */
export function validatePodTemplate(template: PodTemplateSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const containers = template.spec?.containers ?? [];
  if (containers.length === 0) errs.push(fieldError.required(`${field}.spec.containers`));
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const path = `${field}.spec.containers[${i}]`;
    if (!c.name) errs.push(fieldError.required(`${path}.name`));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(fieldError.invalid(`${path}.name`, c.name, msg));
      if (seen.has(c.name)) errs.push(fieldError.duplicate(`${path}.name`, c.name));
      seen.add(c.name);
    }
    if (!c.image) errs.push(fieldError.required(`${path}.image`));
  });
  return errs;
}
