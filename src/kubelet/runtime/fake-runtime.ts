// FakeRuntime: an in-memory ContainerRuntime for unit tests and `k8ts sim`. No
// processes, no network, no disk (except log files when a behaviour asks for them).
//
// It keeps CRI's rules where the kubelet relies on them (see ContainerRuntime):
// idempotent stop/remove, notFound for unknown ids, unique container name+attempt in a
// sandbox, exit reasons "Completed"/"Error"/"OOMKilled", 137 after a kill. What a
// container does is scripted: `setBehavior(match, behavior)` says when it exits and
// with which code, whether create/start fail, what execSync answers, what it logs.
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { realClock } from "../../client/index.js";
import type { Clock, Timer } from "../../client/index.js";
import { normalizeImageRef } from "./image-ref.js";
import type { ContainerStats, ListContainerStatsRequest, ListContainerStatsResponse, ListPodSandboxStatsRequest, ListPodSandboxStatsResponse, PodSandboxStats } from "./stats-types.js";
import {
  ContainerState,
  NamespaceMode,
  PodSandboxState,
  RuntimeError,
  dateToNanos,
  nanosToRfc3339,
} from "./runtime.js";
import type {
  AttachRequest,
  AttachResponse,
  CallOptions,
  Container,
  ContainerConfig,
  ContainerRuntime,
  ContainerStatus,
  ContainerStatusRequest,
  ContainerStatusResponse,
  CreateContainerRequest,
  CreateContainerResponse,
  ExecRequest,
  ExecResponse,
  ExecSyncRequest,
  ExecSyncResponse,
  Image,
  ImageStatusRequest,
  ImageStatusResponse,
  ListContainersRequest,
  ListContainersResponse,
  ListImagesRequest,
  ListImagesResponse,
  ListPodSandboxRequest,
  ListPodSandboxResponse,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxStatusRequest,
  PodSandboxStatusResponse,
  PortForwardRequest,
  PortForwardResponse,
  PullImageRequest,
  PullImageResponse,
  RemoveContainerRequest,
  RemoveImageRequest,
  RemovePodSandboxRequest,
  ReopenContainerLogRequest,
  RunPodSandboxRequest,
  RunPodSandboxResponse,
  StartContainerRequest,
  StatusResponse,
  StopContainerRequest,
  StopPodSandboxRequest,
  VersionResponse,
} from "./runtime.js";

/** What a fake container does. Every field is optional. */
export interface FakeContainerBehavior {
  /** The main process exits this many ms after start (default: runs until stopped). */
  exitAfterMs?: number;
  /** Exit code when it exits by itself (default 0). */
  exitCode?: number;
  /** Reason when it exits by itself (default "Completed" for 0, else "Error"). */
  reason?: string;
  /** Killed by the OOM killer `exitAfterMs` after start: 137, "OOMKilled". */
  oomKilled?: boolean;
  /** createContainer fails with this message. */
  createError?: string;
  /** startContainer fails with this message (the container ends CONTAINER_EXITED, 128). */
  startError?: string;
  /** Ignores SIGTERM: stopContainer waits the whole timeout, then kills (137). */
  ignoresSigterm?: boolean;
  /** Exit code when stopped by SIGTERM (default 143, reason "Error"). */
  sigtermExitCode?: number;
  /** Answers execSync (default: `hostname`, `true`, `false`, `echo`, `sh -c "exit N"`). */
  exec?: (cmd: string[]) => FakeExecResult | undefined;
  /** Lines written to stdout of the log file (when the sandbox has a log directory). */
  logLines?: string[];
}

export interface FakeExecResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** What a behaviour applies to: every field given must match. */
export interface FakeContainerMatch {
  /** Container name (metadata.name). */
  name?: string;
  /** Image as the pod spec names it (normalized before comparing). */
  image?: string;
  podName?: string;
  namespace?: string;
}

/** Context for behaviour functions. */
export interface FakeContainerContext {
  config: ContainerConfig;
  sandbox: PodSandboxConfig;
  /** metadata.attempt: 0 for the first run, then 1, 2, ... */
  attempt: number;
}

