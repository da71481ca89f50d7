/**
 * events.k8s.io/v1 events: the create checks of ValidateEventCreate for the v1 API and the
 * table of printEvent (LAST SEEN TYPE REASON OBJECT MESSAGE; more with -o wide).
 */
import { fieldError, isQualifiedName } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType, TableConvertor, WriteContext } from "../../resource-type.js";
import { nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { validateNameRule } from "../../_name-rule.js";
import { n } from "./_names.js";
import { eventDefinitions } from "./event-schema.js";
import type { Event } from "./event-types.js";

const asEvent = (obj: KubeObject): Event => obj as Event;
const maxLength = 128;
const noteLengthLimit = 1024;

export function validateEvent(ev: Event, _old: Event | undefined, ctx: WriteContext): FieldError[] {
  const errs = validateNameRule(ev);
  if (!ev.eventTime) errs.push(fieldError.required("eventTime"));
  if (ev.type !== "Normal" && ev.type !== "Warning") errs.push(fieldError.invalid("type", "", `has invalid value: ${ev.type ?? ""}`));
  if (ctx.operation === "create") {
    if (ev.deprecatedFirstTimestamp) errs.push(fieldError.invalid("deprecatedFirstTimestamp", "", "needs to be unset"));
    if (ev.deprecatedLastTimestamp) errs.push(fieldError.invalid("deprecatedLastTimestamp", "", "needs to be unset"));
    if (ev.deprecatedCount) errs.push(fieldError.invalid("deprecatedCount", "", "needs to be unset"));
    if (ev.deprecatedSource && (ev.deprecatedSource.component || ev.deprecatedSource.host)) errs.push(fieldError.invalid("deprecatedSource", "", "needs to be unset"));
  }
  if (!ev.reportingController) errs.push(fieldError.required("reportingController"));
  else for (const msg of isQualifiedName(ev.reportingController)) errs.push(fieldError.invalid("reportingController", ev.reportingController, msg));
  for (const f of ["reportingInstance", "action", "reason"] as const) {
    const v = ev[f];
    if (!v) errs.push(fieldError.required(f));
    else if (v.length > maxLength) errs.push(fieldError.invalid(f, "", `can have at most ${maxLength} characters`));
  }
  if ((ev.note ?? "").length > noteLengthLimit) errs.push(fieldError.invalid("note", "", `can have at most ${noteLengthLimit} characters`));
  if (ev.series) {
    if (ev.series.count < 2) errs.push(fieldError.invalid("series.count", "", "should be at least 2"));
    if (!ev.series.lastObservedTime) errs.push(fieldError.required("series.lastObservedTime"));
  }
  return errs;
}

export const eventTable: TableConvertor = {
  columns: [
    { name: "Last Seen", type: "string", description: "The time at which the most recent occurrence of this event was recorded.", priority: 0 },
    { name: "Type", type: "string", description: "Type of this event (Normal, Warning), new types could be added in the future", priority: 0 },
    { name: "Reason", type: "string", description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", priority: 0 },
    { name: "Object", type: "string", description: "The object that this event is about.", priority: 0 },
    { name: "Subobject", type: "string", description: "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].", priority: 1 },
    { name: "Source", type: "string", description: "The component reporting this event. Should be a short machine understandable string.", priority: 1 },
    { name: "Message", type: "string", description: "A human-readable description of the status of this operation.", priority: 0 },
    { name: "First Seen", type: "string", description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", priority: 1 },
    { name: "Count", type: "string", description: "The number of times this event has occurred.", priority: 1 },
    { ...nameColumn, priority: 1 },
  ],
  cells(obj, now) {
    const ev = asEvent(obj);
    const firstSeen = translateTimestampSince(ev.deprecatedFirstTimestamp || ev.eventTime, now);
    let lastSeen = ev.deprecatedLastTimestamp ? translateTimestampSince(ev.deprecatedLastTimestamp, now) : firstSeen;
    let count = ev.deprecatedCount ?? 0;
    if (ev.series) {
      lastSeen = translateTimestampSince(ev.series.lastObservedTime, now);
      count = ev.series.count;
    } else if (count === 0) {
      count = 1;
    }
    const kind = (ev.regarding?.kind ?? "").toLowerCase();
    const target = ev.regarding?.name ? `${kind}/${ev.regarding.name}` : kind;
    const component = ev.deprecatedSource?.component || ev.reportingController || "";
    const instance = ev.deprecatedSource?.host || ev.reportingInstance || "";
    const source = instance ? `${component}, ${instance}` : component;
    return [lastSeen, ev.type ?? "", ev.reason ?? "", target, ev.regarding?.fieldPath ?? "", source, (ev.note ?? "").trim(), firstSeen, count, ev.metadata.name];
  },
};

export const eventsResource: ResourceType = {
  group: "events.k8s.io",
  version: "v1",
  kind: "Event",
  plural: "events",
  singular: "event",
  namespaced: true,
  shortNames: ["ev"],
  definition: n.Event,
  definitions: eventDefinitions,
  strategy: { validate: (obj, old, ctx) => validateEvent(asEvent(obj), old && asEvent(old), ctx), table: eventTable },
};
