/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and its binding: upstream's
 * defaults and validation (pkg/apis/admissionregistration/validation), CEL expressions
 * compiled at write time so a typo is a 422, not a surprise at admission.
 */
import { fieldError, labelSelectorFromObject } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import { compileCel } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor } from "../../resource-type.js";
import { ageColumn, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { n } from "./_names.js";
import { policyDefinitions } from "./policy-schema.js";
import type { MatchResources, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from "./policy-types.js";
import { validateRule } from "./webhook.js";

/** The variables every policy expression may use. */
export const policyCelVariables = { object: "dyn", oldObject: "dyn", request: "dyn", params: "dyn", namespaceObject: "dyn", variables: "dyn", authorizer: "dyn" };

export function defaultMatchResources(m: MatchResources): void {
  m.matchPolicy ??= "Equivalent";
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) r.scope ??= "*";
}

export function defaultPolicy(p: ValidatingAdmissionPolicy): void {
  p.spec ??= {};
  p.spec.failurePolicy ??= "Fail";
  if (p.spec.matchConstraints) defaultMatchResources(p.spec.matchConstraints);
}

export function defaultBinding(b: ValidatingAdmissionPolicyBinding): void {
  if (b.spec?.matchResources) defaultMatchResources(b.spec.matchResources);
}

function celErrors(path: string, expression: string | undefined): FieldError[] {
  if (!expression) return [fieldError.required(path)];
  const compiled = compileCel(expression, { variables: policyCelVariables });
  return compiled.ok ? [] : [fieldError.invalid(path, expression, `compilation failed: ${compiled.error}`)];
}

function validateMatchResources(m: MatchResources, path: string, requireRules: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (requireRules && (m.resourceRules ?? []).length === 0) errs.push(fieldError.required(`${path}.resourceRules`));
  (m.resourceRules ?? []).forEach((r, i) => errs.push(...validateRule(r, `${path}.resourceRules[${i}]`)));
  (m.excludeResourceRules ?? []).forEach((r, i) => errs.push(...validateRule(r, `${path}.excludeResourceRules[${i}]`)));
  if (m.matchPolicy !== undefined && m.matchPolicy !== "Exact" && m.matchPolicy !== "Equivalent") errs.push(fieldError.notSupported(`${path}.matchPolicy`, m.matchPolicy, ["Equivalent", "Exact"]));
  for (const sel of ["namespaceSelector", "objectSelector"] as const) {
    try {
      labelSelectorFromObject(m[sel] ?? {});
    } catch (err) {
      errs.push(fieldError.invalid(`${path}.${sel}`, m[sel], err instanceof Error ? err.message : String(err)));
    }
  }
  return errs;
}

const reasons = ["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"];

export function validatePolicy(p: ValidatingAdmissionPolicy): FieldError[] {
  const errs = validateNameRule(p);
  const spec = p.spec ?? {};
  if (spec.paramKind) {
    if (!spec.paramKind.kind) errs.push(fieldError.required("spec.paramKind.kind"));
    if (!spec.paramKind.apiVersion) errs.push(fieldError.required("spec.paramKind.apiVersion"));
  }
  if (!spec.matchConstraints) errs.push(fieldError.required("spec.matchConstraints"));
  else errs.push(...validateMatchResources(spec.matchConstraints, "spec.matchConstraints", true));
  if ((spec.validations ?? []).length === 0 && (spec.auditAnnotations ?? []).length === 0) {
    errs.push(fieldError.required("spec.validations", "validations or auditAnnotations must contain at least one item"));
  }
  (spec.validations ?? []).forEach((v, i) => {
    const path = `spec.validations[${i}]`;
    errs.push(...celErrors(`${path}.expression`, v.expression));
    if (v.messageExpression !== undefined) errs.push(...celErrors(`${path}.messageExpression`, v.messageExpression));
    if (v.reason !== undefined && !reasons.includes(v.reason)) errs.push(fieldError.notSupported(`${path}.reason`, v.reason, reasons));
  });
  (spec.auditAnnotations ?? []).forEach((a, i) => {
    if (!a.key) errs.push(fieldError.required(`spec.auditAnnotations[${i}].key`));
    errs.push(...celErrors(`spec.auditAnnotations[${i}].valueExpression`, a.valueExpression));
  });
  (spec.matchConditions ?? []).forEach((c, i) => {
    if (!c.name) errs.push(fieldError.required(`spec.matchConditions[${i}].name`));
    errs.push(...celErrors(`spec.matchConditions[${i}].expression`, c.expression));
  });
  (spec.variables ?? []).forEach((v, i) => {
    if (!v.name) errs.push(fieldError.required(`spec.variables[${i}].name`));
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name)) errs.push(fieldError.invalid(`spec.variables[${i}].name`, v.name, "name is not a valid CEL identifier"));
    errs.push(...celErrors(`spec.variables[${i}].expression`, v.expression));
  });
  if (spec.failurePolicy !== undefined && spec.failurePolicy !== "Fail" && spec.failurePolicy !== "Ignore") errs.push(fieldError.notSupported("spec.failurePolicy", spec.failurePolicy, ["Fail", "Ignore"]));
  return errs;
}

