// CriRuntime: ContainerRuntime over gRPC to a CRI v1 runtime (containerd's CRI plugin)
// on a unix socket, with the message subset in api.proto beside this file.
//
// Replies are passed through as proto-loader decodes them (keepCase: false,
// longs: String, enums: Number, defaults: true, bytes: Buffer), which is the shape
// runtime.ts declares. Deadlines follow the kubelet's runtime-request-timeout
// (2 minutes); StopContainer gets the stop timeout on top, ExecSync its own timeout,
// PullImage none (upstream bounds pulls by progress, not by time).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { RuntimeError } from "./runtime.js";
import type { ListContainerStatsRequest, ListContainerStatsResponse, ListPodSandboxStatsRequest, ListPodSandboxStatsResponse } from "./stats-types.js";
import type {
  AttachRequest,
  AttachResponse,
  CallOptions,
  ContainerRuntime,
  ContainerStatusRequest,
  ContainerStatusResponse,
  CreateContainerRequest,
  CreateContainerResponse,
  ExecRequest,
  ExecResponse,
  ExecSyncRequest,
  ExecSyncResponse,
  ImageStatusRequest,
  ImageStatusResponse,
  ListContainersRequest,
  ListContainersResponse,
  ListImagesRequest,
  ListImagesResponse,
  ListPodSandboxRequest,
  ListPodSandboxResponse,
  PodSandboxStatusRequest,
  PodSandboxStatusResponse,
  PortForwardRequest,
  PortForwardResponse,
  PullImageRequest,
  PullImageResponse,
  RemoveContainerRequest,
  RemoveContainerResponse,
  RemoveImageRequest,
  RemoveImageResponse,
  RemovePodSandboxRequest,
  RemovePodSandboxResponse,
  ReopenContainerLogRequest,
  ReopenContainerLogResponse,
  RunPodSandboxRequest,
  RunPodSandboxResponse,
  RuntimeErrorCode,
  StartContainerRequest,
  StartContainerResponse,
  StatusRequest,
  StatusResponse,
  StopContainerRequest,
  StopContainerResponse,
  StopPodSandboxRequest,
  StopPodSandboxResponse,
  VersionRequest,
  VersionResponse,
} from "./runtime.js";

/** The kubelet's --runtime-request-timeout default. */
export const DEFAULT_RUNTIME_REQUEST_TIMEOUT_MS = 2 * 60 * 1000;

export interface CriRuntimeOptions {
  /** "unix:///run/containerd/containerd.sock" or a plain socket path. */
  endpoint: string;
  /** Default deadline of a call (DEFAULT_RUNTIME_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export interface CriStartOptions {
  signal?: AbortSignal;
  /** How long to wait for the socket to answer (default 10 s). */
  waitMs?: number;
}

/** Where api.proto is: beside this module in the source tree, or there from dist/. */
export function locateCriProto(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, "api.proto"),
    // dist/src/kubelet/runtime → the repository root → src/kubelet/runtime
    resolve(here, "../../../../src/kubelet/runtime/api.proto"),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`CRI api.proto not found (looked in ${candidates.join(", ")})`);
}

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: Number,
  defaults: true,
  oneofs: true,
  bytes: Buffer,
};

let packageDefinition: protoLoader.PackageDefinition | undefined;

