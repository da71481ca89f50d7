// The public face of the namespace controller.
export { NamespaceController, kubernetesFinalizer } from "./namespace-controller.js";
export type { NamespaceControllerOptions } from "./namespace-controller.js";
export { deleteAllContent, finalizerEstimateSeconds } from "./content-deleter.js";
export type { ContentDeletion } from "./content-deleter.js";
export { updateNamespaceConditions, namespaceConditionTypes } from "./conditions.js";
export type { DeletionReport, NamespaceConditionType } from "./conditions.js";