export type FakeBehaviorSpec = FakeContainerBehavior | ((ctx: FakeContainerContext) => FakeContainerBehavior);

export interface FakeRuntimeOptions {
  clock?: Clock;
  /** Images present at start (any reference form). Default: none. */
  images?: string[];
  /** Which images a pull finds (default: every image). */
  pullable?: (image: string) => boolean;
  /** Pod IPs are handed out from this /N (default "10.88.0.0/16"). */
  podCidr?: string;
  /** Streaming URLs point here (default "http://127.0.0.1:10350"). */
  streamingBase?: string;
  /** Runtime name and version reported by `version`. */
  runtimeName?: string;
  runtimeVersion?: string;
  /**
   * What a running container uses, for ListContainerStats/ListPodSandboxStats (and so
   * /stats/summary, kubectl top, the HPA). Default: a small steady figure derived from
   * the container's name (`syntheticUsage`), as `k8ts sim` nodes report.
   */
  usage?: (ctx: FakeContainerContext) => FakeUsage;
}

/** A container's steady resource use: CPU in nano-cores (1e9 = one core) and memory working set in bytes. */
export interface FakeUsage {
  nanoCores: number;
  workingSetBytes: number;
}

/** Plausible small figures, stable per container name: 1–50m CPU, 4–64 MiB memory. */
export function syntheticUsage(ctx: FakeContainerContext): FakeUsage {
  let h = 2166136261;
  for (const ch of `${ctx.sandbox.metadata?.namespace ?? ""}/${ctx.sandbox.metadata?.name ?? ""}/${ctx.config.metadata?.name ?? ""}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return { nanoCores: (1 + (h % 50)) * 1e6, workingSetBytes: (4 + ((h >>> 8) % 61)) * 1024 * 1024 };
}

/** A call made to the fake, for assertions. */
export interface FakeCall {
  method: string;
  request: unknown;
}

interface FakeSandbox {
  id: string;
  config: PodSandboxConfig;
  state: PodSandboxState;
  createdAt: string;
  ip: string;
  runtimeHandler: string;
}

interface FakeContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  imageRef: string;
  state: ContainerState;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
  message: string;
  behavior: FakeContainerBehavior;
  timer: Timer | undefined;
  logPath: string;
}

interface FakeImage {
  id: string;
  tags: Set<string>;
  size: number;
}

const NS_NODE: number = NamespaceMode.NODE;

function newId(): string {
  return randomBytes(32).toString("hex");
}

function err(method: string, code: RuntimeError["code"], message: string): RuntimeError {
  return new RuntimeError({ code, message, method });
}

/** An in-memory CRI runtime with scriptable containers. See the file comment. */
export class FakeRuntime implements ContainerRuntime {
  readonly calls: FakeCall[] = [];
  private readonly clock: Clock;
  private readonly opts: FakeRuntimeOptions;
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly images = new Map<string, FakeImage>();
  private readonly behaviors: Array<{ match: FakeContainerMatch; spec: FakeBehaviorSpec }> = [];
  private readonly failures = new Map<string, Array<{ error: RuntimeError; times: number }>>();
  private readonly listeners = new Set<() => void>();
  private ipBase: number;
  private ipSize: number;
  private nextIp = 2;
  private readonly freeIps: number[] = [];

  constructor(opts: FakeRuntimeOptions = {}) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    for (const image of opts.images ?? []) this.addImage(image);
    const [addr, bits] = (opts.podCidr ?? "10.88.0.0/16").split("/");
    this.ipBase = ipToInt(addr ?? "10.88.0.0");
    this.ipSize = 2 ** (32 - Number(bits ?? 16));
  }

  // ---- scripting ----

  /** Later calls win over earlier ones for the same container. */
  setBehavior(match: FakeContainerMatch, spec: FakeBehaviorSpec): void {
    this.behaviors.push({ match, spec });
  }

  /** The next `times` calls of `method` (e.g. "runPodSandbox") reject with this error. */
  failNext(method: keyof ContainerRuntime, error: { code?: RuntimeError["code"]; message: string }, times = 1): void {
    const list = this.failures.get(method) ?? [];
    list.push({ error: err(method, error.code ?? "unknown", error.message), times });
    this.failures.set(method, list);
  }

  /** Makes an image present (as if pulled or imported). Returns its id. */
  addImage(ref: string, size = 1_000_000): string {
    const tag = normalizeImageRef(ref);
    const existing = this.findImage(tag);
    if (existing) return existing.id;
    const id = `sha256:${newId()}`;
    this.images.set(id, { id, tags: new Set([tag]), size });
    return id;
  }

  /** The main process of a running container exits now. */
  exitContainer(containerId: string, exitCode: number, reason?: string): void {
    const c = this.containers.get(containerId);
    if (!c || c.state !== ContainerState.CONTAINER_RUNNING) throw new Error(`fake: container ${containerId} is not running`);
    this.finish(c, exitCode, reason ?? (exitCode === 0 ? "Completed" : "Error"));
  }

  /** Called after every state change (a container exits, a sandbox stops...). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counts of live objects, for tests and sim metrics. */
  get counts(): { sandboxes: number; containers: number; images: number } {
    return { sandboxes: this.sandboxes.size, containers: this.containers.size, images: this.images.size };
  }

  // ---- RuntimeService ----

  async version(): Promise<VersionResponse> {
    this.enter("version", {});
    return {
      version: "0.1.0",
      runtimeName: this.opts.runtimeName ?? "fake",
      runtimeVersion: this.opts.runtimeVersion ?? "0.1.0",
      runtimeApiVersion: "v1",
    };
  }

  async status(): Promise<StatusResponse> {
    this.enter("status", {});
    return {
      status: {
        conditions: [
          { type: "RuntimeReady", status: true, reason: "", message: "" },
          { type: "NetworkReady", status: true, reason: "", message: "" },
        ],
      },
      info: {},
    };
  }

  async runPodSandbox(req: RunPodSandboxRequest, _opts?: CallOptions): Promise<RunPodSandboxResponse> {
    const method = "runPodSandbox";
    this.enter(method, req);
    const md = req.config?.metadata;
    if (!md?.name || !md.uid || !md.namespace) throw err(method, "invalidArgument", "sandbox config must include metadata (name, uid, namespace)");
    const attempt = md.attempt ?? 0;
    for (const s of this.sandboxes.values()) {
      const m = s.config.metadata;
      if (m.name === md.name && m.namespace === md.namespace && m.uid === md.uid && (m.attempt ?? 0) === attempt) {
        throw err(method, "unknown", `failed to reserve sandbox name "${md.name}_${md.namespace}_${md.uid}_${attempt}": name is reserved for ${s.id}`);
      }
    }
    const hostNetwork = req.config.linux?.securityContext?.namespaceOptions?.network === NS_NODE;
    const id = newId();
    this.sandboxes.set(id, {
      id,
      config: req.config,
      state: PodSandboxState.SANDBOX_READY,
      createdAt: this.nowNanos(),
      ip: hostNetwork ? "" : this.allocateIp(),
      runtimeHandler: req.runtimeHandler ?? "",
    });
    this.changed();
    return { podSandboxId: id };
  }

  async stopPodSandbox(req: StopPodSandboxRequest): Promise<Record<string, never>> {
    const method = "stopPodSandbox";
    this.enter(method, req);
    const s = this.sandboxes.get(req.podSandboxId);
    if (!s) return {};
    for (const c of this.containers.values()) {
      if (c.sandboxId === s.id && c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, 137, "Error");
    }
    if (s.state === PodSandboxState.SANDBOX_READY) {
      s.state = PodSandboxState.SANDBOX_NOTREADY;
      this.releaseIp(s.ip);
      this.changed();
    }
    return {};
  }

  async removePodSandbox(req: RemovePodSandboxRequest): Promise<Record<string, never>> {
    const method = "removePodSandbox";
    this.enter(method, req);
    const s = this.sandboxes.get(req.podSandboxId);
    if (!s) return {};
    if (s.state === PodSandboxState.SANDBOX_READY) {
      // containerd refuses to remove a running sandbox.
      throw err(method, "unknown", `sandbox container "${s.id}" is not fully stopped`);
    }
    for (const c of [...this.containers.values()]) {
      if (c.sandboxId === s.id) this.dropContainer(c);
    }
    this.sandboxes.delete(s.id);
    this.changed();
    return {};
  }

  async podSandboxStatus(req: PodSandboxStatusRequest): Promise<PodSandboxStatusResponse> {
    const method = "podSandboxStatus";
    this.enter(method, req);
    const s = this.sandboxes.get(req.podSandboxId);
    if (!s) throw err(method, "notFound", `an error occurred when try to find sandbox: not found`);
    const ns = s.config.linux?.securityContext?.namespaceOptions;
    return {
      status: {
        id: s.id,
        metadata: { attempt: 0, ...s.config.metadata },
        state: s.state,
        createdAt: s.createdAt,
        network: { ip: s.ip, additionalIps: [] },
        linux: {
          namespaces: { options: { network: ns?.network ?? 0, pid: ns?.pid ?? 0, ipc: ns?.ipc ?? 0, targetId: "" } },
        },
        labels: { ...s.config.labels },
        annotations: { ...s.config.annotations },
        runtimeHandler: s.runtimeHandler,
      },
      info: {},
    };
  }

  async listPodSandbox(req: ListPodSandboxRequest = {}): Promise<ListPodSandboxResponse> {
    this.enter("listPodSandbox", req);
    const f = req.filter;
    const items: PodSandbox[] = [];
    for (const s of this.sandboxes.values()) {
      if (f?.id && s.id !== f.id) continue;
      if (f?.state && s.state !== f.state.state) continue;
      if (f?.labelSelector && !labelsMatch(s.config.labels, f.labelSelector)) continue;
      items.push({
        id: s.id,
        metadata: { attempt: 0, ...s.config.metadata },
        state: s.state,
        createdAt: s.createdAt,
        labels: { ...s.config.labels },
        annotations: { ...s.config.annotations },
        runtimeHandler: s.runtimeHandler,
      });
    }
    return { items };
  }

  async createContainer(req: CreateContainerRequest): Promise<CreateContainerResponse> {
    const method = "createContainer";
    this.enter(method, req);
    const s = this.sandboxes.get(req.podSandboxId);
    if (!s) throw err(method, "notFound", `failed to get sandbox "${req.podSandboxId}": not found`);
    if (s.state !== PodSandboxState.SANDBOX_READY) throw err(method, "unknown", `sandbox "${s.id}" is not ready`);
    const name = req.config?.metadata?.name;
    if (!name) throw err(method, "invalidArgument", "container config must include metadata");
    const attempt = req.config.metadata.attempt ?? 0;
    for (const c of this.containers.values()) {
      if (c.sandboxId === s.id && c.config.metadata.name === name && (c.config.metadata.attempt ?? 0) === attempt) {
        const md = s.config.metadata;
        throw err(method, "unknown", `failed to reserve container name "${name}_${md.name}_${md.namespace}_${md.uid}_${attempt}": name is reserved for ${c.id}`);
      }
    }
    const image = this.findImage(normalizeImageRef(req.config.image?.image ?? ""));
    if (!image) throw err(method, "notFound", `failed to get image "${req.config.image?.image ?? ""}": not found`);
    const behavior = this.behaviorFor(req.config, s.config);
    if (behavior.createError) throw err(method, "unknown", behavior.createError);
    const id = newId();
    const logDir = s.config.logDirectory;
    this.containers.set(id, {
      id,
      sandboxId: s.id,
      config: req.config,
      imageRef: image.id,
      state: ContainerState.CONTAINER_CREATED,
      createdAt: this.nowNanos(),
      startedAt: "0",
      finishedAt: "0",
      exitCode: 0,
      reason: "",
      message: "",
      behavior,
      timer: undefined,
      logPath: logDir && req.config.logPath ? join(logDir, req.config.logPath) : "",
    });
    this.changed();
    return { containerId: id };
  }

  async startContainer(req: StartContainerRequest): Promise<Record<string, never>> {
    const method = "startContainer";
    this.enter(method, req);
    const c = this.mustContainer(method, req.containerId);
    if (c.state !== ContainerState.CONTAINER_CREATED) {
      throw err(method, "unknown", `container is in ${stateName(c.state)} state`);
    }
    const b = c.behavior;
    if (b.startError) {
      c.state = ContainerState.CONTAINER_EXITED;
      c.exitCode = 128;
      c.reason = "StartError";
      c.message = b.startError;
      c.finishedAt = this.nowNanos();
      this.changed();
      throw err(method, "unknown", `failed to start containerd task "${c.id}": ${b.startError}`);
    }
    c.state = ContainerState.CONTAINER_RUNNING;
    c.startedAt = this.nowNanos();
    if (b.logLines?.length && c.logPath) this.writeLog(c, b.logLines);
    if (b.exitAfterMs !== undefined) {
      c.timer = this.clock.setTimer(b.exitAfterMs, () => {
        c.timer = undefined;
        if (c.state !== ContainerState.CONTAINER_RUNNING) return;
        if (b.oomKilled) this.finish(c, 137, "OOMKilled");
        else {
          const code = b.exitCode ?? 0;
          this.finish(c, code, b.reason ?? (code === 0 ? "Completed" : "Error"));
        }
      });
    }
    this.changed();
    return {};
  }

  async stopContainer(req: StopContainerRequest, opts?: CallOptions): Promise<Record<string, never>> {
    const method = "stopContainer";
    this.enter(method, req);
    const c = this.containers.get(req.containerId);
    if (!c) throw err(method, "notFound", `an error occurred when try to find container "${req.containerId}": not found`);
    if (c.state !== ContainerState.CONTAINER_RUNNING) return {};
    const timeoutMs = Number(req.timeout ?? 0) * 1000;
    if (c.behavior.ignoresSigterm && timeoutMs > 0) {
      try {
        await this.clock.sleep(timeoutMs, opts?.signal);
      } catch {
        throw err(method, "cancelled", "context canceled");
      }
      if (c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, 137, "Error");
    } else if (timeoutMs === 0) {
      this.finish(c, 137, "Error");
    } else {
      this.finish(c, c.behavior.sigtermExitCode ?? 143, (c.behavior.sigtermExitCode ?? 143) === 0 ? "Completed" : "Error");
    }
    return {};
  }

  async removeContainer(req: RemoveContainerRequest): Promise<Record<string, never>> {
    this.enter("removeContainer", req);
    const c = this.containers.get(req.containerId);
    if (!c) return {};
    this.dropContainer(c);
    this.changed();
    return {};
  }

  async listContainers(req: ListContainersRequest = {}): Promise<ListContainersResponse> {
    this.enter("listContainers", req);
    const f = req.filter;
    const containers: Container[] = [];
    for (const c of this.containers.values()) {
      if (f?.id && c.id !== f.id) continue;
      if (f?.podSandboxId && c.sandboxId !== f.podSandboxId) continue;
      if (f?.state && c.state !== f.state.state) continue;
      if (f?.labelSelector && !labelsMatch(c.config.labels, f.labelSelector)) continue;
      containers.push({
        id: c.id,
        podSandboxId: c.sandboxId,
        metadata: { attempt: 0, ...c.config.metadata },
        image: { image: c.imageRef },
        imageRef: c.imageRef,
        state: c.state,
        createdAt: c.createdAt,
        labels: { ...c.config.labels },
        annotations: { ...c.config.annotations },
      });
    }
    return { containers };
  }

  async containerStatus(req: ContainerStatusRequest): Promise<ContainerStatusResponse> {
    const method = "containerStatus";
    this.enter(method, req);
    const c = this.mustContainer(method, req.containerId);
    const status: ContainerStatus = {
      id: c.id,
      metadata: { attempt: 0, ...c.config.metadata },
      state: c.state,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      exitCode: c.exitCode,
      image: { image: normalizeImageRef(c.config.image.image) },
      imageRef: this.imageDigestRef(c),
      reason: c.reason,
      message: c.message,
      labels: { ...c.config.labels },
      annotations: { ...c.config.annotations },
      mounts: c.config.mounts ?? [],
      logPath: c.logPath,
      resources: c.config.linux?.resources ? { linux: c.config.linux.resources } : null,
    };
    return { status, info: {} };
  }

  async reopenContainerLog(req: ReopenContainerLogRequest): Promise<Record<string, never>> {
    const method = "reopenContainerLog";
    this.enter(method, req);
    const c = this.mustContainer(method, req.containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING) throw err(method, "unknown", "container is not running");
    return {};
  }

  async execSync(req: ExecSyncRequest): Promise<ExecSyncResponse> {
    const method = "execSync";
    this.enter(method, req);
    const c = this.mustContainer(method, req.containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING) {
      throw err(method, "unknown", `container is in ${stateName(c.state)} state`);
    }
    const s = this.sandboxes.get(c.sandboxId);
    const r = c.behavior.exec?.(req.cmd) ?? defaultExec(req.cmd, s?.config.hostname || s?.config.metadata.name || "fake");
    return {
      stdout: Buffer.from(r.stdout ?? ""),
      stderr: Buffer.from(r.stderr ?? ""),
      exitCode: r.exitCode,
    };
  }

  async exec(req: ExecRequest): Promise<ExecResponse> {
    const method = "exec";
    this.enter(method, req);
    const c = this.mustContainer(method, req.containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING) throw err(method, "unknown", `container is in ${stateName(c.state)} state`);
    return { url: `${this.streamingBase()}/exec/${newId().slice(0, 8)}` };
  }

  async attach(req: AttachRequest): Promise<AttachResponse> {
    const method = "attach";
    this.enter(method, req);
    const c = this.mustContainer(method, req.containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING) throw err(method, "unknown", `container is in ${stateName(c.state)} state`);
    return { url: `${this.streamingBase()}/attach/${newId().slice(0, 8)}` };
  }

  async portForward(req: PortForwardRequest): Promise<PortForwardResponse> {
    const method = "portForward";
    this.enter(method, req);
    if (!this.sandboxes.has(req.podSandboxId)) throw err(method, "notFound", `failed to find sandbox "${req.podSandboxId}": not found`);
    return { url: `${this.streamingBase()}/portforward/${newId().slice(0, 8)}` };
  }

  async listContainerStats(req: ListContainerStatsRequest = {}): Promise<ListContainerStatsResponse> {
    this.enter("listContainerStats", req);
    const f = req.filter;
    const stats: ContainerStats[] = [];
    for (const c of this.containers.values()) {
      if (f?.id && c.id !== f.id) continue;
      if (f?.podSandboxId && c.sandboxId !== f.podSandboxId) continue;
      if (f?.labelSelector && !labelsMatch(c.config.labels, f.labelSelector)) continue;
      stats.push(this.containerStats(c));
    }
    return { stats };
  }

  async listPodSandboxStats(req: ListPodSandboxStatsRequest = {}): Promise<ListPodSandboxStatsResponse> {
    this.enter("listPodSandboxStats", req);
    const f = req.filter;
    const stats: PodSandboxStats[] = [];
    const now = this.nowNanos();
    for (const s of this.sandboxes.values()) {
      if (s.state !== PodSandboxState.SANDBOX_READY) continue;
      if (f?.id && s.id !== f.id) continue;
      if (f?.labelSelector && !labelsMatch(s.config.labels, f.labelSelector)) continue;
      const containers = [...this.containers.values()].filter((c) => c.sandboxId === s.id && c.state === ContainerState.CONTAINER_RUNNING).map((c) => this.containerStats(c));
      let cpu = 0n;
      let mem = 0n;
      for (const c of containers) {
        cpu += BigInt(c.cpu?.usageCoreNanoSeconds?.value ?? "0");
        mem += BigInt(c.memory?.workingSetBytes?.value ?? "0");
      }
      stats.push({
        attributes: { id: s.id, metadata: s.config.metadata, labels: { ...s.config.labels }, annotations: { ...s.config.annotations } },
        linux: {
          cpu: { timestamp: now, usageCoreNanoSeconds: { value: String(cpu) } },
          memory: { timestamp: now, workingSetBytes: { value: String(mem) }, usageBytes: { value: String(mem) } },
          network: { timestamp: now, defaultInterface: { name: "eth0", rxBytes: { value: "0" }, rxErrors: { value: "0" }, txBytes: { value: "0" }, txErrors: { value: "0" } }, interfaces: [] },
          process: { timestamp: now, processCount: { value: String(containers.length) } },
          containers,
        },
      });
    }
    return { stats };
  }

  /** Cumulative CPU is the steady rate times the time run so far; memory is the steady figure while running. */
  private containerStats(c: FakeContainer): ContainerStats {
    const now = this.nowNanos();
    const sandbox = this.sandboxes.get(c.sandboxId);
    const ctx: FakeContainerContext = { config: c.config, sandbox: sandbox?.config ?? { metadata: { name: "", uid: "", namespace: "", attempt: 0 } }, attempt: c.config.metadata?.attempt ?? 0 };
    const usage = (this.opts.usage ?? syntheticUsage)(ctx);
    const running = c.state === ContainerState.CONTAINER_RUNNING;
    const started = BigInt(c.startedAt);
    const end = running ? BigInt(now) : BigInt(c.finishedAt);
    const ranNs = started > 0n && end > started ? end - started : 0n;
    const cpuTotal = (ranNs * BigInt(Math.round(usage.nanoCores))) / 1_000_000_000n;
    return {
      attributes: { id: c.id, metadata: { attempt: 0, ...c.config.metadata }, labels: { ...c.config.labels }, annotations: { ...c.config.annotations } },
      cpu: { timestamp: now, usageCoreNanoSeconds: { value: String(cpuTotal) }, usageNanoCores: { value: String(running ? Math.round(usage.nanoCores) : 0) } },
      memory: { timestamp: now, workingSetBytes: { value: String(running ? usage.workingSetBytes : 0) }, usageBytes: { value: String(running ? usage.workingSetBytes : 0) } },
      writableLayer: { timestamp: now, fsId: { mountpoint: "/var/lib/k8ts/fake" }, usedBytes: { value: "8192" }, inodesUsed: { value: "4" } },
    };
  }

  // ---- ImageService ----

  async pullImage(req: PullImageRequest): Promise<PullImageResponse> {
    const method = "pullImage";
    this.enter(method, req);
    const ref = req.image?.image ?? "";
    const tag = normalizeImageRef(ref);
    const pullable = this.opts.pullable ?? (() => true);
    if (!pullable(ref) && !pullable(tag)) {
      throw err(method, "notFound", `failed to pull and unpack image "${tag}": failed to resolve reference "${tag}": ${tag}: not found`);
    }
    return { imageRef: this.addImage(tag) };
  }

  async imageStatus(req: ImageStatusRequest): Promise<ImageStatusResponse> {
    this.enter("imageStatus", req);
    const img = this.findImage(req.image?.image ?? "");
    return { image: img ? toImage(img) : null, info: {} };
  }

  async listImages(req: ListImagesRequest = {}): Promise<ListImagesResponse> {
    this.enter("listImages", req);
    const want = req.filter?.image?.image;
    const images: Image[] = [];
    for (const img of this.images.values()) {
      if (want && this.findImage(want) !== img) continue;
      images.push(toImage(img));
    }
    return { images };
  }

  async removeImage(req: RemoveImageRequest): Promise<Record<string, never>> {
    this.enter("removeImage", req);
    const img = this.findImage(req.image?.image ?? "");
    if (img) this.images.delete(img.id); // every tag goes with it, as in containerd
    return {};
  }

  close(): void {
    for (const c of this.containers.values()) c.timer?.cancel();
    this.listeners.clear();
  }

  // ---- internals ----

  private enter(method: string, request: unknown): void {
    this.calls.push({ method, request });
    const list = this.failures.get(method);
    const next = list?.[0];
    if (list && next) {
      next.times -= 1;
      if (next.times <= 0) list.shift();
      throw next.error;
    }
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private nowNanos(): string {
    return dateToNanos(this.clock.now());
  }

  private streamingBase(): string {
    return this.opts.streamingBase ?? "http://127.0.0.1:10350";
  }

  private mustContainer(method: string, id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw err(method, "notFound", `an error occurred when try to find container "${id}": not found`);
    return c;
  }

  private finish(c: FakeContainer, exitCode: number, reason: string): void {
    c.timer?.cancel();
    c.timer = undefined;
    c.state = ContainerState.CONTAINER_EXITED;
    c.exitCode = exitCode;
    c.reason = reason;
    c.finishedAt = this.nowNanos();
    this.changed();
  }

  private dropContainer(c: FakeContainer): void {
    c.timer?.cancel();
    this.containers.delete(c.id);
  }

  private behaviorFor(config: ContainerConfig, sandbox: PodSandboxConfig): FakeContainerBehavior {
    const ctx: FakeContainerContext = { config, sandbox, attempt: config.metadata.attempt ?? 0 };
    let result: FakeContainerBehavior = {};
    for (const { match, spec } of this.behaviors) {
      if (match.name !== undefined && match.name !== config.metadata.name) continue;
      if (match.image !== undefined && normalizeImageRef(match.image) !== normalizeImageRef(config.image.image)) continue;
      if (match.podName !== undefined && match.podName !== sandbox.metadata.name) continue;
      if (match.namespace !== undefined && match.namespace !== sandbox.metadata.namespace) continue;
      result = typeof spec === "function" ? spec(ctx) : spec;
    }
    return result;
  }

  private findImage(ref: string): FakeImage | undefined {
    if (!ref) return undefined;
    const byId = this.images.get(ref) ?? this.images.get(`sha256:${ref}`);
    if (byId) return byId;
    const tag = normalizeImageRef(ref);
    for (const img of this.images.values()) if (img.tags.has(tag)) return img;
    return undefined;
  }

  private imageDigestRef(c: FakeContainer): string {
    const name = normalizeImageRef(c.config.image.image).replace(/[:@][^/]*$/, "");
    return `${name}@${c.imageRef}`;
  }

  private writeLog(c: FakeContainer, lines: string[]): void {
    try {
      mkdirSync(dirname(c.logPath), { recursive: true });
      const ts = nanosToRfc3339(this.nowNanos());
      appendFileSync(c.logPath, lines.map((l) => `${ts} stdout F ${l}\n`).join(""));
    } catch {
      // A log directory we cannot write is the test's business, not the runtime's.
    }
  }

  private allocateIp(): string {
    const reused = this.freeIps.pop();
    if (reused !== undefined) return intToIp(this.ipBase + reused);
    if (this.nextIp >= this.ipSize - 1) throw err("runPodSandbox", "unknown", "failed to setup network for sandbox: no IP addresses available in range set");
    return intToIp(this.ipBase + this.nextIp++);
  }

  private releaseIp(ip: string): void {
    if (ip) this.freeIps.push(ipToInt(ip) - this.ipBase);
  }
}

function toImage(img: FakeImage): Image {
  return {
    id: img.id,
    repoTags: [...img.tags],
    repoDigests: [...img.tags].map((t) => `${t.replace(/:[^/:]*$/, "")}@${img.id}`),
    size: String(img.size),
    uid: null,
    username: "",
    spec: { image: img.id },
    pinned: false,
  };
}

function labelsMatch(have: Record<string, string> | undefined, want: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(want)) if (have?.[k] !== v) return false;
  return true;
}

function stateName(s: ContainerState): string {
  return ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED", "CONTAINER_UNKNOWN"][s] ?? "CONTAINER_UNKNOWN";
}

function defaultExec(cmd: string[], hostname: string): FakeExecResult {
  const [bin, ...args] = cmd;
  switch (bin) {
    case "hostname":
      return { exitCode: 0, stdout: `${hostname}\n` };
    case "true":
      return { exitCode: 0 };
    case "false":
      return { exitCode: 1 };
    case "echo":
      return { exitCode: 0, stdout: `${args.join(" ")}\n` };
    case "sh":
    case "/bin/sh": {
      const m = args[0] === "-c" ? /^\s*exit\s+(\d+)\s*$/.exec(args[1] ?? "") : null;
      if (m) return { exitCode: Number(m[1]) };
      return { exitCode: 0 };
    }
    default:
      return { exitCode: 0 };
  }
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
