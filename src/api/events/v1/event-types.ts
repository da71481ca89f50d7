// TypeScript shapes of io.k8s.api.events.v1 objects, matching the schemas beside them.
import type { KubeObject, ObjectMeta } from "../../object.js";
import type { EventSource, ObjectReference } from "../../_core-types.js";

/** Event is a report of an event somewhere in the cluster. */
export interface Event extends KubeObject {
  action?: string;
  deprecatedCount?: number;
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  deprecatedSource?: EventSource;
  eventTime: string;
  metadata: ObjectMeta;
  note?: string;
  reason?: string;
  regarding?: ObjectReference;
  related?: ObjectReference;
  reportingController?: string;
  reportingInstance?: string;
  series?: EventSeries;
  type?: string;
}

/** EventSeries contain information on series of events, i.e. */
export interface EventSeries {
  count: number;
  lastObservedTime: string;
}
