// The public face of admissionregistration.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { mutatingWebhookConfigurationsResource, validatingWebhookConfigurationsResource } from "./webhook.js";

export { webhookDefinitions as admissionregistrationV1Definitions } from "./webhook-schema.js";
export { defaultWebhook, validateWebhookConfiguration, mutatingWebhookConfigurationsResource, validatingWebhookConfigurationsResource } from "./webhook.js";
export type * from "./webhook-types.js";

export const admissionregistrationV1Resources: ResourceType[] = [mutatingWebhookConfigurationsResource, validatingWebhookConfigurationsResource];
