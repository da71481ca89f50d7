// Schemas of io.k8s.api.admissionregistration.v1 webhook configurations, after upstream's OpenAPI
// (staging/src/k8s.io/api/admissionregistration/v1/types.go); descriptions cut to their first sentence.
import { string, int32, bytes, ref, object, arrayOf, mergeList, topLevel, labelSelector } from "../../schema.js";
import type { Definitions, Schema } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const atomicStrings = (description: string): Schema => arrayOf(string(), description, { "x-kubernetes-list-type": "atomic" });

function webhookFields(mutating: boolean): Record<string, Schema> {
  return {
    admissionReviewVersions: atomicStrings("AdmissionReviewVersions is an ordered list of preferred `AdmissionReview` versions the Webhook expects."),
    clientConfig: ref(n.WebhookClientConfig, "ClientConfig defines how to communicate with the hook."),
    failurePolicy: string("FailurePolicy defines how unrecognized errors from the admission endpoint are handled - allowed values are Ignore or Fail."),
    matchConditions: mergeList(ref(n.MatchCondition), "name", "MatchConditions is a list of conditions that must be met for a request to be sent to this webhook."),
    matchPolicy: string("matchPolicy defines how the \"rules\" list is used to match incoming requests."),
    name: string("The name of the admission webhook."),
    namespaceSelector: labelSelector("NamespaceSelector decides whether to run the webhook on an object based on whether the namespace for that object matches the selector."),
    objectSelector: labelSelector("ObjectSelector decides whether to run the webhook based on if the object has matching labels."),
    ...(mutating ? { reinvocationPolicy: string("reinvocationPolicy indicates whether this webhook should be called multiple times as part of a single admission evaluation.") } : {}),
    rules: arrayOf(ref(n.RuleWithOperations), "Rules describes what operations on what resources/subresources the webhook cares about.", { "x-kubernetes-list-type": "atomic" }),
    sideEffects: string("SideEffects states whether this webhook has side effects."),
    timeoutSeconds: int32("TimeoutSeconds specifies the timeout for this webhook."),
  };
}

export const webhookDefinitions: Definitions = {
  [n.ValidatingWebhookConfiguration]: topLevel(
    { webhooks: mergeList(ref(n.ValidatingWebhook), "name", "Webhooks is a list of webhooks and the affected resources and operations.") },
    "ValidatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and object without changing it.",
    { group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingWebhookConfiguration" },
  ),
  [n.ValidatingWebhookConfigurationList]: listOf(n.ValidatingWebhookConfiguration, "ValidatingWebhookConfigurationList is a list of ValidatingWebhookConfiguration.", {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "ValidatingWebhookConfigurationList",
  }),
  [n.MutatingWebhookConfiguration]: topLevel(
    { webhooks: mergeList(ref(n.MutatingWebhook), "name", "Webhooks is a list of webhooks and the affected resources and operations.") },
    "MutatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and may change the object.",
    { group: "admissionregistration.k8s.io", version: "v1", kind: "MutatingWebhookConfiguration" },
  ),
  [n.MutatingWebhookConfigurationList]: listOf(n.MutatingWebhookConfiguration, "MutatingWebhookConfigurationList is a list of MutatingWebhookConfiguration.", {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "MutatingWebhookConfigurationList",
  }),
  [n.ValidatingWebhook]: withRequired(object(webhookFields(false), { description: "ValidatingWebhook describes an admission webhook and the resources and operations it applies to." }), ["name", "clientConfig", "sideEffects", "admissionReviewVersions"]),
  [n.MutatingWebhook]: withRequired(object(webhookFields(true), { description: "MutatingWebhook describes an admission webhook and the resources and operations it applies to." }), ["name", "clientConfig", "sideEffects", "admissionReviewVersions"]),
  [n.WebhookClientConfig]: object(
    {
      caBundle: bytes("`caBundle` is a PEM encoded CA bundle which will be used to validate the webhook's server certificate."),
      service: ref(n.ServiceReference, "`service` is a reference to the service for this webhook."),
      url: string("`url` gives the location of the webhook, in standard URL form (`scheme://host:port/path`)."),
    },
    { description: "WebhookClientConfig contains the information to make a TLS connection with the webhook" },
  ),
  [n.ServiceReference]: withRequired(
    object(
      {
        name: string("`name` is the name of the service."),
        namespace: string("`namespace` is the namespace of the service."),
        path: string("`path` is an optional URL path which will be sent in any request to this service."),
        port: int32("If specified, the port on the service that hosting webhook."),
      },
      { description: "ServiceReference holds a reference to Service.legacy.k8s.io" },
    ),
    ["namespace", "name"],
  ),
  [n.RuleWithOperations]: object(
    {
      apiGroups: atomicStrings("APIGroups is the API groups the resources belong to."),
      apiVersions: atomicStrings("APIVersions is the API versions the resources belong to."),
      operations: atomicStrings("Operations is the operations the admission hook cares about - CREATE, UPDATE, DELETE, CONNECT or * for all of those operations and any future admission operations that are added."),
      resources: atomicStrings("Resources is a list of resources this rule applies to."),
      scope: string("scope specifies the scope of this rule."),
    },
    { description: "RuleWithOperations is a tuple of Operations and Resources." },
  ),
  [n.MatchCondition]: withRequired(
    object(
      {
        expression: string("Expression represents the expression which will be evaluated by CEL."),
        name: string("Name is an identifier for this match condition, used for strategic merging of MatchConditions, as well as providing an identifier for logging purposes."),
      },
      { description: "MatchCondition represents a condition which must by fulfilled for a request to be sent to a webhook." },
    ),
    ["name", "expression"],
  ),
};
