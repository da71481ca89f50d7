// TypeScript shapes of apiregistration.k8s.io/v1 APIService.
import type { KubeObject, ObjectMeta } from "../../object.js";

export interface APIServiceCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface APIService extends KubeObject {
  metadata: ObjectMeta;
  spec?: {
    /** Absent: served by this API server itself ("Local"). */
    service?: { namespace?: string; name?: string; port?: number };
    group?: string;
    version?: string;
    insecureSkipTLSVerify?: boolean;
    /** PEM bundle, base64 in JSON. */
    caBundle?: string;
    groupPriorityMinimum?: number;
    versionPriority?: number;
  };
  status?: { conditions?: APIServiceCondition[] };
}
