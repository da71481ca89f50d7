import type { KubeObject, Namespace, Node, Pod, PodCondition } from "../api/index.js";
import { EventRecorder, Informer, keyOf, realClock, resources, type Client, type Clock, type Resource } from "../client/index.js";
import { isApiError } from "../machinery/index.js";
import { SchedulerCache } from "./cache/cache.js";
import { Nominator } from "./cache/nominator.js";
import { fitErrorMessage } from "./framework/fit-error.js";
import { Framework, SchedulerError, type ProfilePlugin } from "./framework/framework.js";
import type { ClusterEvent } from "./framework/plugin.js";
import { newPodInfo, type PodInfo } from "./framework/pod-info.js";
import { DefaultPreemption, type PreemptionCandidate } from "./plugins/default-preemption/default-preemption.js";
import { defaultProfile } from "./plugins/registry.js";
import { VolumeCaches } from "./plugins/volume-binding/volume-binding.js";
import { PriorityResolver } from "./priority.js";
import { SchedulingQueue, type QueuedPodInfo, type SchedulingQueueOptions } from "./queue/scheduling-queue.js";
import { observeAttempt, reportQueue } from "./metrics.js";
import { schedulePod } from "./schedule-pod.js";

export const defaultSchedulerName = "default-scheduler";

/** How long scheduling cycles may run back to back before the event loop gets a turn. */
const cycleSliceMs = 20;

export interface SchedulerOptions {
  client: Client;
  clock?: Clock;
  /** Pods with this spec.schedulerName are ours (default "default-scheduler"). */
  schedulerName?: string;
  /** The plugins and score weights; default `defaultProfile()`. */
  profile?: ProfilePlugin[];
  /** Tie-breaking between equal scores; default Math.random. */
  random?: () => number;
  /** Queue timings (back-off, unschedulable retry), for tests. */
  queue?: Omit<SchedulingQueueOptions, "priorityOf" | "clock">;
  /** Told about failed API calls and list/watch errors (all are retried or reported in the pod's status). */
  onError?: (key: string, err: unknown) => void;
}

const isTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
const sameJSON = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const withKind = (pod: Pod): Pod => ({ ...pod, apiVersion: "v1", kind: "Pod" });
const formatTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/**
 * kube-scheduler: watches pending pods (no spec.nodeName, our schedulerName, not being
 * deleted, no scheduling gates) and binds each through `pods/binding` to the node the
 * plugin framework picks. A cycle is synchronous over the cache; binding runs in the
 * background while the next cycle starts. A pod that fits nowhere gets PodScheduled=False
 * (reason Unschedulable, upstream's FitError message) and a FailedScheduling event, and
 * may preempt lower-priority pods; a bound pod gets a Scheduled event.
 *
 *   const scheduler = new Scheduler({ client });
 *   await scheduler.start(signal); // resolves after the signal aborts and bindings settle
 */