function criPackage(): { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } {
  packageDefinition ??= protoLoader.loadSync(locateCriProto(), LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(packageDefinition);
  const runtime = loaded["runtime"] as grpc.GrpcObject;
  const v1 = runtime["v1"] as grpc.GrpcObject;
  return {
    RuntimeService: v1["RuntimeService"] as grpc.ServiceClientConstructor,
    ImageService: v1["ImageService"] as grpc.ServiceClientConstructor,
  };
}

/** "unix:///x.sock" for "/x.sock", "unix:///x.sock" or "unix:/x.sock". */
export function grpcTarget(endpoint: string): string {
  if (endpoint.startsWith("unix://")) return endpoint;
  if (endpoint.startsWith("unix:")) return `unix://${endpoint.slice("unix:".length)}`;
  if (endpoint.startsWith("/")) return `unix://${endpoint}`;
  return endpoint;
}

const CODES: Partial<Record<number, RuntimeErrorCode>> = {
  [grpc.status.NOT_FOUND]: "notFound",
  [grpc.status.ALREADY_EXISTS]: "alreadyExists",
  [grpc.status.INVALID_ARGUMENT]: "invalidArgument",
  [grpc.status.UNAVAILABLE]: "unavailable",
  [grpc.status.UNIMPLEMENTED]: "unimplemented",
  [grpc.status.DEADLINE_EXCEEDED]: "deadlineExceeded",
  [grpc.status.CANCELLED]: "cancelled",
};

function toRuntimeError(method: string, e: unknown): RuntimeError {
  const se = e as Partial<grpc.ServiceError>;
  if (typeof se.code === "number") {
    return new RuntimeError({
      code: CODES[se.code] ?? "unknown",
      message: se.details || se.message || `${method} failed`,
      method,
      grpcCode: se.code,
    });
  }
  return new RuntimeError({ code: "unknown", message: e instanceof Error ? e.message : String(e), method });
}

/** A ContainerRuntime over CRI v1 gRPC. `start()` checks that the CRI plugin answers. */
export class CriRuntime implements ContainerRuntime {
  readonly endpoint: string;
  private readonly requestTimeoutMs: number;
  private runtimeClient: grpc.Client | undefined;
  private imageClient: grpc.Client | undefined;

  constructor(opts: CriRuntimeOptions) {
    this.endpoint = opts.endpoint;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_RUNTIME_REQUEST_TIMEOUT_MS;
  }

  /**
   * Waits until the runtime answers Version, and returns it. Rejects with one clear
   * line when the socket never answers, or when containerd answers without its CRI
   * plugin (every CRI call UNIMPLEMENTED — e.g. a config with both
   * `registry.mirrors` and `registry.config_path`).
   */
  async start(opts: CriStartOptions = {}): Promise<VersionResponse> {
    const waitMs = opts.waitMs ?? 10_000;
    const until = Date.now() + waitMs;
    let last: RuntimeError | undefined;
    for (;;) {
      try {
        return await this.version({ version: "v1" }, { signal: opts.signal, timeoutMs: Math.max(500, Math.min(5000, until - Date.now())) });
      } catch (e) {
        const re = e instanceof RuntimeError ? e : toRuntimeError("version", e);
        if (re.code === "unimplemented") {
          throw new RuntimeError({
            code: "unimplemented",
            method: "version",
            grpcCode: re.grpcCode,
            message: `the container runtime at ${this.endpoint} answers but does not serve CRI v1 (runtime.v1.RuntimeService): containerd's CRI plugin is not loaded — check its config and log (${re.message})`,
          });
        }
        last = re;
      }
      if (opts.signal?.aborted || Date.now() >= until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new RuntimeError({
      code: last?.code ?? "unavailable",
      method: "version",
      grpcCode: last?.grpcCode,
      message: `the container runtime at ${this.endpoint} did not answer within ${waitMs} ms: ${last?.message ?? "no reply"}`,
    });
  }

  close(): void {
    this.runtimeClient?.close();
    this.imageClient?.close();
    this.runtimeClient = undefined;
    this.imageClient = undefined;
  }

  // ---- RuntimeService ----

  version(req: VersionRequest = {}, opts?: CallOptions): Promise<VersionResponse> {
    return this.call("runtime", "Version", req, opts);
  }
  status(req: StatusRequest = {}, opts?: CallOptions): Promise<StatusResponse> {
    return this.call("runtime", "Status", req, opts);
  }
  runPodSandbox(req: RunPodSandboxRequest, opts?: CallOptions): Promise<RunPodSandboxResponse> {
    return this.call("runtime", "RunPodSandbox", req, opts);
  }
  stopPodSandbox(req: StopPodSandboxRequest, opts?: CallOptions): Promise<StopPodSandboxResponse> {
    return this.call("runtime", "StopPodSandbox", req, opts);
  }
  removePodSandbox(req: RemovePodSandboxRequest, opts?: CallOptions): Promise<RemovePodSandboxResponse> {
    return this.call("runtime", "RemovePodSandbox", req, opts);
  }
  podSandboxStatus(req: PodSandboxStatusRequest, opts?: CallOptions): Promise<PodSandboxStatusResponse> {
    return this.call("runtime", "PodSandboxStatus", req, opts);
  }
  listPodSandbox(req: ListPodSandboxRequest = {}, opts?: CallOptions): Promise<ListPodSandboxResponse> {
    return this.call("runtime", "ListPodSandbox", req, opts);
  }
  createContainer(req: CreateContainerRequest, opts?: CallOptions): Promise<CreateContainerResponse> {
    // KeyValue.value is `bytes` in CRI: protobufjs would read a JS string as base64,
    // so env values go as UTF-8 buffers.
    const config = {
      ...req.config,
      envs: req.config.envs?.map((kv) => ({ key: kv.key, value: Buffer.from(kv.value ?? "", "utf8") })),
    };
    return this.call("runtime", "CreateContainer", { ...req, config }, opts);
  }
  startContainer(req: StartContainerRequest, opts?: CallOptions): Promise<StartContainerResponse> {
    return this.call("runtime", "StartContainer", req, opts);
  }
  stopContainer(req: StopContainerRequest, opts?: CallOptions): Promise<StopContainerResponse> {
    const extra = Number(req.timeout ?? 0) * 1000;
    return this.call("runtime", "StopContainer", req, { ...opts, timeoutMs: opts?.timeoutMs ?? this.requestTimeoutMs + extra });
  }
  removeContainer(req: RemoveContainerRequest, opts?: CallOptions): Promise<RemoveContainerResponse> {
    return this.call("runtime", "RemoveContainer", req, opts);
  }
  listContainers(req: ListContainersRequest = {}, opts?: CallOptions): Promise<ListContainersResponse> {
    return this.call("runtime", "ListContainers", req, opts);
  }
  containerStatus(req: ContainerStatusRequest, opts?: CallOptions): Promise<ContainerStatusResponse> {
    return this.call("runtime", "ContainerStatus", req, opts);
  }
  reopenContainerLog(req: ReopenContainerLogRequest, opts?: CallOptions): Promise<ReopenContainerLogResponse> {
    return this.call("runtime", "ReopenContainerLog", req, opts);
  }
  execSync(req: ExecSyncRequest, opts?: CallOptions): Promise<ExecSyncResponse> {
    const t = Number(req.timeout ?? 0) * 1000;
    // As the kubelet: the exec's own timeout plus the request timeout; none when 0.
    const timeoutMs = opts?.timeoutMs ?? (t > 0 ? t + this.requestTimeoutMs : 0);
    return this.call("runtime", "ExecSync", req, { ...opts, timeoutMs });
  }
  exec(req: ExecRequest, opts?: CallOptions): Promise<ExecResponse> {
    return this.call("runtime", "Exec", req, opts);
  }
  attach(req: AttachRequest, opts?: CallOptions): Promise<AttachResponse> {
    return this.call("runtime", "Attach", req, opts);
  }
  portForward(req: PortForwardRequest, opts?: CallOptions): Promise<PortForwardResponse> {
    return this.call("runtime", "PortForward", req, opts);
  }
  listContainerStats(req: ListContainerStatsRequest = {}, opts?: CallOptions): Promise<ListContainerStatsResponse> {
    return this.call("runtime", "ListContainerStats", req, opts);
  }
  listPodSandboxStats(req: ListPodSandboxStatsRequest = {}, opts?: CallOptions): Promise<ListPodSandboxStatsResponse> {
    return this.call("runtime", "ListPodSandboxStats", req, opts);
  }

  // ---- ImageService ----

  pullImage(req: PullImageRequest, opts?: CallOptions): Promise<PullImageResponse> {
    return this.call("image", "PullImage", req, { ...opts, timeoutMs: opts?.timeoutMs ?? 0 });
  }
  imageStatus(req: ImageStatusRequest, opts?: CallOptions): Promise<ImageStatusResponse> {
    return this.call("image", "ImageStatus", req, opts);
  }
  listImages(req: ListImagesRequest = {}, opts?: CallOptions): Promise<ListImagesResponse> {
    return this.call("image", "ListImages", req, opts);
  }
  removeImage(req: RemoveImageRequest, opts?: CallOptions): Promise<RemoveImageResponse> {
    return this.call("image", "RemoveImage", req, opts);
  }

  // ---- gRPC plumbing ----

  private client(service: "runtime" | "image"): grpc.Client {
    if (service === "runtime") {
      this.runtimeClient ??= this.newClient("RuntimeService");
      return this.runtimeClient;
    }
    this.imageClient ??= this.newClient("ImageService");
    return this.imageClient;
  }

  private newClient(name: "RuntimeService" | "ImageService"): grpc.Client {
    const Ctor = criPackage()[name];
    return new Ctor(grpcTarget(this.endpoint), grpc.credentials.createInsecure(), {
      // As the kubelet (16 MiB max message size for ListContainers on busy nodes).
      "grpc.max_receive_message_length": 16 * 1024 * 1024,
      "grpc.max_send_message_length": 16 * 1024 * 1024,
    });
  }

  private call<Res>(service: "runtime" | "image", rpc: string, req: unknown, opts?: CallOptions): Promise<Res> {
    const method = rpc.charAt(0).toLowerCase() + rpc.slice(1);
    const client = this.client(service);
    // A method of a loaded service client, called by name.
    const fn = (client as unknown as Record<string, grpc.requestCallback<Res> & ((...args: unknown[]) => grpc.ClientUnaryCall)>)[rpc];
    if (typeof fn !== "function") return Promise.reject(new RuntimeError({ code: "unimplemented", message: `no method ${rpc}`, method }));
    const timeoutMs = opts?.timeoutMs ?? this.requestTimeoutMs;
    const callOptions: grpc.CallOptions = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    const signal = opts?.signal;
    if (signal?.aborted) return Promise.reject(new RuntimeError({ code: "cancelled", message: "call aborted", method }));
    return new Promise<Res>((resolvePromise, reject) => {
      const onAbort = (): void => call.cancel();
      const call = fn.call(client, req, new grpc.Metadata(), callOptions, (e: grpc.ServiceError | null, res?: Res) => {
        signal?.removeEventListener("abort", onAbort);
        if (e) reject(toRuntimeError(method, e));
        else resolvePromise(res as Res);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
