/**
 * apiextensions.k8s.io/v1 customresourcedefinitions: defaults, validation (upstream's
 * ValidateCustomResourceDefinition wording), the status subresource, and deletion as
 * upstream's CRD REST Delete: the first delete adds the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer and a Terminating condition;
 * the API server's CRD controller deletes every custom object, then drops the finalizer.
 */
import { isDeepStrictEqual } from "node:util";
import { fieldError, isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { validateStructuralSchema } from "../../customresource/structural.js";
import { parseJsonPath } from "../../customresource/_json-path.js";
import { n } from "./_names.js";
import { crdDefinitions } from "./crd-schema.js";
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from "./crd-types.js";

export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

const asCrd = (obj: KubeObject): CustomResourceDefinition => obj as CustomResourceDefinition;

export function defaultCrd(crd: CustomResourceDefinition): void {
  const spec = (crd.spec ??= {} as CustomResourceDefinition["spec"]);
  const names = (spec.names ??= {} as CustomResourceDefinitionNames);
  if (!names.singular && names.kind) names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: "None" };
  if (spec.conversion.strategy === "Webhook" && spec.conversion.webhook?.clientConfig?.service && spec.conversion.webhook.clientConfig.service.port === undefined) {
    spec.conversion.webhook.clientConfig.service.port = 443;
  }
  for (const v of spec.versions ?? []) {
    if (v.schema?.openAPIV3Schema) setSchemaDefaults(v.schema.openAPIV3Schema as Record<string, unknown>);
  }
}

// x-kubernetes-list-type map items' keys are required unless defaulted; nothing to fill here but
// upstream's v1 defaulting of `items` objects is a no-op too. Kept as the place for future defaults.
function setSchemaDefaults(_schema: Record<string, unknown>): void {}

function names(errs: FieldError[], nm: CustomResourceDefinitionNames | undefined, path: string): void {
  if (!nm) return;
  const label = (v: string | undefined, field: string) => {
    if (v) for (const m of isDNS1035Label(v)) errs.push(fieldError.invalid(`${path}.${field}`, v, m));
  };
  label(nm.plural, "plural");
  label(nm.singular, "singular");
  for (const field of ["kind", "listKind"] as const) {
    const v = nm[field];
    if (v) {
      const m = isDNS1035Label(v.toLowerCase());
      if (m.length) errs.push(fieldError.invalid(`${path}.${field}`, v, "may have mixed case, but should otherwise match: " + m.join(",")));
    }
  }
  (nm.shortNames ?? []).forEach((s, i) => {
    for (const m of isDNS1035Label(s)) errs.push(fieldError.invalid(`${path}.shortNames[${i}]`, s, m));
  });
  if (nm.kind && nm.kind === nm.listKind) errs.push(fieldError.invalid(`${path}.listKind`, nm.listKind, "kind and listKind may not be the same"));
  (nm.categories ?? []).forEach((c, i) => {
    for (const m of isDNS1035Label(c)) errs.push(fieldError.invalid(`${path}.categories[${i}]`, c, m));
  });
}

const columnTypes = ["boolean", "date", "integer", "number", "string"];

