import type { Pod } from "../../api/index.js";
import { realClock, type Clock, type Timer } from "../../client/index.js";
import type { PriorityOf } from "../framework/plugin.js";
import { podKey } from "../framework/pod-info.js";
import { KeyedHeap } from "./heap.js";

/** A pending pod in the queue, with what the queue remembers about its attempts. */
export interface QueuedPodInfo {
  pod: Pod;
  key: string;
  priority: number;
  /** Orders pods of equal priority: the pod's creation time (else when it was queued). */
  timestamp: number;
  /** Scheduling attempts so far (pop counts one). */
  attempts: number;
  /** When the last attempt failed; back-off runs from here. */
  lastFailure: number;
  /** Plugins that rejected the pod in its last attempt; empty = retry on any event. */
  unschedulablePlugins: Set<string>;
  /** The scheduling cycle of the last pop. */
  cycle: number;
}

export interface SchedulingQueueOptions {
  priorityOf: PriorityOf;
  clock?: Clock;
  /** Back-off after the first failure; doubles per attempt up to `maxBackoffMs` (upstream 1s → 10s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** An unschedulable pod no event moved is retried after this long (upstream 5 minutes). */
  maxUnschedulableMs?: number;
  /** How often that is checked (upstream 30s). */
  unschedulableFlushMs?: number;
}

export interface QueueStats {
  active: number;
  backoff: number;
  unschedulable: number;
  inFlight: number;
}

/**
 * The scheduling queue (upstream's PriorityQueue): three places a pending pod can be.
 * - activeQ: ready to schedule, highest priority first, then oldest.
 * - backoffQ: failed recently; moves to activeQ when its back-off (1s doubling to 10s
 *   per attempt) expires.
 * - unschedulable: failed and waits for a cluster event that one of its rejecting
 *   plugins registered (`moveOnEvent`), or for `maxUnschedulableMs`.
 * A pod whose cycle overlapped an event goes to backoffQ instead of unschedulable, so the
 * event is not missed. All timers run on the injected clock.
 *
 *   const q = new SchedulingQueue({ priorityOf, clock });
 *   q.start(signal);
 *   q.add(pod);
 *   const info = await q.pop(signal);          // undefined once the signal aborts
 *   q.addUnschedulable(info, ["NodeResourcesFit"]);  // or q.done(info.key) on success
 */
