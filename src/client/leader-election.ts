import type { KubeObject } from "../api/index.js";
import { isApiError } from "../machinery/index.js";
import type { Client } from "./client.js";
import { realClock, type Clock } from "./clock.js";
import { resources } from "./resources.js";

/** coordination.k8s.io/v1 LeaseSpec (the fields leader election uses). */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime: 2006-01-02T15:04:05.000000Z */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** A time as metav1.MicroTime serializes it: RFC 3339 with microseconds, UTC. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export interface LeaderElectionOptions {
  client: Client;
  /** The Lease that is the lock, e.g. { namespace: "kube-system", name: "kube-scheduler" }. */
  lease: { namespace: string; name: string };
  /** This candidate's name, unique among candidates (hostname + random suffix, as upstream). */
  identity: string;
  clock?: Clock;
  /** How long others wait after the last observed renewal before taking over (default 15s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before giving up leadership (default 10s). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2s). */
  retryPeriodMs?: number;
  /** Give the lease up when stopped, so another candidate takes over at once (default true). */
  releaseOnCancel?: boolean;
  /** Called on becoming leader; `signal` aborts when leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once leadership has ended (lost or stopped), after release. */
  onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to ourselves). */
  onNewLeader?: (identity: string) => void;
  /** Told about failed API calls and callback throws. */
  onError?: (err: unknown) => void;
  /** For the acquire retry jitter; tests pass () => 0. */
  random?: () => number;
}

/**
 * LeaderElector: Lease-based leader election as client-go tools/leaderelection.
 *
 * Promises:
 * - At most one candidate believes it leads at a time, provided clocks tick at similar
 *   rates: the leader gives up when it has not renewed within `renewDeadlineMs`, others
 *   take over only `leaseDurationMs` after they last saw the lease change (measured on
 *   their own clock, not by trusting the holder's renewTime), and every write is a
 *   compare-and-swap on the Lease's resourceVersion.
 * - `run(signal)` acquires (retrying every retryPeriod with jitter), calls
 *   `onStartedLeading`, renews every retryPeriod, and returns when leadership is lost or
 *   `signal` aborts — then `onStoppedLeading` has been called. On abort the lease is
 *   released (holderIdentity ""). Like upstream, it does not re-enter the election;
 *   call `run` again to do so.
 *
 *   const elector = new LeaderElector({ client, lease: { namespace: "kube-system", name: "k8ts-controller-manager" },
 *     identity, onStartedLeading: (signal) => runControllers(signal) });
 *   await elector.run(signal);
 */
