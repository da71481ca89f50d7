// Schemas of core/v1 event types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, ref, object, time, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const eventDefinitions: Definitions = {
  [core.Event]: { ...topLevel(
    {
      action: string("What action was taken/failed regarding to the Regarding object."),
      count: int32("The number of times this event has occurred."),
      eventTime: ref(meta.MicroTime, "MicroTime is version of Time with microsecond level precision."),
      firstTimestamp: time("The time at which the event was first recorded."),
      involvedObject: ref(core.ObjectReference),
      lastTimestamp: time("The time at which the most recent occurrence of this event was recorded."),
      message: string("A human-readable description of the status of this operation."),
      reason: string("This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      related: ref(core.ObjectReference),
      reportingComponent: string("Name of the controller that emitted this Event, e.g."),
      reportingInstance: string("ID of the controller instance, e.g. `kubelet-xyzf`."),
      series: ref(core.EventSeries),
      source: ref(core.EventSource),
      type: string("Type of this event (Normal, Warning), new types could be added in the future"),
    },
    "Event is a report of an event somewhere in the cluster.",
    {"group":"","version":"v1","kind":"Event"},
  ), required: ["involvedObject"] },
  [core.EventList]: listOf(core.Event, "EventList is a list of events.", {"group":"","version":"v1","kind":"EventList"}),
  [core.EventSeries]: object(
    {
      count: int32("Number of occurrences in this series up to the last heartbeat time"),
      lastObservedTime: ref(meta.MicroTime, "MicroTime is version of Time with microsecond level precision."),
    },
    { description: "EventSeries contain information on series of events, i.e." },
  ),
  [core.EventSource]: object(
    {
      component: string("Component from which the event is generated."),
      host: string("Node name on which the event is generated."),
    },
    { description: "EventSource contains information for an event." },
  ),
};