export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly priorityOf: PriorityOf;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly unschedulableFlushMs: number;
  private readonly activeQ = new KeyedHeap<QueuedPodInfo>(
    (i) => i.key,
    (a, b) => a.priority > b.priority || (a.priority === b.priority && a.timestamp < b.timestamp),
  );
  private readonly backoffQ = new KeyedHeap<QueuedPodInfo>(
    (i) => i.key,
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  );
  private readonly unschedulable = new Map<string, { info: QueuedPodInfo; since: number }>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly waiters = new Set<() => void>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private backoffTimer: { at: number; timer: Timer } | undefined;
  private flushTimer: Timer | undefined;
  private closed = false;

  constructor(options: SchedulingQueueOptions) {
    this.clock = options.clock ?? realClock;
    this.priorityOf = options.priorityOf;
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = options.maxUnschedulableMs ?? 5 * 60_000;
    this.unschedulableFlushMs = options.unschedulableFlushMs ?? 30_000;
  }

  /** Runs the periodic retry of long-unschedulable pods until `signal` aborts; then pop() returns undefined. */
  start(signal: AbortSignal): void {
    const arm = (): void => {
      this.flushTimer = this.clock.setTimer(this.unschedulableFlushMs, () => {
        this.flushUnschedulableLeftover();
        arm();
      });
    };
    arm();
    signal.addEventListener(
      "abort",
      () => {
        this.closed = true;
        this.flushTimer?.cancel();
        this.backoffTimer?.timer.cancel();
        this.backoffTimer = undefined;
        this.wake();
      },
      { once: true },
    );
  }

  /** A new pending pod. A pod the queue already holds is updated instead. */
  add(pod: Pod): void {
    const key = podKey(pod);
    if (this.has(key)) return this.update(pod, false);
    const created = Date.parse(pod.metadata.creationTimestamp ?? "");
    this.activeQ.add({
      pod,
      key,
      priority: this.priorityOf(pod),
      timestamp: Number.isFinite(created) ? created : this.clock.now(),
      attempts: 0,
      lastFailure: 0,
      unschedulablePlugins: new Set(),
      cycle: 0,
    });
    this.wake();
  }

  /**
   * The pending pod changed. With `specChanged` (its spec, labels or annotations, not just
   * status) an unschedulable pod is worth retrying, as upstream does for pod updates.
   */
  update(pod: Pod, specChanged: boolean): void {
    const key = podKey(pod);
    const refresh = (i: QueuedPodInfo): QueuedPodInfo => ({ ...i, pod, priority: this.priorityOf(pod) });
    const active = this.activeQ.get(key);
    if (active) return this.activeQ.add(refresh(active));
    const backoff = this.backoffQ.get(key);
    if (backoff) return this.backoffQ.add(refresh(backoff));
    const flight = this.inFlight.get(key);
    if (flight) {
      this.inFlight.set(key, refresh(flight));
      if (specChanged) this.moveRequestCycle = this.schedulingCycle;
      return;
    }
    const waiting = this.unschedulable.get(key);
    if (waiting) {
      waiting.info = refresh(waiting.info);
      if (specChanged) this.moveOut(key, waiting.info);
      return;
    }
    this.add(pod);
  }

  /** The pod is gone, bound elsewhere, or terminating: forget it. */
  delete(key: string): void {
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** The next pod to schedule if one is ready now; undefined otherwise (never waits). */
  tryPop(): QueuedPodInfo | undefined {
    if (this.closed) return undefined;
    const next = this.activeQ.pop();
    if (!next) return undefined;
    this.schedulingCycle++;
    const info: QueuedPodInfo = { ...next, attempts: next.attempts + 1, cycle: this.schedulingCycle };
    this.inFlight.set(info.key, info);
    return info;
  }

  /** The next pod to schedule, waiting for one; undefined once the queue is closed. */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const info = this.tryPop();
      if (info) return info;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          this.waiters.delete(wake);
          resolve();
        };
        const wake = (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        this.waiters.add(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
  }

  /** The pod's cycle ended in success (it is assumed and binding): stop tracking it. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** The newest pod object of a pod being scheduled (updates may arrive mid-cycle). */
  inFlightPod(key: string): Pod | undefined {
    return this.inFlight.get(key)?.pod;
  }

  /**
   * The attempt failed: rejected by `plugins` (empty for an error), the pod waits in
   * unschedulable — or in backoffQ if an event arrived during its cycle or it failed
   * with an error. Ignored if the pod was deleted meanwhile.
   */
  addUnschedulable(popped: QueuedPodInfo, plugins: Iterable<string>): void {
    const current = this.inFlight.get(popped.key);
    if (!current) return;
    this.inFlight.delete(popped.key);
    const info: QueuedPodInfo = { ...current, lastFailure: this.clock.now(), unschedulablePlugins: new Set(plugins) };
    if (this.moveRequestCycle >= info.cycle || info.unschedulablePlugins.size === 0) this.toBackoff(info);
    else this.unschedulable.set(info.key, { info, since: this.clock.now() });
  }

  /**
   * A cluster event that may make pods rejected by `plugins` fit: move those pods to
   * backoffQ (if still backing off) or activeQ. `plugins` "all" moves every pod.
   */
  moveOnEvent(plugins: ReadonlySet<string> | "all"): void {
    this.moveRequestCycle = this.schedulingCycle;
    for (const [key, { info }] of [...this.unschedulable]) {
      const interested = plugins === "all" || info.unschedulablePlugins.size === 0 || [...info.unschedulablePlugins].some((p) => plugins.has(p));
      if (interested) this.moveOut(key, info);
    }
  }

  stats(): QueueStats {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  /** Where a pod is, for tests and diagnostics. */
  whereIs(key: string): "active" | "backoff" | "unschedulable" | "inFlight" | undefined {
    if (this.activeQ.has(key)) return "active";
    if (this.backoffQ.has(key)) return "backoff";
    if (this.unschedulable.has(key)) return "unschedulable";
    if (this.inFlight.has(key)) return "inFlight";
    return undefined;
  }

  /** Back-off of a pod after `attempts` attempts: initial × 2^(attempts−1), capped. */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(info: QueuedPodInfo): number {
    return info.lastFailure + this.backoffDuration(info.attempts);
  }

  private moveOut(key: string, info: QueuedPodInfo): void {
    this.unschedulable.delete(key);
    if (this.backoffExpiry(info) > this.clock.now()) this.toBackoff(info);
    else {
      this.activeQ.add(info);
      this.wake();
    }
  }

  private toBackoff(info: QueuedPodInfo): void {
    this.backoffQ.add(info);
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    if (this.closed) return;
    const head = this.backoffQ.peek();
    if (!head) return;
    const at = this.backoffExpiry(head);
    if (this.backoffTimer && this.backoffTimer.at <= at) return;
    this.backoffTimer?.timer.cancel();
    this.backoffTimer = { at, timer: this.clock.setTimer(at - this.clock.now(), () => this.flushBackoff()) };
  }

  private flushBackoff(): void {
    this.backoffTimer = undefined;
    const now = this.clock.now();
    let moved = false;
    for (let head = this.backoffQ.peek(); head && this.backoffExpiry(head) <= now; head = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.activeQ.add(head);
      moved = true;
    }
    if (moved) this.wake();
    this.armBackoffTimer();
  }

  private flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, { info, since }] of [...this.unschedulable]) {
      if (now - since >= this.maxUnschedulableMs) this.moveOut(key, info);
    }
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}
