// TypeScript shapes of io.k8s.api.policy.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { DeleteOptions } from "../../meta/v1/index.js";

/** Eviction evicts a pod from its node subject to certain policies and safety constraints. */
export interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions;
  metadata: ObjectMeta;
}
