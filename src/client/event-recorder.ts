import type { KubeObject } from "../api/index.js";
import type { Client } from "./client.js";
import type { Clock } from "./clock.js";
import { realClock } from "./clock.js";
import { resources } from "./resources.js";

export type EventType = "Normal" | "Warning";

/**
 * Records core/v1 Events about objects, as client-go's record.EventRecorder: the event is
 * named `<object>.<hex nanoseconds>` in the object's namespace, and a repeat of the same
 * (object, type, reason, message) within the cache window bumps `count` and
 * `lastTimestamp` instead of making a new Event. Recording never throws and never blocks
 * the caller: a failed write is reported through `onError` and dropped, as upstream.
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
  private readonly recent = new Map<string, { namespace: string; name: string; count: number; at: number }>();
  private chain: Promise<void> = Promise.resolve();

  constructor(options: { client: Client; component: string; host?: string; clock?: Clock; onError?: (err: unknown) => void }) {
    this.client = options.client;
    this.component = options.component;
    this.host = options.host;
    this.clock = options.clock ?? realClock;
    this.onError = options.onError;
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const at = this.clock.now();
    this.chain = this.chain.then(() => this.record(obj, type, reason, message, at)).catch((err: unknown) => this.onError?.(err));
  }

  /** Resolves when every event recorded so far has been written (for tests). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async record(obj: KubeObject, type: EventType, reason: string, message: string, nowMs: number): Promise<void> {
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    const namespace = obj.metadata.namespace || "default";
    const key = JSON.stringify([obj.metadata.uid ?? obj.metadata.name, type, reason, message]);
    const seen = this.recent.get(key);
    if (seen && nowMs - seen.at < 10 * 60_000) {
      seen.count++;
      seen.at = nowMs;
      await this.client.patch(resources.events, seen.name, { count: seen.count, lastTimestamp: now }, { namespace: seen.namespace, type: "merge" });
      return;
    }
    const name = `${obj.metadata.name ?? "unknown"}.${(BigInt(nowMs) * 1_000_000n + BigInt(this.recent.size)).toString(16)}`;
    const involved: Record<string, unknown> = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    await this.client.create(resources.events, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: this.component,
      reportingInstance: this.host ?? "",
    });
    if (this.recent.size > 4096) this.recent.clear();
    this.recent.set(key, { namespace, name, count: 1, at: nowMs });
  }
}
