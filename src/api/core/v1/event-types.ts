// TypeScript shapes of core/v1 event types (staging/src/k8s.io/api/core/v1/types.go).
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { ObjectReference } from "./reference-types.js";

/** Event is a report of an event somewhere in the cluster. */
export interface Event extends KubeObject {
  apiVersion?: "v1";
  kind?: "Event";
  metadata: ObjectMeta;
  action?: string;
  count?: number;
  eventTime?: string;
  firstTimestamp?: string;
  involvedObject: ObjectReference;
  lastTimestamp?: string;
  message?: string;
  reason?: string;
  related?: ObjectReference;
  reportingComponent?: string;
  reportingInstance?: string;
  series?: EventSeries;
  source?: EventSource;
  type?: string;
}

/** EventSeries contain information on series of events, i.e. */
export interface EventSeries {
  count?: number;
  lastObservedTime?: string;
}

/** EventSource contains information for an event. */
export interface EventSource {
  component?: string;
  host?: string;
}