export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectionOptions, "onStoppedLeading" | "onNewLeader" | "onError" | "clock">>;
  private readonly clock: Clock;
  private readonly hooks: Pick<LeaderElectionOptions, "onStoppedLeading" | "onNewLeader" | "onError">;
  /** The Lease as last read or written. */
  private lease: Lease | undefined;
  private observedTime = 0;
  private reportedLeader = "";
  private leading = false;
  private running = false;

  constructor(options: LeaderElectionOptions) {
    this.o = {
      client: options.client,
      lease: options.lease,
      identity: options.identity,
      leaseDurationMs: options.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.retryPeriodMs ?? 2_000,
      releaseOnCancel: options.releaseOnCancel ?? true,
      onStartedLeading: options.onStartedLeading,
      random: options.random ?? Math.random,
    };
    if (this.o.leaseDurationMs <= this.o.renewDeadlineMs) throw new Error("leaseDuration must be greater than renewDeadline");
    if (this.o.renewDeadlineMs <= this.o.retryPeriodMs * 1.2) throw new Error("renewDeadline must be greater than retryPeriod*1.2");
    this.clock = options.clock ?? realClock;
    this.hooks = { onStoppedLeading: options.onStoppedLeading, onNewLeader: options.onNewLeader, onError: options.onError };
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder as last observed ("" if none). */
  getLeader(): string {
    return this.lease?.spec?.holderIdentity ?? "";
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error("leader election: already running");
    this.running = true;
    try {
      if (!(await this.acquire(signal))) return;
      this.leading = true;
      const leadership = new AbortController();
      try {
        try {
          // Not awaited: the callback runs for as long as we lead.
          Promise.resolve(this.o.onStartedLeading(leadership.signal)).catch((err: unknown) => this.hooks.onError?.(err));
        } catch (err) {
          this.hooks.onError?.(err);
        }
        await this.renewLoop(signal);
      } finally {
        this.leading = false;
        leadership.abort();
        if (signal.aborted && this.o.releaseOnCancel) await this.release();
        try {
          this.hooks.onStoppedLeading?.();
        } catch (err) {
          this.hooks.onError?.(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal, this.o.renewDeadlineMs)) return true;
      const wait = this.o.retryPeriodMs * (1 + this.o.random() * 1.2);
      if (!(await this.sleep(wait, signal))) return false;
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a renewal could not succeed within renewDeadline, or on abort. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const deadline = this.clock.now() + this.o.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted) {
        const left = deadline - this.clock.now();
        if (left <= 0) break;
        if (await this.tryAcquireOrRenew(signal, left)) {
          renewed = true;
          break;
        }
        if (!(await this.sleep(this.o.retryPeriodMs, signal))) return;
      }
      if (!renewed) return;
      if (!(await this.sleep(this.o.retryPeriodMs, signal))) return;
    }
  }

  private async tryAcquireOrRenew(outer: AbortSignal, timeoutMs: number): Promise<boolean> {
    const { client, lease: ref, identity } = this.o;
    const { signal, done } = this.deadline(outer, timeoutMs);
    try {
      const now = this.clock.now();
      let current: Lease;
      try {
        current = await client.get(resources.leases, ref.name, { namespace: ref.namespace, signal });
      } catch (err) {
        if (!isApiError(err, "NotFound")) throw err;
        const created = await client.create<Lease>(
          resources.leases,
          {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name: ref.name, namespace: ref.namespace },
            spec: this.record(now, { acquireTime: formatMicroTime(now), leaseTransitions: 0 }),
          },
          { signal },
        );
        this.observe(created, now);
        return true;
      }
      this.observe(current, this.clock.now());
      const spec = current.spec ?? {};
      const holder = spec.holderIdentity ?? "";
      const mine = holder === identity;
      const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder && !mine && this.observedTime + durationMs > now) return false;
      const next: Lease = {
        ...current,
        spec: this.record(now, {
          acquireTime: mine ? spec.acquireTime : formatMicroTime(now),
          leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
        }),
      };
      const updated = await client.update(resources.leases, next, { signal });
      this.observe(updated, this.clock.now());
      return true;
    } catch (err) {
      if (!outer.aborted && !isApiError(err, "Conflict") && !isApiError(err, "AlreadyExists")) this.hooks.onError?.(err);
      return false;
    } finally {
      done();
    }
  }

  /**
   * Gives the lease up, so another candidate need not wait for it to expire. A renewal cut
   * short by the stop may still have been written (the abort only stopped waiting for its
   * answer), so the lease we last saw can be one version behind: on a conflict it is read
   * again and, while still ours, released from there.
   */
  private async release(): Promise<void> {
    let current = this.lease;
    const { signal, done } = this.deadline(undefined, this.o.renewDeadlineMs);
    try {
      for (let attempt = 0; current?.spec?.holderIdentity === this.o.identity; attempt++) {
        const now = formatMicroTime(this.clock.now());
        const released: Lease = {
          ...current,
          spec: { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.spec?.leaseTransitions ?? 0 },
        };
        try {
          this.observe(await this.o.client.update(resources.leases, released, { signal }), this.clock.now());
          return;
        } catch (err) {
          if (!isApiError(err, "Conflict") || attempt > 0) throw err;
          current = await this.o.client.get(resources.leases, this.o.lease.name, { namespace: this.o.lease.namespace, signal });
        }
      }
    } catch (err) {
      this.hooks.onError?.(err);
    } finally {
      done();
    }
  }

  private record(now: number, carried: { acquireTime?: string; leaseTransitions: number }): LeaseSpec {
    const spec: LeaseSpec = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
      renewTime: formatMicroTime(now),
      leaseTransitions: carried.leaseTransitions,
    };
    if (carried.acquireTime) spec.acquireTime = carried.acquireTime;
    return spec;
  }

  /** Remembers the lease; the local time of the last change is what expiry is measured from. */
  private observe(lease: Lease, now: number): void {
    const before = this.lease?.spec;
    const after = lease.spec ?? {};
    if (!before || before.holderIdentity !== after.holderIdentity || before.renewTime !== after.renewTime || before.leaseTransitions !== after.leaseTransitions) {
      this.observedTime = now;
    }
    this.lease = lease;
    const holder = after.holderIdentity ?? "";
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) {
        try {
          this.hooks.onNewLeader?.(holder);
        } catch (err) {
          this.hooks.onError?.(err);
        }
      }
    }
  }

  /** A signal that aborts with `outer` or after `ms` on the clock. */
  private deadline(outer: AbortSignal | undefined, ms: number): { signal: AbortSignal; done: () => void } {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(outer?.reason);
    if (outer?.aborted) ac.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    const timer = this.clock.setTimer(ms, () => ac.abort(new Error("leader election: request exceeded the renew deadline")));
    return {
      signal: ac.signal,
      done: () => {
        timer.cancel();
        outer?.removeEventListener("abort", onAbort);
      },
    };
  }

  /** Sleeps on the clock; false if `signal` aborted. */
  private async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }
}
