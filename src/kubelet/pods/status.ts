import type { Container, ContainerState as ApiContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus } from "../../api/index.js";
import { ContainerState, nanosToDate, type ContainerStatus } from "../runtime/index.js";
import { containerNameLabel, containerRestartCountAnnotation } from "./labels.js";

/** What the runtime says about one pod: its newest sandbox and every container record it still has. */
export interface PodRuntimeState {
  sandbox?: { id: string; ready: boolean; ip?: string; additionalIps?: string[] };
  containers: ContainerStatus[];
}

/** What only the kubelet knows: why a container waits, and the probes' verdicts. */
export interface PodWorkerView {
  /** By container name: CrashLoopBackOff, CreateContainerConfigError, ErrImagePull… (replaces a terminated state). */
  waiting: Record<string, { reason: string; message?: string }>;
  /** By container id: readiness (absent = no readiness probe: ready once started). */
  ready: Record<string, boolean>;
  /** By container id: startup probe passed (absent = no startup probe). */
  started: Record<string, boolean>;
  /** By container id: the termination message read from its file. */
  terminationMessages: Record<string, string>;
}

export interface StatusInput {
  pod: Pod;
  runtime: PodRuntimeState;
  view: PodWorkerView;
  hostIP?: string;
  /** RFC 3339, for startTime and condition transitions. */
  now: string;
  /** All containers have been stopped for good (deletion or a terminal pod): the phase becomes Succeeded or Failed. */
  terminal?: boolean;
}

/**
 * The pod status the kubelet reports, computed from CRI state alone (pkg/kubelet
 * kubelet_pods.go generateAPIPodStatus, getPhase, convertToAPIContainerStatuses and
 * pkg/kubelet/status/generate.go). Pure: the same input gives the same status, so it is
 * tested with golden cases.
 */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod, runtime } = input;
  const spec = pod.spec ?? { containers: [] };
  const old = pod.status ?? {};
  const hasInit = (spec.initContainers ?? []).length > 0;
  const initDone = initContainersDone(spec.initContainers ?? [], runtime.containers);
  const initStatuses = (spec.initContainers ?? []).map((c) => containerStatus(c, input, hasInit ? "PodInitializing" : "ContainerCreating", old.initContainerStatuses));
  const appWaiting = hasInit && !initDone ? "PodInitializing" : "ContainerCreating";
  const statuses = spec.containers.map((c) => containerStatus(c, input, appWaiting, old.containerStatuses));

  let phase = podPhase(pod, initStatuses, statuses, input.terminal === true);
  // Terminal phases are final (the kubelet never moves a pod out of them).
  if (old.phase === "Succeeded" || old.phase === "Failed") phase = old.phase;

  const out: PodStatus = {
    phase,
    conditions: conditions(pod, input, initStatuses, statuses, phase),
    hostIP: input.hostIP ?? old.hostIP,
    hostIPs: input.hostIP ? [{ ip: input.hostIP }] : old.hostIPs,
    startTime: old.startTime ?? input.now,
    qosClass: old.qosClass,
  };
  const podIP = spec.hostNetwork ? input.hostIP : runtime.sandbox?.ip;
  if (podIP) {
    out.podIP = podIP;
    out.podIPs = [{ ip: podIP }, ...(spec.hostNetwork ? [] : (runtime.sandbox?.additionalIps ?? []).map((ip) => ({ ip })))];
  } else if (old.podIP) {
    out.podIP = old.podIP;
    out.podIPs = old.podIPs;
  }
  if (initStatuses.length) out.initContainerStatuses = initStatuses;
  out.containerStatuses = statuses;
  if (old.nominatedNodeName) out.nominatedNodeName = old.nominatedNodeName;
  return dropUndefined(out);
}

/** The CRI records of one container, newest first (by attempt). */
export function recordsFor(name: string, containers: ContainerStatus[]): ContainerStatus[] {
  return containers
    .filter((c) => (c.labels?.[containerNameLabel] ?? c.metadata?.name) === name)
    .sort((a, b) => (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0) || Number(BigInt(b.createdAt || "0") - BigInt(a.createdAt || "0")));
}

function initContainersDone(inits: Container[], records: ContainerStatus[]): boolean {
  return inits.every((c) => {
    const latest = recordsFor(c.name, records)[0];
    return latest?.state === ContainerState.CONTAINER_EXITED && latest.exitCode === 0;
  });
}