export function validateCrd(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec;
  const name = crd.metadata.name ?? "";
  for (const m of nameIsDNSSubdomain(name, false)) if (name) errs.push(fieldError.invalid("metadata.name", name, m));
  if (name && name !== `${spec.names?.plural}.${spec.group}`) errs.push(fieldError.invalid("metadata.name", name, `must be spec.names.plural+"."+spec.group`));

  errs.push(...apiApprovalErrors(crd));
  if (!spec.group) errs.push(fieldError.required("spec.group"));
  else if (isDNS1123Subdomain(spec.group).length) errs.push(fieldError.invalid("spec.group", spec.group, isDNS1123Subdomain(spec.group).join(",")));
  else if (spec.group.split(".").length < 2) errs.push(fieldError.invalid("spec.group", spec.group, "should be a domain with at least one dot"));

  if (!spec.scope) errs.push(fieldError.required("spec.scope"));
  else if (spec.scope !== "Cluster" && spec.scope !== "Namespaced") errs.push(fieldError.notSupported("spec.scope", spec.scope, ["Cluster", "Namespaced"]));

  const versions = spec.versions ?? [];
  if (versions.length === 0) errs.push(fieldError.invalid("spec.versions", versions, "must have exactly one version marked as storage version"));
  const seen = new Set<string>();
  let storageCount = 0;
  let unique = true;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (v.storage) storageCount++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const m = isDNS1035Label(v.name ?? "");
    if (m.length) errs.push(fieldError.invalid(`${p}.name`, v.name, m.join(",")));
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) errs.push(fieldError.required(`${p}.schema.openAPIV3Schema`, "schemas are required"));
    else errs.push(...validateStructuralSchema(schema, `${p}.schema.openAPIV3Schema`));
    const scale = v.subresources?.scale;
    if (scale) {
      if (!scale.specReplicasPath) errs.push(fieldError.required(`${p}.subresources.scale.specReplicasPath`));
      else if (!scale.specReplicasPath.startsWith(".spec.")) errs.push(fieldError.invalid(`${p}.subresources.scale.specReplicasPath`, scale.specReplicasPath, "should be a json path under .spec"));
      if (!scale.statusReplicasPath) errs.push(fieldError.required(`${p}.subresources.scale.statusReplicasPath`));
      else if (!scale.statusReplicasPath.startsWith(".status.")) errs.push(fieldError.invalid(`${p}.subresources.scale.statusReplicasPath`, scale.statusReplicasPath, "should be a json path under .status"));
      if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath)) {
        errs.push(fieldError.invalid(`${p}.subresources.scale.labelSelectorPath`, scale.labelSelectorPath, "should be a json path under either .spec or .status"));
      }
    }
    (v.additionalPrinterColumns ?? []).forEach((c, j) => {
      const cp = `${p}.additionalPrinterColumns[${j}]`;
      if (!c.name) errs.push(fieldError.required(`${cp}.name`));
      if (!c.type) errs.push(fieldError.required(`${cp}.type`));
      else if (!columnTypes.includes(c.type)) errs.push(fieldError.notSupported(`${cp}.type`, c.type, columnTypes));
      if (c.format && !["int32", "int64", "float", "double", "byte", "date", "date-time", "password"].includes(c.format)) {
        errs.push(fieldError.notSupported(`${cp}.format`, c.format, ["int32", "int64", "float", "double", "byte", "date", "date-time", "password"]));
      }
      if (!c.jsonPath) errs.push(fieldError.required(`${cp}.JSONPath`));
      else {
        try {
          parseJsonPath(c.jsonPath);
        } catch {
          errs.push(fieldError.invalid(`${cp}.JSONPath`, c.jsonPath, "must be a simple json path"));
        }
      }
      if (c.priority !== undefined && c.priority < 0) errs.push(fieldError.invalid(`${cp}.priority`, c.priority, "must be non-negative"));
    });
  });
  if (!unique) errs.push(fieldError.invalid("spec.versions", versions, "must contain unique version names"));
  if (versions.length > 0 && storageCount !== 1) errs.push(fieldError.invalid("spec.versions", versions, "must have exactly one version marked as storage version"));

  if (!spec.names?.plural) errs.push(fieldError.required("spec.names.plural"));
  if (!spec.names?.singular) errs.push(fieldError.required("spec.names.singular"));
  if (!spec.names?.kind) errs.push(fieldError.required("spec.names.kind"));
  if (!spec.names?.listKind) errs.push(fieldError.required("spec.names.listKind"));
  names(errs, spec.names, "spec.names");

  const conv = spec.conversion;
  if (conv) {
    if (conv.strategy !== "None" && conv.strategy !== "Webhook") errs.push(fieldError.notSupported("spec.conversion.strategy", conv.strategy, ["None", "Webhook"]));
    if (conv.strategy === "Webhook") {
      const cc = conv.webhook?.clientConfig;
      if (!conv.webhook || !cc) errs.push(fieldError.required("spec.conversion.webhook", "required when strategy is set to Webhook"));
      else {
        if (!cc.url && !cc.service) errs.push(fieldError.required("spec.conversion.webhook.clientConfig", "exactly one of url or service is required"));
        if (cc.url && cc.service) errs.push(fieldError.required("spec.conversion.webhook.clientConfig", "exactly one of url or service is required"));
        if (cc.url && !cc.url.startsWith("https://")) errs.push(fieldError.invalid("spec.conversion.webhook.clientConfig.url", cc.url, "'https' is the only allowed URL scheme"));
        if (!conv.webhook.conversionReviewVersions?.includes("v1") && !conv.webhook.conversionReviewVersions?.includes("v1beta1")) {
          errs.push(fieldError.invalid("spec.conversion.webhook.conversionReviewVersions", conv.webhook.conversionReviewVersions ?? [], "must include at least one of v1, v1beta1"));
        }
      }
    } else if (conv.webhook) {
      errs.push(fieldError.forbidden("spec.conversion.webhook", "should not be set when strategy is not set to Webhook"));
    }
  }
  if (spec.preserveUnknownFields === true) errs.push(fieldError.invalid("spec.preserveUnknownFields", true, "must be false in order to use defaults in the schema"));

  names(errs, crd.status?.acceptedNames, "status.acceptedNames");
  if (old) {
    if (spec.group !== old.spec.group) errs.push(fieldError.invalid("spec.group", spec.group, "field is immutable"));
    if (spec.names?.plural !== old.spec.names?.plural) errs.push(fieldError.invalid("spec.names.plural", spec.names?.plural, "field is immutable"));
    if (isConditionTrue(old, "Established")) {
      if (spec.scope !== old.spec.scope) errs.push(fieldError.invalid("spec.scope", spec.scope, "field is immutable"));
      if (spec.names?.kind !== old.spec.names?.kind) errs.push(fieldError.invalid("spec.names.kind", spec.names?.kind, "field is immutable"));
    }
    (crd.status?.storedVersions ?? []).forEach((sv, i) => {
      if (!versions.some((v) => v.name === sv)) errs.push(fieldError.invalid(`status.storedVersions[${i}]`, sv, "must appear in spec.versions"));
    });
  }
  return errs;
}

