import type { KubeObject, Pod } from "../api/index.js";
import { Informer, realClock, resources, type Client, type Clock } from "../client/index.js";
import { isApiError } from "../machinery/index.js";

/** The built-in classes every cluster has (pkg/apis/scheduling: SystemPriorityClasses). */
export const systemPriorityClasses: Readonly<Record<string, number>> = {
  "system-node-critical": 2_000_001_000,
  "system-cluster-critical": 2_000_000_000,
};

/**
 * A pod's priority: the value of its `priorityClassName` when the server serves
 * scheduling.k8s.io/v1 PriorityClasses (watched once it does), else `spec.priority`
 * (which admission fills from the class where the Priority admission plugin runs).
 */
export class PriorityResolver {
  private classes: Informer<KubeObject> | undefined;

  constructor(private readonly options: { client: Client; clock?: Clock; onError?: (err: unknown) => void; recheckMs?: number }) {}

  readonly priorityOf = (pod: Pod): number => {
    const name = pod.spec?.priorityClassName;
    if (name) {
      const pc = this.classes?.get(name) as { value?: number } | undefined;
      if (typeof pc?.value === "number") return pc.value;
      if (Object.hasOwn(systemPriorityClasses, name)) return systemPriorityClasses[name];
    }
    return pod.spec?.priority ?? 0;
  };

  /** Watches PriorityClasses if the server has them; checks again every `recheckMs` until it does. */
  async start(signal: AbortSignal): Promise<void> {
    const { client, clock, onError } = this.options;
    while (!signal.aborted) {
      try {
        await client.list(resources.priorityclasses, { limit: 1, signal });
        this.classes = new Informer({ client, resource: resources.priorityclasses, clock, onError });
        const running = this.classes.start(signal);
        await this.classes.waitForSync(signal);
        await running;
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (!isApiError(err) || err.code !== 404) onError?.(err);
      }
      try {
        await (clock ?? realClock).sleep(this.options.recheckMs ?? 60_000, signal);
      } catch {
        return;
      }
    }
  }
}