function containerStatus(c: Container, input: StatusInput, defaultWaiting: string, oldStatuses: ApiContainerStatus[] | undefined): ApiContainerStatus {
  const records = recordsFor(c.name, input.runtime.containers);
  const [current, previous] = records;
  const oldStatus = oldStatuses?.find((s) => s.name === c.name);
  const waitingOverride = input.view.waiting[c.name];
  if (!current) {
    const reason = waitingOverride ?? { reason: defaultWaiting };
    return {
      name: c.name,
      state: { waiting: dropUndefined({ reason: reason.reason, message: reason.message }) },
      lastState: oldStatus?.lastState ?? {},
      ready: false,
      restartCount: oldStatus?.restartCount ?? 0,
      image: c.image ?? "",
      imageID: "",
      started: false,
    };
  }
  const restartCount = Number(current.annotations?.[containerRestartCountAnnotation] ?? current.metadata?.attempt ?? 0);
  const base = {
    name: c.name,
    image: c.image ?? current.image?.image ?? "",
    imageID: current.imageRef ?? "",
    containerID: `containerd://${current.id}`,
    restartCount,
  };
  const lastState: ApiContainerState = previous && previous.state === ContainerState.CONTAINER_EXITED ? { terminated: terminatedOf(previous, input) } : {};
  switch (current.state) {
    case ContainerState.CONTAINER_RUNNING: {
      const started = input.view.started[current.id] ?? true;
      const ready = started && (input.view.ready[current.id] ?? !c.readinessProbe);
      return { ...base, state: { running: { startedAt: rfc3339(current.startedAt) } }, lastState, ready, started };
    }
    case ContainerState.CONTAINER_EXITED: {
      const terminated = terminatedOf(current, input);
      if (waitingOverride) {
        return { ...base, state: { waiting: dropUndefined({ reason: waitingOverride.reason, message: waitingOverride.message }) }, lastState: { terminated }, ready: false, started: false };
      }
      return { ...base, state: { terminated }, lastState, ready: false, started: false };
    }
    default: {
      const reason = waitingOverride ?? { reason: "ContainerCreating" };
      return { ...base, state: { waiting: dropUndefined({ reason: reason.reason, message: reason.message }) }, lastState, ready: false, started: false };
    }
  }
}

function terminatedOf(rec: ContainerStatus, input: StatusInput) {
  const message = input.view.terminationMessages[rec.id] || rec.message || undefined;
  return dropUndefined({
    exitCode: rec.exitCode,
    reason: rec.reason || (rec.exitCode === 0 ? "Completed" : "Error"),
    message,
    startedAt: rfc3339(rec.startedAt),
    finishedAt: rfc3339(rec.finishedAt),
    containerID: `containerd://${rec.id}`,
  });
}

/** getPhase (kubelet_pods.go), for regular (non-sidecar) init containers. */
export function podPhase(pod: Pod, initStatuses: ApiContainerStatus[], statuses: ApiContainerStatus[], terminal: boolean): string {
  const restartPolicy = pod.spec?.restartPolicy ?? "Always";
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of initStatuses) {
    if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.containers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && restartPolicy === "Never") return "Failed";
  if (pendingInit > 0) return terminal ? "Failed" : "Pending";
  if (waiting > 0) return terminal ? "Failed" : "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? "Succeeded" : "Failed";
    if (restartPolicy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (restartPolicy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

function conditions(pod: Pod, input: StatusInput, initStatuses: ApiContainerStatus[], statuses: ApiContainerStatus[], phase: string): PodCondition[] {
  const old = pod.status?.conditions ?? [];
  const spec = pod.spec ?? { containers: [] };
  const out: Array<Omit<PodCondition, "lastTransitionTime" | "lastProbeTime">> = [];
  const sandboxReady = input.runtime.sandbox?.ready === true && !input.terminal && (spec.hostNetwork === true || !!input.runtime.sandbox.ip);
  out.push({ type: "PodReadyToStartContainers", status: sandboxReady ? "True" : "False" });

  // Initialized (generate.go GeneratePodInitializedCondition)
  const incompleteInit = initStatuses.filter((s) => !(s.state?.terminated && s.state.terminated.exitCode === 0)).map((s) => s.name);
  const anyAppStarted = statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if (!spec.initContainers?.length) out.push({ type: "Initialized", status: "True" });
  else if (phase === "Succeeded") out.push({ type: "Initialized", status: "True", reason: "PodCompleted" });
  else if (anyAppStarted || incompleteInit.length === 0) out.push({ type: "Initialized", status: "True" });
  else out.push({ type: "Initialized", status: "False", reason: "ContainersNotInitialized", message: `containers with incomplete status: [${incompleteInit.join(" ")}]` });

  // ContainersReady and Ready (GenerateContainersReadyCondition, GeneratePodReadyCondition)
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  let ready: Omit<PodCondition, "type">;
  if (phase === "Succeeded") ready = { status: "False", reason: "PodCompleted" };
  else if (unready.length) ready = { status: "False", reason: "ContainersNotReady", message: `containers with unready status: [${unready.join(" ")}]` };
  else ready = { status: "True" };
  out.push({ type: "ContainersReady", ...ready });
  let podReady = ready;
  if (ready.status === "True") {
    const missing = (spec.readinessGates ?? []).filter((g) => old.find((c) => c.type === g.conditionType)?.status !== "True").map((g) => g.conditionType);
    if (missing.length) {
      podReady = {
        status: "False",
        reason: "ReadinessGatesNotReady",
        message: missing.map((g) => (old.some((c) => c.type === g) ? `the status of pod readiness gate "${g}" is not "True", but False` : `corresponding condition of pod readiness gate "${g}" does not exist.`)).join(", "),
      };
    }
  }
  out.push({ type: "Ready", ...podReady });

  const result: PodCondition[] = [];
  const ours = new Set(out.map((c) => c.type));
  for (const c of out) {
    const prev = old.find((o) => o.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : input.now;
    result.push(dropUndefined({ ...c, lastTransitionTime }));
  }
  // Conditions owned by others (PodScheduled, DisruptionTarget, readiness gates) are kept.
  for (const c of old) if (!ours.has(c.type)) result.push(c);
  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  return result.sort((a, b) => rank(order, a.type) - rank(order, b.type));
}

function rank(order: string[], t: string): number {
  const i = order.indexOf(t);
  return i < 0 ? order.length : i;
}

function rfc3339(ns: string | undefined): string | undefined {
  const d = nanosToDate(ns);
  return d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
