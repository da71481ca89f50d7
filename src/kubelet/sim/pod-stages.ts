import type { Container, Pod } from "../../api/index.js";
import type { PodRuntimeState, PodWorkerView } from "../pods/status.js";
import { containerNameLabel, containerRestartCountAnnotation } from "../pods/labels.js";
import { ContainerState, dateToNanos, type ContainerStatus } from "../runtime/index.js";

/**
 * What a simulated node's fake runtime does with a pod, as data (kwok's stages): the
 * sandbox and containers start `startupDelayMs` after the pod was bound; a container
 * without an explicit `command`/`args` runs forever; one with a command runs for
 * `runDurationMs` and exits with `exitCode` when the pod's restartPolicy lets it finish
 * (Never, OnFailure) or the pod asks for it by annotation; init containers always exit.
 * After an exit the kubelet's restart rules apply (Always: restart; OnFailure: restart
 * on failure; Never: stay), with its crash-loop back-off of 10 s doubling to 5 min.
 *
 * A pod can override the node-wide behaviour with annotations (values are durations like
 * `500ms`, `2s`, or an exit code): `sim.k8ts.io/startup-delay`, `sim.k8ts.io/run-duration`,
 * `sim.k8ts.io/exit-code` (the last one also makes commands exit under restartPolicy Always).
 */
export interface SimBehaviour {
  startupDelayMs: number;
  runDurationMs: number;
  exitCode: number;
}

export const defaultSimBehaviour: SimBehaviour = { startupDelayMs: 500, runDurationMs: 1000, exitCode: 0 };

export const startupDelayAnnotation = "sim.k8ts.io/startup-delay";
export const runDurationAnnotation = "sim.k8ts.io/run-duration";
export const exitCodeAnnotation = "sim.k8ts.io/exit-code";

/** The crash-loop back-off: 10 s doubling to 5 min (pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff). */
const backoffInitialMs = 10_000;
const backoffMaxMs = 300_000;

export interface PodStage {
  /** When the sandbox and the first containers start (epoch ms). */
  startAtMs: number;
  /** The runtime as the kubelet would read it from CRI at `nowMs`. */
  runtime: PodRuntimeState;
  /** Waiting reasons the kubelet keeps itself (CrashLoopBackOff). */
  view: PodWorkerView;
  /** The next moment the runtime state changes; undefined when it never does by itself. */
  nextChangeAtMs?: number;
}

/** The pod's effective behaviour: the node's, overridden by the pod's annotations. */
export function behaviourOf(pod: Pod, node: SimBehaviour): SimBehaviour & { forceExit: boolean } {
  const a = pod.metadata.annotations ?? {};
  const delay = a[startupDelayAnnotation] !== undefined ? parseDuration(a[startupDelayAnnotation]) : undefined;
  const run = a[runDurationAnnotation] !== undefined ? parseDuration(a[runDurationAnnotation]) : undefined;
  const code = a[exitCodeAnnotation] !== undefined && /^\d{1,3}$/.test(a[exitCodeAnnotation]) ? Number(a[exitCodeAnnotation]) : undefined;
  return {
    startupDelayMs: delay ?? node.startupDelayMs,
    runDurationMs: run ?? node.runDurationMs,
    exitCode: code ?? node.exitCode,
    forceExit: code !== undefined,
  };
}

/**
 * The runtime state of a pod bound at `boundAtMs`, seen at `nowMs`. Pure: the same input
 * gives the same state, so the sim recomputes it at each change instead of storing it.
 */
