// The public face of apiextensions.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { crdResource } from "./crd.js";

export { crdDefinitions as apiextensionsV1Definitions } from "./crd-schema.js";
export { crdResource, crdCleanupFinalizer, defaultCrd, validateCrd, setCrdCondition, isConditionTrue } from "./crd.js";
export type { CustomResourceDefinition, CustomResourceDefinitionSpec, CustomResourceDefinitionStatus, CustomResourceDefinitionNames, CustomResourceDefinitionVersion, CustomResourceDefinitionCondition, CustomResourceColumnDefinition, CustomResourceConversion, WebhookClientConfig, JSONSchemaProps, ValidationRule } from "./crd-types.js";

export const apiextensionsV1Resources: ResourceType[] = [crdResource];
