/** The core/v1 `events` resource (pkg/registry/core/event). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import type { Event } from "./event-types.js";
import { core } from "./_names.js";
import { validateName } from "./_validation-helpers.js";

const asEvent = (obj: KubeObject): Event => obj as Event;

export function validateEvent(ev: Event): FieldError[] {
  const errs = validateName(ev);
  const involvedNs = ev.involvedObject?.namespace;
  if (involvedNs && ev.metadata.namespace && involvedNs !== ev.metadata.namespace) {
    errs.push(fieldError.invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
  }
  if (ev.type && ev.type !== "Normal" && ev.type !== "Warning") errs.push(fieldError.notSupported("type", ev.type, ["Normal", "Warning"]));
  return errs;
}

function source(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || "";
  const instance = ev.source?.host || ev.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

export function eventCells(ev: Event, now: Date): unknown[] {
  const first = ev.firstTimestamp ? translateTimestampSince(ev.firstTimestamp, now) : translateTimestampSince(ev.eventTime, now);
  let last = ev.lastTimestamp ? translateTimestampSince(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = translateTimestampSince(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const kind = (ev.involvedObject?.kind ?? "").toLowerCase();
  const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
  return [last, ev.type ?? "", ev.reason ?? "", target, ev.involvedObject?.fieldPath ?? "", source(ev), (ev.message ?? "").trim(), first, count, ev.metadata.name];
}

const col = (name: string, description: string, priority = 0) => ({ name, type: "string" as const, description, priority });

export const eventsResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "Event",
  plural: "events",
  singular: "event",
  namespaced: true,
  shortNames: ["ev"],
  definition: core.Event,
  definitions: coreV1Definitions,
  strategy: {
    validate: (obj) => validateEvent(asEvent(obj)),
    fieldSelectors: {
      "involvedObject.kind": (o) => asEvent(o).involvedObject?.kind ?? "",
      "involvedObject.namespace": (o) => asEvent(o).involvedObject?.namespace ?? "",
      "involvedObject.name": (o) => asEvent(o).involvedObject?.name ?? "",
      "involvedObject.uid": (o) => asEvent(o).involvedObject?.uid ?? "",
      "involvedObject.apiVersion": (o) => asEvent(o).involvedObject?.apiVersion ?? "",
      "involvedObject.resourceVersion": (o) => asEvent(o).involvedObject?.resourceVersion ?? "",
      "involvedObject.fieldPath": (o) => asEvent(o).involvedObject?.fieldPath ?? "",
      reason: (o) => asEvent(o).reason ?? "",
      reportingComponent: (o) => asEvent(o).reportingComponent ?? "",
      source: (o) => asEvent(o).source?.component ?? "",
      type: (o) => asEvent(o).type ?? "",
    },
    table: {
      columns: [
        col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        col("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        col("Object", "The object that this event is about."),
        col("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", 1),
        col("Source", "The component reporting this event.", 1),
        col("Message", "A human-readable description of the status of this operation."),
        col("First Seen", "The time at which the event was first recorded.", 1),
        col("Count", "The number of times this event has occurred.", 1),
        { ...nameColumn, priority: 1 },
      ],
      cells: (obj, now) => eventCells(asEvent(obj), now),
    },
  },
};
