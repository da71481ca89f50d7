/**
 * Pod validation, after pkg/apis/core/validation/validation.go (ValidatePodCreate,
 * ValidatePodSpec, validateContainers, ValidatePodUpdate): the important rules, with
 * upstream's field paths and messages.
 */
import { fieldError, isDNS1123Label, isDNS1123Subdomain } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { Container, ContainerPort, EphemeralContainer } from "./container-types.js";
import type { Pod, PodSpec } from "./pod-types.js";
import type { Toleration } from "./scheduling-types.js";
import type { Volume } from "./volume-types.js";
import { jsonEqual, nonNegative, portNameErrors, portNumErrors, supported, validateName } from "./_validation-helpers.js";

export const restartPolicies = ["Always", "OnFailure", "Never"];
export const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
export const pullPolicies = ["Always", "IfNotPresent", "Never"];
export const protocols = ["SCTP", "TCP", "UDP"];

export function validatePod(pod: Pod, old: Pod | undefined, subresource: string): FieldError[] {
  const errs = validateName(pod);
  if (subresource === "status") return errs;
  if (!pod.spec) return [...errs, fieldError.required("spec")];
  errs.push(...validatePodSpec(pod.spec, "spec"));
  if (old?.spec) errs.push(...validatePodSpecUpdate(pod.spec, old.spec));
  return errs;
}

/** ValidatePodSpec: also what pod templates (RC, PodTemplate, apps, batch) are held to, at `path`. */
export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes ?? [], `${path}.volumes`, errs);
  const names = new Set<string>();
  if (!spec.containers?.length) errs.push(fieldError.required(`${path}.containers`));
  (spec.initContainers ?? []).forEach((c, i) => validateContainer(c, `${path}.initContainers[${i}]`, names, volumes, errs));
  (spec.containers ?? []).forEach((c, i) => validateContainer(c, `${path}.containers[${i}]`, names, volumes, errs));
  (spec.ephemeralContainers ?? []).forEach((c, i) => validateContainer(c, `${path}.ephemeralContainers[${i}]`, names, volumes, errs));
  errs.push(...supported(`${path}.restartPolicy`, spec.restartPolicy, restartPolicies));
  errs.push(...supported(`${path}.dnsPolicy`, spec.dnsPolicy, dnsPolicies));
  if (spec.dnsPolicy === "None" && !spec.dnsConfig) {
    errs.push(fieldError.required(`${path}.dnsConfig`, "must provide `dnsConfig` when `dnsPolicy` is None"));
  }
  errs.push(...nonNegative(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    errs.push(fieldError.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, "must be between 1 and 2147483647, inclusive"));
  }
  if (spec.nodeName) for (const msg of isDNS1123Subdomain(spec.nodeName)) errs.push(fieldError.invalid(`${path}.nodeName`, spec.nodeName, msg));
  if (spec.serviceAccountName) {
    for (const msg of isDNS1123Subdomain(spec.serviceAccountName)) errs.push(fieldError.invalid(`${path}.serviceAccountName`, spec.serviceAccountName, msg));
  }
  (spec.tolerations ?? []).forEach((t, i) => errs.push(...validateToleration(t, `${path}.tolerations[${i}]`)));
  if (spec.hostPID && spec.shareProcessNamespace) {
    errs.push(fieldError.invalid(`${path}.securityContext.shareProcessNamespace`, true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  return errs;
}

function validateVolumes(volumes: Volume[], path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!v.name) errs.push(fieldError.required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(v.name)) errs.push(fieldError.invalid(`${p}.name`, v.name, msg));
      if (names.has(v.name)) errs.push(fieldError.duplicate(`${p}.name`, v.name));
      names.add(v.name);
    }
    const sources = Object.entries(v).filter(([k, val]) => k !== "name" && val !== undefined).map(([k]) => k);
    if (sources.length === 0) errs.push(fieldError.required(p, "must specify a volume type"));
    for (const extra of sources.slice(1)) errs.push(fieldError.forbidden(`${p}.${extra}`, "may not specify more than 1 volume type"));
  });
  return names;
}

