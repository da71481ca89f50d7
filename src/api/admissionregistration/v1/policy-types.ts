// TypeScript shapes of io.k8s.api.admissionregistration.v1 ValidatingAdmissionPolicy and its binding.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { Condition, LabelSelector } from "../../meta/v1/index.js";
import type { MatchCondition, RuleWithOperations } from "./webhook-types.js";

export interface ParamKind {
  apiVersion?: string;
  kind?: string;
}

export interface NamedRuleWithOperations extends RuleWithOperations {
  resourceNames?: string[];
}

export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: "Exact" | "Equivalent";
}

export interface Validation {
  expression: string;
  message?: string;
  reason?: string;
  messageExpression?: string;
}

export interface AuditAnnotation {
  key: string;
  valueExpression: string;
}

export interface Variable {
  name: string;
  expression: string;
}

export interface ValidatingAdmissionPolicySpec {
  paramKind?: ParamKind;
  matchConstraints?: MatchResources;
  validations?: Validation[];
  failurePolicy?: "Ignore" | "Fail";
  auditAnnotations?: AuditAnnotation[];
  matchConditions?: MatchCondition[];
  variables?: Variable[];
}

export interface ValidatingAdmissionPolicy extends KubeObject {
  metadata: ObjectMeta;
  spec?: ValidatingAdmissionPolicySpec;
  status?: { observedGeneration?: number; typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] }; conditions?: Condition[] };
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction?: "Allow" | "Deny";
}

export interface ValidatingAdmissionPolicyBindingSpec {
  policyName?: string;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions?: ("Deny" | "Warn" | "Audit")[];
}

export interface ValidatingAdmissionPolicyBinding extends KubeObject {
  metadata: ObjectMeta;
  spec?: ValidatingAdmissionPolicyBindingSpec;
}
