import type { Pod } from "../../api/index.js";
import { Informer, WorkQueue, resource, runWorkers, type Client, type Clock } from "../../client/index.js";
import type { ContainerRuntime } from "../runtime/index.js";
import { podUidLabel } from "./labels.js";
import type { PodSyncer } from "./pod-sync.js";

const podsResource = resource<Pod>("", "v1", "pods", "Pod", true);

/** How often the runtime is relisted to notice exits (upstream PLEG relist period). */
export const plegPeriodMs = 1_000;

export interface PodManagerOptions {
  client: Client;
  runtime: ContainerRuntime;
  syncer: PodSyncer;
  nodeName: string;
  clock: Clock;
  workers?: number;
  onError?: (err: unknown) => void;
}

/**
 * Dispatches the pods bound to this node to pod workers (pkg/kubelet/pod_workers.go):
 * an informer on `spec.nodeName=<node>` feeds a work queue keyed by pod uid, so each
 * pod is synced by one worker at a time; a relist of the runtime every second (the PLEG)
 * wakes the pod whose containers changed; pods that left the API (or that the runtime
 * still holds from before an agent restart) are torn down.
 */
export class PodManager {
  readonly informer: Informer<Pod>;
  private readonly o: PodManagerOptions;
  private readonly queue: WorkQueue;
  private readonly pods = new Map<string, Pod>();
  /** Uids whose pod left the API while the runtime may still hold them. */
  private readonly gone = new Set<string>();

  constructor(options: PodManagerOptions) {
    this.o = options;
    this.queue = new WorkQueue({ clock: options.clock });
    this.informer = new Informer<Pod>({ client: options.client, resource: podsResource, fieldSelector: `spec.nodeName=${options.nodeName}`, clock: options.clock, onError: options.onError });
    this.informer.addHandler({
      add: (p) => this.observe(p),
      // Our own status writes come back as updates: only a change the worker acts on wakes it (config.go podsDifferSemantically).
      update: (old, p) => (podsDifferSemantically(old, p) ? this.observe(p) : this.pods.set(p.metadata.uid ?? "", p)),
      delete: (p) => {
        const uid = p.metadata.uid ?? "";
        this.pods.delete(uid);
        this.gone.add(uid);
        this.queue.add(uid);
      },
    });
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const informerDone = this.informer.start(signal);
    await this.informer.waitForSync(signal);
    await this.adoptOrOrphan().catch((err: unknown) => this.o.onError?.(err));
    await Promise.all([
      informerDone,
      runWorkers(this.queue, (uid, s) => this.reconcile(uid, s), { workers: this.o.workers ?? 8, signal, onError: (_k, err) => this.o.onError?.(err) }),
      this.pleg(signal),
    ]);
  }

  /** Enqueue a pod's sync (probe verdict changed…). */
  wake(uid: string): void {
    this.queue.add(uid);
  }

  private observe(p: Pod): void {
    const uid = p.metadata.uid ?? "";
    this.pods.set(uid, p);
    this.queue.add(uid);
  }

  private async reconcile(uid: string, signal: AbortSignal): Promise<{ requeueAfterMs?: number } | void> {
    const pod = this.pods.get(uid);
    if (!pod) {
      if (this.gone.has(uid)) {
        await this.o.syncer.cleanUpOrphan(uid);
        this.gone.delete(uid);
        this.o.syncer.forget(uid);
      }
      return;
    }
    const next = await this.o.syncer.sync(pod, signal);
    if (next > 0) return { requeueAfterMs: next };
  }

  /** After a restart: sandboxes of pods still bound here are re-adopted by their uid label; the rest are removed. */
  private async adoptOrOrphan(): Promise<void> {
    const { items } = await this.o.runtime.listPodSandbox({});
    for (const sb of items) {
      const uid = sb.labels?.[podUidLabel];
      if (!uid || this.pods.has(uid)) continue;
      this.gone.add(uid);
      this.queue.add(uid);
    }
  }

  private async pleg(signal: AbortSignal): Promise<void> {
    let last = new Map<string, string>();
    while (!signal.aborted) {
      try {
        const { containers } = await this.o.runtime.listContainers({});
        const { items } = await this.o.runtime.listPodSandbox({});
        const now = new Map<string, string>();
        for (const c of containers) now.set(c.id, `${c.state}/${c.labels?.[podUidLabel] ?? ""}`);
        for (const s of items) now.set(s.id, `${s.state}/${s.labels?.[podUidLabel] ?? ""}`);
        for (const [id, v] of now) if (last.get(id) !== v) this.wakeFrom(v);
        for (const [id, v] of last) if (!now.has(id)) this.wakeFrom(v);
        last = now;
      } catch (err) {
        if (signal.aborted) return;
        this.o.onError?.(err);
      }
      try {
        await this.o.clock.sleep(plegPeriodMs, signal);
      } catch {
        return;
      }
    }
  }

  private wakeFrom(v: string): void {
    const uid = v.slice(v.indexOf("/") + 1);
    if (uid && this.pods.has(uid)) this.queue.add(uid);
  }
}

/** Spec, labels, annotations or the deletion mark changed (pkg/kubelet/config/config.go podsDifferSemantically). */
function podsDifferSemantically(a: Pod, b: Pod): boolean {
  const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  return !(
    same(a.spec, b.spec) &&
    same(a.metadata.labels, b.metadata.labels) &&
    same(a.metadata.annotations, b.metadata.annotations) &&
    same(a.metadata.deletionTimestamp, b.metadata.deletionTimestamp) &&
    same(a.metadata.deletionGracePeriodSeconds, b.metadata.deletionGracePeriodSeconds)
  );
}
