// The public face of the EndpointSlice controller.
export { EndpointSliceController, serviceNameLabel, managedByLabel, endpointSliceControllerName } from "./endpointslice-controller.js";
export type { EndpointSliceControllerOptions } from "./endpointslice-controller.js";
export { planSlices } from "./plan.js";
export type { SlicePlan, PlanOptions } from "./plan.js";
export { desiredPortGroups, endpointPorts, zoneLabel } from "./desired.js";
export type { PortGroup } from "./desired.js";
