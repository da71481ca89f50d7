import type { Pod, Service } from "../../api/index.js";
// The same tracker as src/controllers/endpoints/trigger-time-tracker.ts (controllers never import each other).

/**
 * The `endpoints.kubernetes.io/last-change-trigger-time` value, as endpointsliceutil's
 * TriggerTimeTracker: for a Service seen for the first time its creationTimestamp; after
 * that the earliest trigger time that changed since the last sync (a pod's Ready
 * lastTransitionTime, the Service's creation), or undefined when none did.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, { pods: Map<string, number>; service: number }>();

  compute(service: Service, pods: Pod[]): string | undefined {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const state = this.states.get(key);
    let minChanged: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (t === undefined) continue;
      podTimes.set(pod.metadata.name ?? "", t);
      if (t > (state?.pods.get(pod.metadata.name ?? "") ?? -Infinity)) minChanged = Math.min(minChanged ?? t, t);
    }
    const serviceTime = parseTime(service.metadata.creationTimestamp) ?? 0;
    if (serviceTime > (state?.service ?? -Infinity)) minChanged = Math.min(minChanged ?? serviceTime, serviceTime);
    this.states.set(key, { pods: podTimes, service: serviceTime });
    if (!state) return service.metadata.creationTimestamp;
    return minChanged === undefined ? undefined : formatTime(minChanged);
  }

  deleteService(namespace: string, name: string): void {
    this.states.delete(`${namespace}/${name}`);
  }
}

function podTriggerTime(pod: Pod): number | undefined {
  return parseTime(pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime);
}

function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** RFC3339Nano as Go prints it: no trailing zero fraction. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z").replace(/(\.\d*?)0+Z$/, "$1Z");
}
