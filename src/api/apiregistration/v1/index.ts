// The public face of apiregistration.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { apiServicesResource } from "./apiservice.js";

export { apiServiceDefinitions as apiregistrationV1Definitions } from "./apiservice-schema.js";
export { apiServicesResource, validateAPIService, defaultAPIService } from "./apiservice.js";
export type { APIService, APIServiceCondition } from "./apiservice-types.js";

export const apiregistrationV1Resources: ResourceType[] = [apiServicesResource];
