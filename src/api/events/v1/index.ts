// The public face of events.k8s.io/v1.
import type { ResourceType } from "../../resource-type.js";
import { eventsResource } from "./event.js";

export { eventDefinitions as eventsV1Definitions } from "./event-schema.js";
export { eventsResource as eventsV1EventsResource, validateEvent as validateEventsV1Event } from "./event.js";
export type { Event as EventsV1Event, EventSeries as EventsV1EventSeries } from "./event-types.js";

export const eventsV1Resources: ResourceType[] = [eventsResource];
