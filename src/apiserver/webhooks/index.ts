// Admission webhooks: the configurations' cache and the two admission plugins.
export { WebhookConfigurations } from "./config-cache.js";
export { webhookAdmissionPlugins } from "./dispatcher.js";
export { postToWebhook, WebhookCallError, type ClientConfig } from "./call.js";
