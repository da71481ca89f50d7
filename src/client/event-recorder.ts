import type { CoreV1Event, KubeObject } from "../api/index.js";
import { isApiError } from "../machinery/index.js";
import type { Client } from "./client.js";
import type { Clock } from "./clock.js";
import { realClock } from "./clock.js";
import { EventCorrelator } from "./event-correlator.js";
import { resources } from "./resources.js";

export type EventType = "Normal" | "Warning";

/** Writes in flight at once, across objects (upstream's one sink goroutine writes one at a time). */
const maxConcurrentWrites = 16;

/**
 * Records core/v1 Events about objects, as client-go's record.EventRecorder: the event is
 * named `<object>.<hex nanoseconds>` in the object's namespace, and the EventCorrelator
 * (event-correlator.ts) decides what reaches the API server — a repeat becomes a patch
 * of `count`/`lastTimestamp`, many similar events one "(combined from similar events)"
 * Event, and beyond 25 writes per object (refilled one per 5 minutes) events are dropped.
 * Recording never throws and never blocks the caller: a failed write is reported through
 * `onError` and dropped, as upstream does with errors the server answers.
 *
 * Writes about one object go out in the order recorded; writes about different objects
 * do not wait for each other (at most 16 at once).
 *
 *   const events = new EventRecorder({ client, component: "deployment-controller" });
 *   events.event(deployment, "Normal", "ScalingReplicaSet", `Scaled up replica set ${rs} from 0 to 3`);
 */
export class EventRecorder {
  private readonly client: Client;
  private readonly component: string;
  private readonly host?: string;
  private readonly clock: Clock;
  private readonly onError?: (err: unknown) => void;
  private readonly correlator = new EventCorrelator();
  /** The last write queued per (source, object); removed once it settles. */
  private readonly tails = new Map<string, Promise<void>>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(options: { client: Client; component: string; host?: string; clock?: Clock; onError?: (err: unknown) => void }) {
    this.client = options.client;
    this.component = options.component;
    this.host = options.host;
    this.clock = options.clock ?? realClock;
    this.onError = options.onError;
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const nowMs = this.clock.now();
    // Correlating now rather than when the write runs keeps the decision in call order
    // and lets a dropped event cost nothing.
    const result = this.correlator.correlate(this.makeEvent(obj, type, reason, message, nowMs), nowMs);
    if (result.skip) return;
    const { objectKey, event, patch } = result;
    const previous = this.tails.get(objectKey) ?? Promise.resolve();
    const tail = previous.then(() => this.limited(() => this.write(event, patch))).catch((err: unknown) => this.report(err));
    this.tails.set(objectKey, tail);
    void tail.then(() => {
      if (this.tails.get(objectKey) === tail) this.tails.delete(objectKey);
    });
  }

  /** Resolves when every event recorded so far has been written (for tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  private makeEvent(obj: KubeObject, type: EventType, reason: string, message: string, nowMs: number): CoreV1Event {
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: this.correlator.nameFor(obj.metadata.name ?? "unknown", nowMs), namespace: obj.metadata.namespace || "default" },
      involvedObject: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: this.component,
      reportingInstance: this.host ?? "",
    };
  }

  /** A patch of an Event the server no longer has becomes a create of it, as upstream's recordEvent. */
  private async write(event: CoreV1Event, patch: Record<string, unknown> | undefined): Promise<void> {
    const namespace = event.metadata.namespace;
    if (patch) {
      try {
        await this.client.patch(resources.events, event.metadata.name ?? "", patch, { namespace, type: "merge" });
        return;
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
      }
    }
    await this.client.create(resources.events, event);
  }

  private async limited(fn: () => Promise<void>): Promise<void> {
    if (this.inFlight < maxConcurrentWrites) this.inFlight++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the releaser hands its slot over
    try {
      await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }

  private report(err: unknown): void {
    try {
      this.onError?.(err);
    } catch {
      // A throwing error handler must not break the chain of later writes.
    }
  }
}
