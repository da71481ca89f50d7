import type { Container, Pod, Probe } from "../../api/index.js";
import { realClock, type Clock } from "../../client/index.js";
import type { ContainerRuntime } from "../runtime/index.js";
import { execHandler, grpcHandler, httpGetHandler, tcpHandler, type HandlerResult } from "./handlers.js";

export type ProbeType = "liveness" | "readiness" | "startup";

/** A running container the prober should watch. */
export interface ProbeTarget {
  container: Container;
  containerId: string;
  /** When the container started (ms since epoch): initialDelaySeconds counts from here. */
  startedAtMs: number;
}

export interface ProberOptions {
  runtime: ContainerRuntime;
  clock?: Clock;
  /** A verdict changed for a container of pod `uid`: sync that pod. */
  onChange: (uid: string) => void;
  /** Unhealthy events (Warning), as upstream records for each failed probe. */
  onEvent: (pod: Pod, reason: string, message: string) => void;
}

/** The probe defaults of the API (pkg/apis/core/v1/defaults.go SetDefaults_Probe). */
export function probeTiming(p: Probe): { initialDelayMs: number; periodMs: number; timeoutSeconds: number; successThreshold: number; failureThreshold: number } {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutSeconds: Math.max(1, p.timeoutSeconds ?? 1),
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

interface Worker {
  stop: AbortController;
  /** The verdict: readiness starts false, liveness true, startup false (unknown). */
  ok: boolean;
  /** A liveness or startup failure reached failureThreshold: the container must go. */
  failed: boolean;
}

/**
 * Runs liveness, readiness and startup probes (pkg/kubelet/prober): one worker per
 * (container, probe type), each on its own period from the container's start plus
 * initialDelaySeconds. Consecutive results count towards successThreshold /
 * failureThreshold; a changed verdict calls `onChange(uid)`. Readiness and liveness wait
 * until a startup probe has succeeded; after a liveness or startup failure the worker
 * holds until the container is replaced.
 *
 *   prober.sync(pod, running, podIP);       // after each pod sync
 *   prober.ready(containerId);              // → PodWorkerView.ready
 *   prober.mustRestart(containerId);        // liveness failed
 */
export class Prober {
  private readonly o: ProberOptions;
  private readonly clock: Clock;
  private readonly workers = new Map<string, Worker>();
  private readonly byPod = new Map<string, Set<string>>();

  constructor(options: ProberOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
  }

  /** Starts workers for new containers of the pod and stops those of containers no longer running. */
  sync(pod: Pod, running: ProbeTarget[], podIP: string): void {
    const uid = pod.metadata.uid ?? "";
    const wanted = new Set<string>();
    for (const t of running) {
      for (const type of ["startup", "liveness", "readiness"] as const) {
        const probe = type === "startup" ? t.container.startupProbe : type === "liveness" ? t.container.livenessProbe : t.container.readinessProbe;
        if (!probe) continue;
        const key = `${t.containerId}/${type}`;
        wanted.add(key);
        if (!this.workers.has(key)) this.startWorker(pod, t, type, probe, podIP, key);
      }
    }
    const mine = this.byPod.get(uid) ?? new Set<string>();
    for (const key of mine) {
      if (wanted.has(key)) continue;
      this.workers.get(key)?.stop.abort();
      this.workers.delete(key);
    }
    this.byPod.set(uid, wanted);
  }

  removePod(uid: string): void {
    for (const key of this.byPod.get(uid) ?? []) {
      this.workers.get(key)?.stop.abort();
      this.workers.delete(key);
    }
    this.byPod.delete(uid);
  }

  stopAll(): void {
    for (const uid of [...this.byPod.keys()]) this.removePod(uid);
  }

  /** Readiness of a container; undefined when it has no readiness probe. */
  ready(containerId: string): boolean | undefined {
    return this.workers.get(`${containerId}/readiness`)?.ok;
  }

  /** Startup verdict; undefined when it has no startup probe. */
  started(containerId: string): boolean | undefined {
    return this.workers.get(`${containerId}/startup`)?.ok;
  }

  /** Which probe (if any) says the container must be restarted. */
  mustRestart(containerId: string): ProbeType | undefined {
    if (this.workers.get(`${containerId}/liveness`)?.failed) return "liveness";
    if (this.workers.get(`${containerId}/startup`)?.failed) return "startup";
    return undefined;
  }

  private startWorker(pod: Pod, t: ProbeTarget, type: ProbeType, probe: Probe, podIP: string, key: string): void {
    const w: Worker = { stop: new AbortController(), ok: type === "liveness", failed: false };
    this.workers.set(key, w);
    void this.runWorker(pod, t, type, probe, podIP, w).catch(() => undefined);
  }

  private async runWorker(pod: Pod, t: ProbeTarget, type: ProbeType, probe: Probe, podIP: string, w: Worker): Promise<void> {
    const timing = probeTiming(probe);
    const uid = pod.metadata.uid ?? "";
    const signal = w.stop.signal;
    let successes = 0;
    let failures = 0;
    const firstAt = t.startedAtMs + timing.initialDelayMs;
    await this.clock.sleep(Math.max(0, firstAt - this.clock.now()), signal);
    while (!signal.aborted) {
      const gated = type !== "startup" && this.started(t.containerId) === false;
      if (!gated && !w.failed) {
        const r = await this.runProbe(probe, t, podIP, timing.timeoutSeconds);
        if (signal.aborted) return;
        if (r.result === "success") {
          failures = 0;
          successes++;
          if (!w.ok && successes >= timing.successThreshold) {
            w.ok = true;
            this.o.onChange(uid);
          }
          if (type === "startup" && w.ok) return; // a started container is not probed again
        } else if (r.result === "failure") {
          successes = 0;
          failures++;
          this.o.onEvent(pod, "Unhealthy", `${capitalize(type)} probe failed: ${r.output.trim()}`);
          if (failures >= timing.failureThreshold) {
            if (w.ok || type !== "readiness") {
              w.ok = false;
              if (type !== "readiness") w.failed = true;
              this.o.onChange(uid);
            }
          }
        } else {
          this.o.onEvent(pod, "Unhealthy", `${capitalize(type)} probe errored: ${r.output.trim()}`);
        }
      }
      try {
        await this.clock.sleep(timing.periodMs, signal);
      } catch {
        return;
      }
    }
  }

  private runProbe(probe: Probe, t: ProbeTarget, podIP: string, timeoutSeconds: number): Promise<HandlerResult> {
    if (probe.exec) return execHandler(this.o.runtime, t.containerId, probe.exec, timeoutSeconds);
    if (probe.httpGet) return httpGetHandler(probe.httpGet, podIP, t.container, timeoutSeconds);
    if (probe.tcpSocket) return tcpHandler(probe.tcpSocket, podIP, t.container, timeoutSeconds);
    if (probe.grpc) return grpcHandler(probe.grpc, podIP, timeoutSeconds);
    return Promise.resolve({ result: "unknown", output: "probe has no handler" });
  }
}

function capitalize(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
