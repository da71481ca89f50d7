// Schemas of io.k8s.api.events.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, ref, object, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { core } from "../../_core-names.js";
import { n } from "./_names.js";

export const eventDefinitions: Definitions = {
  [n.Event]: withRequired(topLevel(
    {
      action: string("action is what action was taken/failed regarding to the regarding object."),
      deprecatedCount: int32("deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type."),
      deprecatedFirstTimestamp: time("deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type."),
      deprecatedLastTimestamp: time("deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type."),
      deprecatedSource: ref(core.EventSource, "deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type."),
      eventTime: ref(meta.MicroTime, "eventTime is the time when this Event was first observed. It is required."),
      note: string("note is a human-readable description of the status of this operation."),
      reason: string("reason is why the action was taken. It is human-readable."),
      regarding: ref(core.ObjectReference, "regarding contains the object this Event is about."),
      related: ref(core.ObjectReference, "related is the optional secondary object for more complex actions."),
      reportingController: string("reportingController is the name of the controller that emitted this Event, e.g."),
      reportingInstance: string("reportingInstance is the ID of the controller instance, e.g."),
      series: ref(n.EventSeries, "series is data about the Event series this event represents or nil if it's a singleton Event."),
      type: string("type is the type of this event (Normal, Warning), new types could be added in the future."),
    },
    "Event is a report of an event somewhere in the cluster.",
    {"group":"events.k8s.io","version":"v1","kind":"Event"},
  ), ["eventTime"]),
  [n.EventList]: listOf(n.Event, "EventList is a list of Event objects.", {"group":"events.k8s.io","version":"v1","kind":"EventList"}),
  [n.EventSeries]: object(
    {
      count: int32("count is the number of occurrences in this series up to the last heartbeat time."),
      lastObservedTime: ref(meta.MicroTime, "lastObservedTime is the time when last Event from the series was seen before last heartbeat."),
    },
    { description: "EventSeries contain information on series of events, i.e.", required: ["count","lastObservedTime"] },
  ),
};