export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly nominator = new Nominator();
  readonly framework: Framework;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly schedulerName: string;
  private readonly random: () => number;
  private readonly events: EventRecorder;
  private readonly priority: PriorityResolver;
  private readonly preemption: DefaultPreemption;
  private readonly onError: (key: string, err: unknown) => void;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly namespaces: Informer<Namespace>;
  private readonly volumes: VolumeCaches;
  private readonly eventPlugins = new Map<ClusterEvent, Set<string>>();
  private readonly binding = new Set<Promise<void>>();
  private nextStartIndex = 0;

  constructor(options: SchedulerOptions) {
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.schedulerName = options.schedulerName ?? defaultSchedulerName;
    this.random = options.random ?? Math.random;
    this.onError = options.onError ?? (() => undefined);
    const informerError = (err: unknown) => this.onError("informer", err);
    this.priority = new PriorityResolver({ client: this.client, clock: this.clock, onError: informerError });
    this.volumes = new VolumeCaches({ client: this.client, clock: this.clock, onError: informerError });
    this.framework = new Framework(options.profile ?? defaultProfile({ volumes: this.volumes }));
    this.preemption = new DefaultPreemption({ framework: this.framework, priorityOf: this.priority.priorityOf });
    this.queue = new SchedulingQueue({ ...options.queue, priorityOf: this.priority.priorityOf, clock: this.clock });
    reportQueue(() => this.queue.stats());
    this.events = new EventRecorder({ client: this.client, component: this.schedulerName, clock: this.clock, onError: (err) => this.onError("event", err) });
    this.pods = new Informer<Pod>({ client: this.client, resource: resources.pods as Resource<Pod>, clock: this.clock, onError: informerError });
    this.nodes = new Informer<Node>({ client: this.client, resource: resources.nodes as Resource<Node>, clock: this.clock, onError: informerError });
    this.namespaces = new Informer<Namespace>({ client: this.client, resource: resources.namespaces as Resource<Namespace>, clock: this.clock, onError: informerError });
    this.cache = new SchedulerCache((ns) => this.namespaces.get(ns)?.metadata.labels);
    for (const e of ["NodeAdd", "NodeUpdate", "AssignedPodAdd", "AssignedPodUpdate", "AssignedPodDelete"] as const) this.eventPlugins.set(e, this.framework.pluginsFor(e));
  }

  /** Runs until `signal` aborts; resolves once every informer has stopped and in-flight bindings settled. */
  async start(signal: AbortSignal): Promise<void> {
    this.queue.start(signal);
    this.nodes.addHandler({
      add: (n) => this.onNode(undefined, n),
      update: (o, n) => this.onNode(o, n),
      delete: (n) => this.cache.removeNode(n.metadata.name ?? ""),
    });
    this.pods.addHandler({
      add: (p) => this.onPod(undefined, p),
      update: (o, p) => this.onPod(o, p),
      delete: (p) => this.onPodDelete(p),
    });
    const running = [this.namespaces.start(signal), this.nodes.start(signal), this.priority.start(signal)];
    await this.namespaces.waitForSync(signal);
    running.push(...(await this.volumes.start(signal)));
    await this.nodes.waitForSync(signal);
    running.push(this.pods.start(signal));
    await this.pods.waitForSync(signal);
    while (!signal.aborted) {
      let info = await this.queue.pop(signal);
      // Cycles run back to back for up to cycleSliceMs (the cache is assumed after each, so
      // they need no event in between); then informer events and binding replies get their
      // turn. One cycle per event-loop turn capped throughput at ~130 pods/s once the turn
      // itself took several ms under load (bench:scale).
      const sliceEnd = performance.now() + cycleSliceMs;
      while (info) {
        try {
          this.scheduleOne(info);
        } catch (err) {
          this.onError(info.key, err);
        }
        if (signal.aborted || performance.now() >= sliceEnd) break;
        info = this.queue.tryPop();
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.allSettled(running);
    await Promise.allSettled([...this.binding]);
    await this.events.flush();
  }

  /** Resolves when every binding and event started so far is done (tests). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.binding]);
    await this.events.flush();
  }

  // -- informer events --

  private responsible(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? defaultSchedulerName) === this.schedulerName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && !(pod.spec?.schedulingGates?.length);
  }

  private onNode(old: Node | undefined, node: Node): void {
    this.cache.addNode(node);
    if (!old) return this.moveOn("NodeAdd");
    const relevant =
      !sameJSON(old.metadata.labels, node.metadata.labels) ||
      !sameJSON(old.spec?.taints, node.spec?.taints) ||
      old.spec?.unschedulable !== node.spec?.unschedulable ||
      !sameJSON(old.status?.allocatable, node.status?.allocatable);
    if (relevant) this.moveOn("NodeUpdate");
  }

  private onPod(old: Pod | undefined, pod: Pod): void {
    const key = keyOf(pod);
    if (pod.spec?.nodeName) {
      const wasAssigned = !!old?.spec?.nodeName;
      this.queue.delete(key);
      this.nominator.remove(key);
      this.cache.addPod(pod);
      if (!wasAssigned) this.moveOn("AssignedPodAdd");
      else if (isTerminal(pod) && !isTerminal(old!)) this.moveOn("AssignedPodDelete");
      else if (!sameJSON(old!.metadata.labels, pod.metadata.labels)) this.moveOn("AssignedPodUpdate");
      return;
    }
    if (!this.responsible(pod)) {
      this.queue.delete(key);
      this.nominator.remove(key);
      return;
    }
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) this.nominator.add(newPodInfo(pod), nominated);
    else if (!this.cache.isAssumed(key)) this.nominator.remove(key);
    if (!old || !this.queue.has(key)) {
      if (!this.cache.isAssumed(key)) this.queue.add(pod);
      return;
    }
    const specChanged = old.metadata.generation !== pod.metadata.generation || !sameJSON(old.metadata.labels, pod.metadata.labels) || !sameJSON(old.metadata.annotations, pod.metadata.annotations);
    this.queue.update(pod, specChanged);
  }

  private onPodDelete(pod: Pod): void {
    const key = keyOf(pod);
    this.queue.delete(key);
    this.nominator.remove(key);
    const wasPlaced = this.cache.nodeOf(key) !== undefined;
    this.cache.removePod(pod);
    if (pod.spec?.nodeName || wasPlaced) this.moveOn("AssignedPodDelete");
  }

  private moveOn(event: ClusterEvent): void {
    this.queue.moveOnEvent(this.eventPlugins.get(event) ?? "all");
  }

  // -- one cycle --

  /** The scheduling cycle of one pod: decide synchronously, assume, then bind (or preempt) in the background. */
  private scheduleOne(info: QueuedPodInfo): void {
    const live = this.pods.get(info.key);
    if (!live || live.metadata.uid !== info.pod.metadata.uid || live.spec?.nodeName || !this.responsible(live) || this.cache.isAssumed(info.key)) {
      this.queue.done(info.key);
      return;
    }
    const pi = newPodInfo(live);
    const attemptStart = performance.now();
    let result: ReturnType<typeof schedulePod>;
    try {
      result = schedulePod({ framework: this.framework, snapshot: this.cache, pod: pi, priorityOf: this.priority.priorityOf, nominator: this.nominator, startIndex: this.nextStartIndex, random: this.random });
    } catch (err) {
      if (!(err instanceof SchedulerError)) throw err;
      observeAttempt("error", attemptStart);
      this.queue.addUnschedulable(info, []);
      this.track(this.recordFailure(live, "SchedulerError", err.message));
      return;
    }
    this.nextStartIndex = result.nextStartIndex;
    observeAttempt(result.kind === "scheduled" ? "scheduled" : "unschedulable", attemptStart);
    if (result.kind === "scheduled") {
      const assumed = { ...live, spec: { ...live.spec!, nodeName: result.nodeName } };
      this.cache.assumePod(newPodInfo(assumed), result.nodeName);
      this.nominator.remove(info.key);
      this.track(this.bind(info, live, result.nodeName));
      return;
    }
    const { ctx, diagnosis } = result;
    const rejectors = new Set<string>();
    for (const s of diagnosis.nodeToStatus.values()) if (s.plugin) rejectors.add(s.plugin);
    let nominate: string | null | undefined;
    let candidate: PreemptionCandidate | undefined;
    if (diagnosis.numAllNodes > 0) {
      const outcome = this.preemption.postFilter(ctx, pi, diagnosis.nodeToStatus);
      diagnosis.postFilterMsg = outcome.message;
      candidate = outcome.candidate;
      if (candidate) {
        nominate = candidate.nodeName;
        this.nominator.add(pi, candidate.nodeName);
      } else if (live.status?.nominatedNodeName && !outcome.message.includes("not eligible")) {
        nominate = null;
        this.nominator.remove(info.key);
      }
    }
    this.queue.addUnschedulable(info, rejectors);
    const message = diagnosis.numAllNodes === 0 ? diagnosis.preFilterMsg! : fitErrorMessage(diagnosis);
    this.track(this.recordFailure(live, "Unschedulable", message, nominate));
    if (candidate) this.track(this.preempt(live, candidate));
  }

  private track(p: Promise<void>): void {
    this.binding.add(p);
    void p.finally(() => this.binding.delete(p));
  }

  private async bind(info: QueuedPodInfo, pod: Pod, nodeName: string): Promise<void> {
    const { name = "", namespace = "", uid } = pod.metadata;
    try {
      await this.client.createSubresource(
        resources.pods,
        name,
        { apiVersion: "v1", kind: "Binding", metadata: { name, namespace, uid }, target: { kind: "Node", name: nodeName } },
        { namespace, subresource: "binding" },
      );
    } catch (err) {
      this.cache.forgetPod(info.key);
      this.onError(info.key, err);
      const current = this.pods.get(info.key);
      if (!current || current.spec?.nodeName || current.metadata.uid !== uid) {
        this.queue.done(info.key);
        return;
      }
      this.queue.addUnschedulable(info, []);
      await this.recordFailure(current, "SchedulerError", `running Bind plugin "DefaultBinder": ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.queue.done(info.key);
    this.events.event(withKind(pod), "Normal", "Scheduled", `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  /**
   * The FailedScheduling event and PodScheduled=False condition (updatePod: written only
   * when the condition or nominatedNodeName changes). `nominate` null clears the nomination.
   */
  private async recordFailure(pod: Pod, reason: "Unschedulable" | "SchedulerError", message: string, nominate?: string | null): Promise<void> {
    const key = keyOf(pod);
    this.events.event(withKind(pod), "Warning", "FailedScheduling", message);
    const old = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const conditionChanged = !old || old.status !== "False" || old.reason !== reason || old.message !== message;
    const nominationChanged = nominate !== undefined && (pod.status?.nominatedNodeName ?? null) !== nominate;
    if (!conditionChanged && !nominationChanged) return;
    const condition: PodCondition = {
      type: "PodScheduled",
      status: "False",
      reason,
      message,
      lastProbeTime: null as unknown as string, // upstream sends null here: "never probed"
      lastTransitionTime: old && old.status === "False" && old.lastTransitionTime ? old.lastTransitionTime : formatTime(this.clock.now()),
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominationChanged) status.nominatedNodeName = nominate;
    try {
      await this.client.patch(resources.pods, pod.metadata.name ?? "", { status }, { namespace: pod.metadata.namespace, type: "strategic", subresource: "status" });
    } catch (err) {
      if (!isApiError(err, "NotFound")) this.onError(key, err);
    }
  }

  /**
   * prepareCandidate: mark each victim DisruptionTarget (PreemptionByScheduler), delete it
   * gracefully, and record a Preempted event; lower-priority pods nominated to the same
   * node lose their nomination.
   */
  private async preempt(preemptor: Pod, candidate: PreemptionCandidate): Promise<void> {
    const priority = this.priority.priorityOf(preemptor);
    const now = formatTime(this.clock.now());
    await Promise.all(
      candidate.victims.map(async (v: PodInfo) => {
        const { name = "", namespace } = v.pod.metadata;
        try {
          const condition = { type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler", message: `${this.schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: now };
          await this.client.patch(resources.pods, name, { status: { conditions: [condition] } }, { namespace, type: "strategic", subresource: "status" });
          await this.client.delete(resources.pods, name, { namespace, preconditions: { uid: v.pod.metadata.uid } });
          this.events.event(withKind(v.pod), "Normal", "Preempted", `Preempted by pod ${preemptor.metadata.uid} on node ${candidate.nodeName}`);
        } catch (err) {
          if (!isApiError(err, "NotFound")) this.onError(keyOf(v.pod), err);
        }
      }),
    );
    for (const other of this.nominator.nominatedOn(candidate.nodeName)) {
      if (other.key === keyOf(preemptor) || this.priority.priorityOf(other.pod) >= priority) continue;
      this.nominator.remove(other.key);
      try {
        await this.client.patch(resources.pods, other.pod.metadata.name ?? "", { status: { nominatedNodeName: null } }, { namespace: other.pod.metadata.namespace, type: "merge", subresource: "status" });
      } catch (err) {
        if (!isApiError(err, "NotFound")) this.onError(other.key, err);
      }
    }
  }
}