const approvalAnnotation = "api-approved.kubernetes.io";

/** Groups under k8s.io and kubernetes.io need the API approval annotation (upstream's validateAPIApproval). */
function apiApprovalErrors(crd: CustomResourceDefinition): FieldError[] {
  const group = crd.spec?.group ?? "";
  const field = `metadata.annotations[${approvalAnnotation}]`;
  const protectedGroup = group === "k8s.io" || group === "kubernetes.io" || group.endsWith(".k8s.io") || group.endsWith(".kubernetes.io");
  const value = crd.metadata.annotations?.[approvalAnnotation];
  if (!protectedGroup) return [];
  if (value === undefined) return [fieldError.required(field, `protected groups must have approval annotation "${approvalAnnotation}", see https://github.com/kubernetes/enhancements/pull/1111`)];
  if (value.startsWith("unapproved")) return [];
  try {
    new URL(value);
    return [];
  } catch {
    return [fieldError.invalid(field, value, `protected groups must have approval annotation "${approvalAnnotation}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`)];
  }
}

export function isConditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return crd.status?.conditions?.some((c) => c.type === type && c.status === "True") === true;
}

/** Sets a condition, keeping lastTransitionTime when the status does not change (apiextensions SetCRDCondition). */
export function setCrdCondition(crd: CustomResourceDefinition, cond: CustomResourceDefinitionCondition, now: string): void {
  const status = (crd.status ??= {});
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === cond.type);
  if (i < 0) {
    conditions.push({ ...cond, lastTransitionTime: now });
    return;
  }
  const prev = conditions[i];
  conditions[i] = { ...cond, lastTransitionTime: prev.status === cond.status ? prev.lastTransitionTime ?? now : now };
}

function storageVersion(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions?.find((v) => v.storage)?.name;
}

export const crdResource: ResourceType = {
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  singular: "customresourcedefinition",
  namespaced: false,
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
  definition: n.CustomResourceDefinition,
  definitions: crdDefinitions,
  subresources: { status: true },
  strategy: {
    tracksGeneration: true,
    defaults: (obj) => defaultCrd(asCrd(obj)),
    validate: (obj, old) => validateCrd(asCrd(obj), old ? asCrd(old) : undefined),
    prepareForCreate(obj) {
      const crd = asCrd(obj);
      crd.status = { storedVersions: [] };
      const sv = storageVersion(crd);
      if (sv) crd.status.storedVersions = [sv];
    },
    prepareForUpdate(obj, old) {
      const crd = asCrd(obj);
      crd.status = structuredClone(asCrd(old).status) ?? {};
      const sv = storageVersion(crd);
      const stored = (crd.status.storedVersions ??= []);
      if (sv && !stored.includes(sv)) stored.push(sv);
    },
    specChanged: (obj, old) => !isDeepStrictEqual(asCrd(obj).spec, asCrd(old).spec),
    onDelete(obj) {
      const crd = structuredClone(asCrd(obj));
      const finalizers = (crd.metadata.finalizers ??= []);
      if (!finalizers.includes(crdCleanupFinalizer)) finalizers.push(crdCleanupFinalizer);
      setCrdCondition(
        crd,
        { type: "Terminating", status: "True", reason: "InstanceDeletionPending", message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon" },
        new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      );
      return crd;
    },
  },
};
