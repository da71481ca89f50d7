// The public face of the node IPAM controller.
export { NodeIpamController } from "./nodeipam-controller.js";
export type { NodeIpamControllerOptions } from "./nodeipam-controller.js";
export { CidrSet, parseCidr, formatIp } from "./cidr-set.js";
