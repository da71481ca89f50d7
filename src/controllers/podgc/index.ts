// The public face of the pod garbage collector.
export { PodGCController } from "./podgc-controller.js";
export type { PodGCControllerOptions } from "./podgc-controller.js";
