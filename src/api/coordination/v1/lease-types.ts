// TypeScript shapes of io.k8s.api.coordination.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";

/** Lease defines a lease concept. */
export interface Lease extends KubeObject {
  metadata: ObjectMeta;
  spec?: LeaseSpec;
}

/** LeaseSpec is a specification of a Lease. */
export interface LeaseSpec {
  acquireTime?: string;
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  leaseTransitions?: number;
  preferredHolder?: string;
  renewTime?: string;
  strategy?: string;
}
