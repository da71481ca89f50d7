// TypeScript shapes of io.k8s.api.discovery.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { ObjectReference } from "../../_core-types.js";

/** EndpointSlice represents a set of service endpoints. */
export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints: Endpoint[];
  metadata: ObjectMeta;
  ports?: EndpointPort[];
}

/** Endpoint represents a single logical "backend" implementing a service. */
export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  deprecatedTopology?: Record<string, string>;
  hints?: EndpointHints;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
  zone?: string;
}

/** EndpointConditions represents the current condition of an endpoint. */
export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** EndpointHints provides hints describing how an endpoint should be consumed. */
export interface EndpointHints {
  forNodes?: ForNode[];
  forZones?: ForZone[];
}

/** EndpointPort represents a Port used by an EndpointSlice */
export interface EndpointPort {
  appProtocol?: string;
  name?: string;
  port?: number;
  protocol?: string;
}

/** ForZone provides information about which zones should consume this endpoint. */
export interface ForZone {
  name: string;
}

/** ForNode provides information about which nodes should consume this endpoint. */
export interface ForNode {
  name: string;
}
