// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.events.v1.";

export const n = {
  Event: p + "Event",
  EventList: p + "EventList",
  EventSeries: p + "EventSeries",
} as const;
