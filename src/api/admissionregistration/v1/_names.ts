// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.admissionregistration.v1.";

export const n = {
  MutatingWebhookConfiguration: p + "MutatingWebhookConfiguration",
  MutatingWebhookConfigurationList: p + "MutatingWebhookConfigurationList",
  MutatingWebhook: p + "MutatingWebhook",
  ValidatingWebhookConfiguration: p + "ValidatingWebhookConfiguration",
  ValidatingWebhookConfigurationList: p + "ValidatingWebhookConfigurationList",
  ValidatingWebhook: p + "ValidatingWebhook",
  WebhookClientConfig: p + "WebhookClientConfig",
  ServiceReference: p + "ServiceReference",
  RuleWithOperations: p + "RuleWithOperations",
  MatchCondition: p + "MatchCondition",
} as const;