export function podStage(pod: Pod, options: { boundAtMs: number; nowMs: number; behaviour: SimBehaviour; podIP: string; idPrefix?: string }): PodStage {
  const b = behaviourOf(pod, options.behaviour);
  const startAtMs = options.boundAtMs + b.startupDelayMs;
  const view: PodWorkerView = { waiting: {}, ready: {}, started: {}, terminationMessages: {} };
  const idBase = options.idPrefix ?? pod.metadata.uid ?? pod.metadata.name ?? "pod";
  if (options.nowMs < startAtMs) return { startAtMs, runtime: { containers: [] }, view, nextChangeAtMs: startAtMs };
  const runtime: PodRuntimeState = { sandbox: { id: `${idBase}-sandbox`, ready: true, ip: pod.spec?.hostNetwork ? undefined : options.podIP }, containers: [] };
  const restartPolicy = pod.spec?.restartPolicy ?? "Always";
  let next: number | undefined;
  const soonest = (t: number | undefined) => {
    if (t !== undefined && (next === undefined || t < next)) next = t;
  };

  let t = startAtMs;
  for (const c of pod.spec?.initContainers ?? []) {
    // Native sidecars (restartPolicy Always on an init container) run like app containers.
    const sidecar = c.restartPolicy === "Always";
    const run = runContainer(c, {
      startMs: t,
      nowMs: options.nowMs,
      exits: !sidecar,
      runMs: b.runDurationMs,
      exitCode: b.exitCode,
      restart: (code) => (sidecar ? true : restartPolicy !== "Never" && code !== 0),
      id: `${idBase}-${c.name}`,
      podLabel: `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    });
    runtime.containers.push(...run.records);
    if (run.waiting) view.waiting[c.name] = run.waiting;
    soonest(run.nextChangeAtMs);
    if (sidecar) continue;
    if (run.finishedOkAtMs === undefined) return { startAtMs, runtime, view, nextChangeAtMs: next };
    t = run.finishedOkAtMs;
  }
  for (const c of pod.spec?.containers ?? []) {
    const exits = hasCommand(c) && (restartPolicy !== "Always" || b.forceExit);
    const run = runContainer(c, {
      startMs: t,
      nowMs: options.nowMs,
      exits,
      runMs: b.runDurationMs,
      exitCode: b.exitCode,
      restart: (code) => restartPolicy === "Always" || (restartPolicy === "OnFailure" && code !== 0),
      id: `${idBase}-${c.name}`,
      podLabel: `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    });
    runtime.containers.push(...run.records);
    if (run.waiting) view.waiting[c.name] = run.waiting;
    soonest(run.nextChangeAtMs);
  }
  // Probes of a simulated container always pass.
  for (const r of runtime.containers) if (r.state === ContainerState.CONTAINER_RUNNING) view.ready[r.id] = true;
  return { startAtMs, runtime, view, nextChangeAtMs: next };
}

function hasCommand(c: Container): boolean {
  return (c.command?.length ?? 0) > 0 || (c.args?.length ?? 0) > 0;
}

interface ContainerRun {
  /** The current and previous CRI records (newest attempt first), as the kubelet keeps them. */
  records: ContainerStatus[];
  waiting?: { reason: string; message?: string };
  nextChangeAtMs?: number;
  /** Set once the container exited 0 and will not run again. */
  finishedOkAtMs?: number;
}

function runContainer(
  c: Container,
  o: { startMs: number; nowMs: number; exits: boolean; runMs: number; exitCode: number; restart: (code: number) => boolean; id: string; podLabel: string },
): ContainerRun {
  const records: ContainerStatus[] = [];
  let start = o.startMs;
  for (let attempt = 0; ; attempt++) {
    if (!o.exits) {
      records.unshift(record(c, o.id, attempt, start, undefined, 0));
      return { records: records.slice(0, 2) };
    }
    const end = start + o.runMs;
    if (end > o.nowMs) {
      records.unshift(record(c, o.id, attempt, start, undefined, 0));
      return { records: records.slice(0, 2), nextChangeAtMs: end };
    }
    records.unshift(record(c, o.id, attempt, start, end, o.exitCode));
    if (!o.restart(o.exitCode)) return { records: records.slice(0, 2), finishedOkAtMs: o.exitCode === 0 ? end : undefined };
    const backoff = Math.min(backoffInitialMs * 2 ** attempt, backoffMaxMs);
    start = end + backoff;
    if (start > o.nowMs) {
      const waiting = { reason: "CrashLoopBackOff", message: `back-off ${formatSeconds(backoff)} restarting failed container=${c.name} pod=${o.podLabel}` };
      return { records: records.slice(0, 2), waiting, nextChangeAtMs: start };
    }
  }
}

function record(c: Container, idBase: string, attempt: number, startMs: number, endMs: number | undefined, exitCode: number): ContainerStatus {
  const exited = endMs !== undefined;
  return {
    id: `${idBase}-${attempt}`,
    metadata: { name: c.name, attempt },
    state: exited ? ContainerState.CONTAINER_EXITED : ContainerState.CONTAINER_RUNNING,
    createdAt: dateToNanos(startMs),
    startedAt: dateToNanos(startMs),
    finishedAt: exited ? dateToNanos(endMs) : "0",
    exitCode: exited ? exitCode : 0,
    image: { image: c.image ?? "" },
    imageRef: `sim://${c.image ?? ""}`,
    reason: exited ? (exitCode === 0 ? "Completed" : "Error") : "",
    message: "",
    labels: { [containerNameLabel]: c.name },
    annotations: { [containerRestartCountAnnotation]: String(attempt) },
    mounts: [],
    logPath: "",
    resources: null,
  };
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : "0s"}` : `${s}s`;
}

/** "500ms", "2s", "1.5s", "1m": milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!m) return text.trim() === "0" ? 0 : undefined;
  return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "s" ? 1000 : 60_000);
}
