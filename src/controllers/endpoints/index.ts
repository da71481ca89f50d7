// The public face of the endpoints controller.
export { EndpointsController, desiredSubsets, endpointsManagedByLabel, endpointsControllerName, lastChangeTriggerTimeAnnotation, overCapacityAnnotation, headlessServiceLabel, maxEndpointsCapacity } from "./endpoints-controller.js";
export type { EndpointsControllerOptions } from "./endpoints-controller.js";
export { repackSubsets } from "./repack.js";
export { TriggerTimeTracker } from "./trigger-time-tracker.js";
export { findPort, shouldPodBeInEndpoints, isPodReady } from "./pod-endpoints.js";
