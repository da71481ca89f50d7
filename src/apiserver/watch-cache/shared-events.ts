/**
 * Work done once per event for every watcher of the watch cache, not once per watcher:
 * the stored JSON is decoded once (selectors of 5,000 node-filtered watches are evaluated on
 * one object), the wire event `{type, object}` is built once per type, and the HTTP edge
 * serializes each wire event once (`serializedWatchLine`).
 *
 * Shared objects are read-only by contract, for the server as for its in-process callers:
 * the HTTP edge only serializes them, and the in-process transport hands the same objects
 * to every in-process watcher (client/transport.ts). With the cache mutation detector on
 * (tests) they are deep-frozen here, so any writer throws.
 */
import type { KubeObject, WatchEventBody } from "../../api/index.js";
import type { StoreEvent } from "../../storage/index.js";
import { cacheMutationDetectorEnabled, deepFreeze } from "../../machinery/index.js";
import { decodeEvent } from "../object-store.js";

type Decoded = { type: "put" | "delete"; object: KubeObject; prev?: KubeObject };

const decoded = new WeakMap<StoreEvent, Decoded>();
const wire = new WeakMap<StoreEvent, Map<string, WatchEventBody>>();
const lines = new WeakMap<object, string>();

/** The event's objects, decoded once for every watcher. */
export function sharedDecode(ev: StoreEvent): Decoded {
  let d = decoded.get(ev);
  if (!d) {
    d = decodeEvent(ev);
    if (cacheMutationDetectorEnabled) deepFreeze(d);
    decoded.set(ev, d);
  }
  return d;
}

/** One `{type, object}` per event and type, when `object` is the shared decoded object itself. */
export function sharedWireEvent(ev: StoreEvent, type: WatchEventBody["type"], object: unknown): WatchEventBody {
  if (object !== decoded.get(ev)?.object) return { type, object } as WatchEventBody;
  let byType = wire.get(ev);
  if (!byType) {
    byType = new Map();
    wire.set(ev, byType);
  }
  let body = byType.get(type);
  if (!body) {
    body = { type, object } as WatchEventBody;
    byType.set(type, body);
  }
  return body;
}

/** A watch event as one JSON line, serialized once however many watchers send it. */
export function serializedWatchLine(ev: object): string {
  let line = lines.get(ev);
  if (line === undefined) {
    line = JSON.stringify(ev) + "\n";
    lines.set(ev, line);
  }
  return line;
}
