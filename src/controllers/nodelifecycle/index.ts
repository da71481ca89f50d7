// The public face of the node lifecycle and taint-eviction controllers.
export { NodeLifecycleController, nodeLeaseNamespace } from "./node-lifecycle-controller.js";
export type { NodeLifecycleControllerOptions } from "./node-lifecycle-controller.js";
export { TaintEvictionController } from "./taint-eviction-controller.js";
export type { TaintEvictionControllerOptions } from "./taint-eviction-controller.js";
export { toleratesTaint, matchingTolerations, minTolerationMs, taintNodeNotReady, taintNodeUnreachable, taintNodeUnschedulable, taintNodeOutOfService } from "./taints.js";
