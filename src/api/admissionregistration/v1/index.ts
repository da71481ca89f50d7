// The public face of admissionregistration.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { mutatingWebhookConfigurationsResource, validatingWebhookConfigurationsResource } from "./webhook.js";
import { validatingAdmissionPoliciesResource, validatingAdmissionPolicyBindingsResource } from "./policy.js";

export { webhookDefinitions as admissionregistrationV1Definitions } from "./webhook-schema.js";
export { defaultWebhook, validateWebhookConfiguration, mutatingWebhookConfigurationsResource, validatingWebhookConfigurationsResource } from "./webhook.js";
export type * from "./webhook-types.js";
export { policyDefinitions as admissionregistrationV1PolicyDefinitions } from "./policy-schema.js";
export { validatingAdmissionPoliciesResource, validatingAdmissionPolicyBindingsResource, policyCelVariables } from "./policy.js";
export type * from "./policy-types.js";

export const admissionregistrationV1Resources: ResourceType[] = [
  mutatingWebhookConfigurationsResource,
  validatingAdmissionPoliciesResource,
  validatingAdmissionPolicyBindingsResource,
  validatingWebhookConfigurationsResource,
];