const actions = ["Audit", "Deny", "Warn"];

export function validateBinding(b: ValidatingAdmissionPolicyBinding): FieldError[] {
  const errs = validateNameRule(b);
  const spec = b.spec ?? {};
  if (!spec.policyName) errs.push(fieldError.required("spec.policyName"));
  const acts = spec.validationActions ?? [];
  if (acts.length === 0) errs.push(fieldError.required("spec.validationActions", "at least one validation action is required"));
  const seen = new Set<string>();
  acts.forEach((a, i) => {
    if (!actions.includes(a)) errs.push(fieldError.notSupported(`spec.validationActions[${i}]`, a, actions));
    if (seen.has(a)) errs.push(fieldError.duplicate(`spec.validationActions[${i}]`, a));
    seen.add(a);
  });
  if (seen.has("Deny") && seen.has("Warn")) {
    errs.push(fieldError.invalid("spec.validationActions", acts, "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
  }
  const ref = spec.paramRef;
  if (ref) {
    if (ref.name && ref.selector) errs.push(fieldError.forbidden("spec.paramRef.name", "name and selector are mutually exclusive"));
    if (!ref.name && !ref.selector) errs.push(fieldError.required("spec.paramRef", "one of name or selector must be specified"));
    if (!ref.parameterNotFoundAction) errs.push(fieldError.required("spec.paramRef.parameterNotFoundAction"));
    else if (ref.parameterNotFoundAction !== "Allow" && ref.parameterNotFoundAction !== "Deny") errs.push(fieldError.notSupported("spec.paramRef.parameterNotFoundAction", ref.parameterNotFoundAction, ["Deny", "Allow"]));
  }
  if (spec.matchResources) errs.push(...validateMatchResources(spec.matchResources, "spec.matchResources", false));
  return errs;
}

const policyTable: TableConvertor = {
  columns: [nameColumn, { name: "Validations", type: "integer", format: "", description: "Validations contain CEL expressions which is used to apply the validation.", priority: 0 }, { name: "ParamKind", type: "string", format: "", description: "ParamKind specifies the kind of resources used to parameterize this policy", priority: 0 }, ageColumn],
  cells(obj, now) {
    const p = obj as ValidatingAdmissionPolicy;
    const pk = p.spec?.paramKind;
    return [p.metadata.name, (p.spec?.validations ?? []).length, pk ? `${pk.apiVersion}/${pk.kind}` : "<unset>", translateTimestampSince(p.metadata.creationTimestamp, now)];
  },
};

const bindingTable: TableConvertor = {
  columns: [nameColumn, { name: "PolicyName", type: "string", format: "", description: "PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to.", priority: 0 }, { name: "ParamRef", type: "string", format: "", description: "paramRef specifies the parameter resource used to configure the admission control policy.", priority: 0 }, ageColumn],
  cells(obj, now) {
    const b = obj as ValidatingAdmissionPolicyBinding;
    const ref = b.spec?.paramRef;
    return [b.metadata.name, b.spec?.policyName ?? "", ref ? `${ref.namespace ? ref.namespace + "/" : ""}${ref.name ?? "*"}` : "<unset>", translateTimestampSince(b.metadata.creationTimestamp, now)];
  },
};

export const validatingAdmissionPoliciesResource: ResourceType = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicy",
  plural: "validatingadmissionpolicies",
  singular: "validatingadmissionpolicy",
  namespaced: false,
  categories: ["api-extensions"],
  definition: n.ValidatingAdmissionPolicy,
  definitions: policyDefinitions,
  subresources: { status: true },
  strategy: {
    defaults: (obj: KubeObject) => defaultPolicy(obj as ValidatingAdmissionPolicy),
    validate: (obj: KubeObject) => validatePolicy(obj as ValidatingAdmissionPolicy),
    table: policyTable,
    tracksGeneration: true,
  },
};

export const validatingAdmissionPolicyBindingsResource: ResourceType = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicyBinding",
  plural: "validatingadmissionpolicybindings",
  singular: "validatingadmissionpolicybinding",
  namespaced: false,
  categories: ["api-extensions"],
  definition: n.ValidatingAdmissionPolicyBinding,
  definitions: policyDefinitions,
  strategy: {
    defaults: (obj: KubeObject) => defaultBinding(obj as ValidatingAdmissionPolicyBinding),
    validate: (obj: KubeObject) => validateBinding(obj as ValidatingAdmissionPolicyBinding),
    table: bindingTable,
    tracksGeneration: true,
  },
};
