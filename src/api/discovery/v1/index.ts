// The public face of discovery.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { endpointSlicesResource } from "./endpointslice.js";

export { endpointsliceDefinitions as discoveryV1Definitions } from "./endpointslice-schema.js";
export { endpointSlicesResource, defaultEndpointSlice, validateEndpointSlice } from "./endpointslice.js";
export type { EndpointSlice, Endpoint, EndpointConditions, EndpointHints, EndpointPort, ForZone, ForNode } from "./endpointslice-types.js";

export const discoveryV1Resources: ResourceType[] = [endpointSlicesResource];
