// TypeScript shapes of io.k8s.api.apps.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";

/** ControllerRevision implements an immutable snapshot of state data. */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  metadata: ObjectMeta;
  revision: number;
}
