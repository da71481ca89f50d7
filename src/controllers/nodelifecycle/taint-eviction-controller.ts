import type { Node, Pod, Taint } from "../../api/index.js";
import { setPodCondition } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, ensureIndex, keyOf, realClock, resource, runWorkers, type Client, type Clock, type EventRecorder, type Informer, type InformerFactory, type ReconcileResult } from "../../client/index.js";
import { podNodeIndex } from "./node-lifecycle-controller.js";
import { matchingTolerations, minTolerationMs, noExecuteTaints } from "./taints.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);

export interface TaintEvictionControllerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  /** Events as "taint-eviction-controller": TaintManagerEviction. */
  events?: EventRecorder;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The taint-eviction controller (pkg/controller/tainteviction): a pod on a node with
 * NoExecute taints it does not tolerate is deleted at once; one that tolerates them all
 * for a while (tolerationSeconds) is deleted when the shortest of those runs out, counted
 * from when we first saw it so exposed; tolerating forever, or the taints going, cancels
 * that. Before deleting, the pod gets condition DisruptionTarget (reason
 * DeletionByTaintManager); a TaintManagerEviction event says "Marking for deletion Pod
 * ns/name", and "Cancelling deletion of Pod ns/name" when a scheduled eviction is called off.
 */
export class TaintEvictionController {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly options: TaintEvictionControllerOptions;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly queue: WorkQueue;
  /** Pod key → when its eviction countdown started (our clock). */
  private readonly scheduled = new Map<string, number>();

  constructor(options: TaintEvictionControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "taint_eviction" });
    this.nodes = options.informers.informer(nodes);
    this.pods = options.informers.informer(pods);
    ensureIndex(this.pods, podNodeIndex, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    const onNode = (node: Node, old?: Node): void => {
      if (old && sameTaints(noExecuteTaints(old), noExecuteTaints(node))) return;
      for (const pod of this.pods.byIndex(podNodeIndex, node.metadata.name ?? "")) this.queue.add(keyOf(pod));
    };
    this.nodes.addHandler({ add: (n) => onNode(n), update: (o, n) => onNode(n, o), delete: (n) => onNode(n) });
    const onPod = (pod: Pod, old?: Pod): void => {
      if (!pod.spec?.nodeName) return;
      if (old && old.spec?.nodeName === pod.spec.nodeName && JSON.stringify(old.spec?.tolerations) === JSON.stringify(pod.spec.tolerations) && !!old.metadata.deletionTimestamp === !!pod.metadata.deletionTimestamp) return;
      this.queue.add(keyOf(pod));
    };
    this.pods.addHandler({ add: (p) => onPod(p), update: (o, p) => onPod(p, o), delete: (p) => this.scheduled.delete(keyOf(p)) });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.nodes.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.options.workers ?? 8, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  /** processPodOnNode: evict now, later (requeue at the deadline), or not at all. */
  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) {
      this.scheduled.delete(key);
      return;
    }
    const taints = noExecuteTaints(this.nodes.get(pod.spec?.nodeName ?? ""));
    if (taints.length === 0) return this.cancel(pod);
    const { allTolerated, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    const now = this.clock.now();
    if (!allTolerated) return this.evict(pod, signal);
    const tolerateMs = minTolerationMs(used);
    if (tolerateMs < 0) return this.cancel(pod);
    const since = this.scheduled.get(key) ?? now;
    this.scheduled.set(key, since);
    const dueMs = since + tolerateMs - now;
    if (dueMs > 0) return { requeueAfterMs: dueMs };
    return this.evict(pod, signal);
  }

  private cancel(pod: Pod): void {
    const key = keyOf(pod);
    if (!this.scheduled.delete(key)) return;
    this.options.events?.event(pod, "Normal", "TaintManagerEviction", `Cancelling deletion of Pod ${key}`);
  }

  /** addConditionAndDeletePod: DisruptionTarget=True, then an ordinary (graceful) delete. */
  private async evict(cached: Pod, signal: AbortSignal): Promise<void> {
    const key = keyOf(cached);
    const { namespace, name = "" } = cached.metadata;
    this.options.events?.event(cached, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`);
    try {
      const pod = await this.client.get(pods, name, { namespace, signal });
      if (pod.metadata.uid !== cached.metadata.uid) return;
      if (!pod.status?.conditions?.some((c) => c.type === "DisruptionTarget" && c.status === "True")) {
        setPodCondition(pod, { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint" }, new Date(this.clock.now()));
        await this.client.updateStatus(pods, pod, { signal });
      }
      await this.client.delete(pods, name, { namespace, preconditions: { uid: cached.metadata.uid }, signal });
      this.scheduled.delete(key);
    } catch (err) {
      if (isApiError(err, "NotFound")) {
        this.scheduled.delete(key);
        return;
      }
      throw err;
    }
  }
}

function sameTaints(a: Taint[], b: Taint[]): boolean {
  const key = (t: Taint): string => `${t.key}=${t.value ?? ""}:${t.effect}`;
  return JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
}
