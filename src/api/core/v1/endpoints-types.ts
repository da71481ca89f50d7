// TypeScript shapes of core/v1 endpoints types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { ObjectReference } from "./reference-types.js";

/** Endpoints is a collection of endpoints that implement the actual service. */
export interface Endpoints extends KubeObject {
  apiVersion?: "v1";
  kind?: "Endpoints";
  metadata: ObjectMeta;
  subsets?: EndpointSubset[];
}

/** EndpointSubset is a group of addresses with a common set of ports. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** EndpointAddress is a tuple that describes single IP address. */
export interface EndpointAddress {
  hostname?: string;
  ip: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

/** EndpointPort is a tuple that describes a single port. */
export interface EndpointPort {
  appProtocol?: string;
  name?: string;
  port: number;
  protocol?: string;
}
