// Schemas of io.k8s.api.admissionregistration.v1 ValidatingAdmissionPolicy(Binding), after upstream's OpenAPI
// (staging/src/k8s.io/api/admissionregistration/v1/types.go); descriptions cut to their first sentence.
import { string, int64, ref, object, arrayOf, mergeList, topLevel, labelSelector, meta } from "../../schema.js";
import type { Definitions, Schema } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const atomic = (items: Schema, description: string): Schema => arrayOf(items, description, { "x-kubernetes-list-type": "atomic" });
const gv = (kind: string) => ({ group: "admissionregistration.k8s.io", version: "v1", kind });

export const policyDefinitions: Definitions = {
  [n.ValidatingAdmissionPolicy]: topLevel(
    {
      spec: ref(n.ValidatingAdmissionPolicySpec, "Specification of the desired behavior of the ValidatingAdmissionPolicy."),
      status: ref(n.ValidatingAdmissionPolicyStatus, "The status of the ValidatingAdmissionPolicy, including warnings that are useful to determine if the policy behaves in the expected way."),
    },
    "ValidatingAdmissionPolicy describes the definition of an admission validation policy that accepts or rejects an object without changing it.",
    gv("ValidatingAdmissionPolicy"),
  ),
  [n.ValidatingAdmissionPolicyList]: listOf(n.ValidatingAdmissionPolicy, "ValidatingAdmissionPolicyList is a list of ValidatingAdmissionPolicy.", gv("ValidatingAdmissionPolicyList")),
  [n.ValidatingAdmissionPolicySpec]: object(
    {
      auditAnnotations: atomic(ref(n.AuditAnnotation), "auditAnnotations contains CEL expressions which are used to produce audit annotations for the audit event of the API request."),
      failurePolicy: string("failurePolicy defines how to handle failures for the admission policy."),
      matchConditions: mergeList(ref(n.MatchCondition), "name", "MatchConditions is a list of conditions that must be met for a request to be validated."),
      matchConstraints: ref(n.MatchResources, "MatchConstraints specifies what resources this policy is designed to validate."),
      paramKind: ref(n.ParamKind, "ParamKind specifies the kind of resources used to parameterize this policy"),
      validations: atomic(ref(n.Validation), "Validations contain CEL expressions which is used to apply the validation."),
      variables: atomic(ref(n.Variable), "Variables contain definitions of variables that can be used in composition of other expressions."),
    },
    { description: "ValidatingAdmissionPolicySpec is the specification of the desired behavior of the AdmissionPolicy." },
  ),
  [n.ValidatingAdmissionPolicyStatus]: object(
    {
      conditions: mergeList(ref(meta.Condition), "type", "The conditions represent the latest available observations of a policy's current state."),
      observedGeneration: int64("The generation observed by the controller."),
      typeChecking: ref(n.TypeChecking, "The results of type checking for each expression."),
    },
    { description: "ValidatingAdmissionPolicyStatus represents the status of an admission validation policy." },
  ),
  [n.TypeChecking]: object({ expressionWarnings: atomic(ref(n.ExpressionWarning), "The type checking warnings for each expression.") }, { description: "TypeChecking contains results of type checking the expressions in the ValidatingAdmissionPolicy" }),
  [n.ExpressionWarning]: withRequired(
    object({ fieldRef: string("The path to the field that refers the expression."), warning: string("The content of type checking information in a human-readable form.") }, { description: "ExpressionWarning is a warning information that targets a specific expression." }),
    ["fieldRef", "warning"],
  ),
  [n.ValidatingAdmissionPolicyBinding]: topLevel(
    { spec: ref(n.ValidatingAdmissionPolicyBindingSpec, "Specification of the desired behavior of the ValidatingAdmissionPolicyBinding.") },
    "ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with paramerized resources.",
    gv("ValidatingAdmissionPolicyBinding"),
  ),
  [n.ValidatingAdmissionPolicyBindingList]: listOf(n.ValidatingAdmissionPolicyBinding, "ValidatingAdmissionPolicyBindingList is a list of ValidatingAdmissionPolicyBinding.", gv("ValidatingAdmissionPolicyBindingList")),
  [n.ValidatingAdmissionPolicyBindingSpec]: object(
    {
      matchResources: ref(n.MatchResources, "MatchResources declares what resources match this binding and will be validated by it."),
      paramRef: ref(n.ParamRef, "paramRef specifies the parameter resource used to configure the admission control policy."),
      policyName: string("PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to."),
      validationActions: arrayOf(string(), "validationActions declares how Validations of the referenced ValidatingAdmissionPolicy are enforced.", { "x-kubernetes-list-type": "set" }),
    },
    { description: "ValidatingAdmissionPolicyBindingSpec is the specification of the ValidatingAdmissionPolicyBinding." },
  ),
  [n.ParamKind]: object({ apiVersion: string("APIVersion is the API group version the resources belong to."), kind: string("Kind is the API kind the resources belong to.") }, { description: "ParamKind is a tuple of Group Kind and Version." }),
  [n.ParamRef]: object(
    {
      name: string("name is the name of the resource being referenced."),
      namespace: string("namespace is the namespace of the referenced resource."),
      parameterNotFoundAction: string("`parameterNotFoundAction` controls the behavior of the binding when the resource exists, and name or selector is valid, but there are no parameters matched by the binding."),
      selector: labelSelector("selector can be used to match multiple param objects based on their labels."),
    },
    { description: "ParamRef describes how to locate the params to be used as input to expressions of rules applied by a policy binding." },
  ),
  [n.MatchResources]: object(
    {
      excludeResourceRules: atomic(ref(n.NamedRuleWithOperations), "ExcludeResourceRules describes what operations on what resources/subresources the ValidatingAdmissionPolicy should not care about."),
      matchPolicy: string("matchPolicy defines how the \"MatchResources\" list is used to match incoming requests."),
      namespaceSelector: labelSelector("NamespaceSelector decides whether to run the admission control policy on an object based on whether the namespace for that object matches the selector."),
      objectSelector: labelSelector("ObjectSelector decides whether to run the validation based on if the object has matching labels."),
      resourceRules: atomic(ref(n.NamedRuleWithOperations), "ResourceRules describes what operations on what resources/subresources the ValidatingAdmissionPolicy matches."),
    },
    { description: "MatchResources decides whether to run the admission control policy on an object based on whether it meets the match criteria." },
  ),
  [n.NamedRuleWithOperations]: object(
    {
      apiGroups: atomic(string(), "APIGroups is the API groups the resources belong to."),
      apiVersions: atomic(string(), "APIVersions is the API versions the resources belong to."),
      operations: atomic(string(), "Operations is the operations the admission hook cares about - CREATE, UPDATE, DELETE, CONNECT or * for all of those operations and any future admission operations that are added."),
      resourceNames: atomic(string(), "ResourceNames is an optional white list of names that the rule applies to."),
      resources: atomic(string(), "Resources is a list of resources this rule applies to."),
      scope: string("scope specifies the scope of this rule."),
    },
    { description: "NamedRuleWithOperations is a tuple of Operations and Resources with ResourceNames." },
  ),
  [n.Validation]: withRequired(
    object(
      {
        expression: string("Expression represents the expression which will be evaluated by CEL."),
        message: string("Message represents the message displayed when validation fails."),
        messageExpression: string("messageExpression declares a CEL expression that evaluates to the validation failure message that is returned when this rule fails."),
        reason: string("Reason represents a machine-readable description of why this validation failed."),
      },
      { description: "Validation specifies the CEL expression which is used to apply the validation." },
    ),
    ["expression"],
  ),
  [n.AuditAnnotation]: withRequired(object({ key: string("key specifies the audit annotation key."), valueExpression: string("valueExpression represents the expression which is evaluated by CEL to produce an audit annotation value.") }, { description: "AuditAnnotation describes how to produce an audit annotation for an API request." }), ["key", "valueExpression"]),
  [n.Variable]: withRequired(object({ expression: string("Expression is the expression that will be evaluated as the value of the variable."), name: string("Name is the name of the variable.") }, { description: "Variable is the definition of a variable that is used for composition." }), ["name", "expression"]),
};
