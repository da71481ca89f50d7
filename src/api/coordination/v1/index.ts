// The public face of coordination.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { leasesResource } from "./lease.js";

export { leaseDefinitions as coordinationV1Definitions } from "./lease-schema.js";
export { leasesResource, validateLease } from "./lease.js";
export type { Lease, LeaseSpec } from "./lease-types.js";

export const coordinationV1Resources: ResourceType[] = [leasesResource];
