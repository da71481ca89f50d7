// The public face of the disruption controller.
export { DisruptionController, disruptedPodTimeoutMs } from "./disruption-controller.js";
export type { DisruptionControllerOptions } from "./disruption-controller.js";