function validateContainer(c: Container | EphemeralContainer, path: string, names: Set<string>, volumes: Set<string>, errs: FieldError[]): void {
  if (!c.name) errs.push(fieldError.required(`${path}.name`));
  else {
    for (const msg of isDNS1123Label(c.name)) errs.push(fieldError.invalid(`${path}.name`, c.name, msg));
    if (names.has(c.name)) errs.push(fieldError.duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image) errs.push(fieldError.required(`${path}.image`));
  errs.push(...supported(`${path}.imagePullPolicy`, c.imagePullPolicy, pullPolicies));
  errs.push(...supported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ["File", "FallbackToLogsOnError"]));
  validatePorts(c.ports ?? [], `${path}.ports`, errs);
  (c.env ?? []).forEach((e, i) => {
    if (!e.name) errs.push(fieldError.required(`${path}.env[${i}].name`));
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(fieldError.required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(fieldError.notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(fieldError.required(`${p}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(fieldError.invalid(`${p}.mountPath`, m.mountPath, "must be unique"));
    else mountPaths.add(m.mountPath);
  });
}

function validatePorts(ports: ContainerPort[], path: string, errs: FieldError[]): void {
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      for (const msg of portNameErrors(port.name)) errs.push(fieldError.invalid(`${p}.name`, port.name, msg));
      if (names.has(port.name)) errs.push(fieldError.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldError.required(`${p}.containerPort`));
    else for (const msg of portNumErrors(port.containerPort)) errs.push(fieldError.invalid(`${p}.containerPort`, port.containerPort, msg));
    if (port.hostPort) for (const msg of portNumErrors(port.hostPort)) errs.push(fieldError.invalid(`${p}.hostPort`, port.hostPort, msg));
    if (port.protocol === undefined) errs.push(fieldError.required(`${p}.protocol`));
    else errs.push(...supported(`${p}.protocol`, port.protocol, protocols));
  });
}

function validateToleration(t: Toleration, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (t.operator !== undefined && t.operator !== "Exists" && t.operator !== "Equal") {
    errs.push(fieldError.notSupported(`${path}.operator`, t.operator, ["Equal", "Exists"]));
  }
  if (t.operator === "Exists" && t.value) {
    errs.push(fieldError.invalid(`${path}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
  }
  if (!t.key && t.operator !== "Exists") {
    errs.push(fieldError.invalid(`${path}.operator`, t.operator ?? "", "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
  }
  if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
    errs.push(fieldError.invalid(`${path}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  }
  errs.push(...supported(`${path}.effect`, t.effect || undefined, ["NoSchedule", "PreferNoSchedule", "NoExecute"]));
  return errs;
}

const updatablePodSpecFields = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/** ValidatePodUpdate's spec rule: only images, activeDeadlineSeconds, added tolerations and removed scheduling gates may change. */
export function validatePodSpecUpdate(spec: PodSpec, old: PodSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (old.activeDeadlineSeconds !== undefined) {
    if (spec.activeDeadlineSeconds === undefined) errs.push(fieldError.invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
    else if (spec.activeDeadlineSeconds > old.activeDeadlineSeconds) {
      errs.push(fieldError.invalid("spec.activeDeadlineSeconds", spec.activeDeadlineSeconds, "must be less than or equal to previous value"));
    }
  }
  const oldGates = (old.schedulingGates ?? []).map((g) => g.name);
  if ((spec.schedulingGates ?? []).some((g) => !oldGates.includes(g.name))) {
    errs.push(fieldError.forbidden("spec.schedulingGates", "only deletion is allowed, but found new scheduling gate"));
  }
  // Compare the specs with the updatable fields taken from the old one.
  const munged: PodSpec = structuredClone(spec);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: old.containers?.[i]?.image ?? c.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: old.initContainers?.[i]?.image ?? c.image }));
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  const oldTolerations = old.tolerations ?? [];
  if (oldTolerations.every((t) => (spec.tolerations ?? []).some((n) => jsonEqual(n, t)))) munged.tolerations = old.tolerations;
  munged.schedulingGates = old.schedulingGates;
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && spec.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  if (!jsonEqual(munged, old)) {
    errs.push(fieldError.forbidden("spec", `pod updates may not change fields other than ${updatablePodSpecFields.join(",")}`));
  }
  return errs;
}
