// Admission webhooks: the configurations' cache and the two admission plugins.
export { WebhookConfigurations } from "./config-cache.js";
export { webhookAdmissionPlugins } from "./dispatcher.js";
export { PrefixCache } from "./config-cache.js";
export { isExemptFromWebhooks, ruleMatches, namespaceSelectorMatches, objectSelectorMatches, namespaceOf, type Selectors } from "./matching.js";
export { reviewRequest } from "./dispatcher.js";
