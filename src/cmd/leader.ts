import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type Client, LeaderElector } from "../client/index.js";

/**
 * Components that must run once per cluster (the scheduler, the controller manager) run
 * only while this server holds their Lease in kube-system, as upstream's
 * kube-scheduler and kube-controller-manager with --leader-elect: several `k8ts server`
 * processes on one etcd all serve the API, one of them schedules and reconciles.
 *
 * Timings default to upstream's (15 s lease, 10 s renew deadline, 2 s retry). A server
 * that loses its Lease stops the component (its signal aborts) and joins the election
 * again, where upstream would exit; the component is restartable, so this is the same.
 */
export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const defaultLeaderElectionTimings: LeaderElectionTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** Upstream's identity: hostname + "_" + a random UUID, unique per process. */
export function leaderIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export interface LeaderElectedOptions {
  client: Client;
  /** The Lease in kube-system, e.g. "kube-scheduler", "kube-controller-manager". */
  lease: string;
  identity: string;
  timings?: Partial<LeaderElectionTimings>;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Runs the component until `signal` aborts (leadership lost or the server stopping). */
  run: (signal: AbortSignal) => Promise<void>;
}

/** Resolves once `signal` aborted and the component (if it ran) has stopped. */
export async function runLeaderElected(o: LeaderElectedOptions): Promise<void> {
  const timings = { ...defaultLeaderElectionTimings, ...o.timings };
  let lastError = "";
  while (!o.signal.aborted) {
    let running: Promise<void> = Promise.resolve();
    const elector = new LeaderElector({
      client: o.client,
      lease: { namespace: "kube-system", name: o.lease },
      identity: o.identity,
      ...timings,
      onStartedLeading: (lead) => {
        o.log(`leader election: ${o.lease}: this server (${o.identity}) leads`);
        running = o.run(lead).catch((err: unknown) => o.log(`${o.lease}: stopped: ${err instanceof Error ? err.message : String(err)}`));
      },
      onNewLeader: (id) => {
        if (id !== o.identity) o.log(`leader election: ${o.lease}: led by ${id || "nobody"}`);
      },
      onError: (err) => {
        // Once per distinct message: a store outage would otherwise print every retry period.
        const message = err instanceof Error ? err.message : String(err);
        if (message !== lastError) o.log(`leader election: ${o.lease}: ${message}`);
        lastError = message;
      },
    });
    await elector.run(o.signal);
    await running;
    if (!o.signal.aborted) {
      o.log(`leader election: ${o.lease}: leadership lost; standing again`);
      await new Promise((r) => setTimeout(r, timings.retryPeriodMs));
    }
  }
}
