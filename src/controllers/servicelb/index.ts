// The public face of the service load balancer controller.
export { ServiceLbController, managedLoadBalancer, desiredIngress } from "./servicelb-controller.js";
export type { ServiceLbControllerOptions } from "./servicelb-controller.js";
