// The container runtime as the kubelet sees it: the CRI v1 RuntimeService and
// ImageService calls the kubelet makes, with CRI's own message shapes.
//
// Message types use CRI's field names as @grpc/proto-loader yields them with
// keepCase: false (`pod_sandbox_id` → `podSandboxId`), so a reply from containerd is
// one of these objects as it is, and the upstream docs for a field apply unchanged
// (k8s.io/cri-api pkg/apis/runtime/v1/api.proto).
//
// Numbers: CRI's int64 fields (timestamps in nanoseconds since the epoch, memory
// limits, timeouts in seconds) exceed 2^53, so:
//   - in replies they are always decimal strings (`Int64`), e.g. createdAt
//     "1721749430123456789"; `"0"` means unset, as in Go;
//   - in requests they may be a number or a decimal string (`Int64Input`).
// Use `nanosToDate` / `dateToNanos` below to convert timestamps.
// int32/uint32 fields (exit codes, ports, attempts) are plain numbers; bytes fields
// (ExecSync's stdout/stderr) are Uint8Array (Buffer from the real runtime).
// Enums are their numeric values (`ContainerState.CONTAINER_RUNNING === 1`).
// Fields that are unset in a reply are filled with proto3 defaults ("" / 0 / [] /
// {}), except message-typed fields, which may be null or undefined.

import type { ListContainerStatsRequest, ListContainerStatsResponse, ListPodSandboxStatsRequest, ListPodSandboxStatsResponse } from "./stats-types.js";

/**
 * A CRI v1 container runtime: containerd through gRPC (`CriRuntime`) or an in-memory
 * stand-in (`FakeRuntime`, for unit tests and `k8ts sim`).
 *
 * Promises (those of CRI v1, which both implementations keep):
 * - Every call either resolves with the reply or rejects with a `RuntimeError` whose
 *   `code` says what went wrong (`notFound` for an unknown sandbox/container id,
 *   `unavailable` when the runtime cannot be reached, ...). Nothing is retried
 *   inside: the caller (the pod worker) decides on back-off.
 * - `runPodSandbox` returns only once the sandbox is ready (network set up); an
 *   error leaves no sandbox behind.
 * - `stopPodSandbox`, `removePodSandbox`, `stopContainer`, `removeContainer` and
 *   `removeImage` are idempotent: calling them for something already stopped or gone
 *   succeeds. `stopPodSandbox` kills the sandbox's containers; `removePodSandbox`
 *   removes them. The kubelet calls `stopPodSandbox` before `removePodSandbox`.
 * - `stopContainer(timeout)` sends the stop signal, waits up to `timeout` seconds,
 *   then kills (exit code 137). `timeout: 0` kills at once.
 * - A container name (metadata name + attempt) is unique within its sandbox until
 *   removed: bump `metadata.attempt` for each restart.
 * - `podSandboxStatus` and `containerStatus` reject with `notFound` for unknown ids;
 *   `imageStatus` of a missing image resolves with `image: null`.
 * - Listing is a snapshot: later calls see later state; there is no ordering
 *   guarantee among list items.
 * - `exec`, `attach` and `portForward` return a URL on the runtime's streaming
 *   server; the kubelet proxies the client's upgraded connection to it.
 * - Each call takes an optional `{ signal, timeoutMs }`; an aborted or timed-out
 *   call rejects with `deadlineExceeded` (the runtime may still finish the work).
 *
 * @example
 *   const { podSandboxId } = await runtime.runPodSandbox({ config: sandboxConfig });
 *   const { containerId } = await runtime.createContainer({
 *     podSandboxId, config: containerConfig, sandboxConfig,
 *   });
 *   await runtime.startContainer({ containerId });
 *   const { status } = await runtime.containerStatus({ containerId });
 *   // status.state === ContainerState.CONTAINER_RUNNING
 */
export interface ContainerRuntime {
  // RuntimeService
  version(req?: VersionRequest, opts?: CallOptions): Promise<VersionResponse>;
  status(req?: StatusRequest, opts?: CallOptions): Promise<StatusResponse>;
  runPodSandbox(req: RunPodSandboxRequest, opts?: CallOptions): Promise<RunPodSandboxResponse>;
  stopPodSandbox(req: StopPodSandboxRequest, opts?: CallOptions): Promise<StopPodSandboxResponse>;
  removePodSandbox(req: RemovePodSandboxRequest, opts?: CallOptions): Promise<RemovePodSandboxResponse>;
  podSandboxStatus(req: PodSandboxStatusRequest, opts?: CallOptions): Promise<PodSandboxStatusResponse>;
  listPodSandbox(req?: ListPodSandboxRequest, opts?: CallOptions): Promise<ListPodSandboxResponse>;
  createContainer(req: CreateContainerRequest, opts?: CallOptions): Promise<CreateContainerResponse>;
  startContainer(req: StartContainerRequest, opts?: CallOptions): Promise<StartContainerResponse>;
  stopContainer(req: StopContainerRequest, opts?: CallOptions): Promise<StopContainerResponse>;
  removeContainer(req: RemoveContainerRequest, opts?: CallOptions): Promise<RemoveContainerResponse>;
  listContainers(req?: ListContainersRequest, opts?: CallOptions): Promise<ListContainersResponse>;
  containerStatus(req: ContainerStatusRequest, opts?: CallOptions): Promise<ContainerStatusResponse>;
  reopenContainerLog(req: ReopenContainerLogRequest, opts?: CallOptions): Promise<ReopenContainerLogResponse>;
  /** Runs a command in the container and waits for it (`timeout` seconds, 0 = none). */
  execSync(req: ExecSyncRequest, opts?: CallOptions): Promise<ExecSyncResponse>;
  exec(req: ExecRequest, opts?: CallOptions): Promise<ExecResponse>;
  attach(req: AttachRequest, opts?: CallOptions): Promise<AttachResponse>;
  portForward(req: PortForwardRequest, opts?: CallOptions): Promise<PortForwardResponse>;
  /** Per-container CPU, memory and writable-layer usage (stats-types.ts). */
  listContainerStats(req?: ListContainerStatsRequest, opts?: CallOptions): Promise<ListContainerStatsResponse>;
  /** Per-sandbox CPU, memory, network and process counts, with its containers' stats. */
  listPodSandboxStats(req?: ListPodSandboxStatsRequest, opts?: CallOptions): Promise<ListPodSandboxStatsResponse>;
  // ImageService
  pullImage(req: PullImageRequest, opts?: CallOptions): Promise<PullImageResponse>;
  imageStatus(req: ImageStatusRequest, opts?: CallOptions): Promise<ImageStatusResponse>;
  listImages(req?: ListImagesRequest, opts?: CallOptions): Promise<ListImagesResponse>;
  removeImage(req: RemoveImageRequest, opts?: CallOptions): Promise<RemoveImageResponse>;
  /** Releases the connection (no-op for the fake). Does not stop the runtime. */
  close(): void;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Deadline for this call; CriRuntime's default is 2 minutes (pulls: none). */
  timeoutMs?: number;
}

/** What went wrong, from the gRPC status code of the reply. */
export type RuntimeErrorCode =
  | "notFound"
  | "alreadyExists"
  | "invalidArgument"
  | "unavailable"
  | "unimplemented"
  | "deadlineExceeded"
  | "cancelled"
  | "unknown";

/** A failed runtime call. `message` is the runtime's own text (as kubelet shows it). */
export class RuntimeError extends Error {
  override readonly name = "RuntimeError";
  readonly code: RuntimeErrorCode;
  /** The gRPC status code, when the error came from gRPC. */
  readonly grpcCode: number | undefined;
  readonly method: string;
  constructor(opts: { code: RuntimeErrorCode; message: string; method: string; grpcCode?: number }) {
    super(opts.message);
    this.code = opts.code;
    this.method = opts.method;
    this.grpcCode = opts.grpcCode;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof RuntimeError && err.code === "notFound";
}

// ---- scalars and helpers ----

/** An int64 in a reply: a decimal string ("0" = unset). */
export type Int64 = string;
/** An int64 in a request: a number or a decimal string. */
export type Int64Input = number | string;

/** CRI nanosecond timestamp → Date (undefined for "0"/unset). */
export function nanosToDate(ns: Int64 | Int64Input | undefined | null): Date | undefined {
  if (ns === undefined || ns === null) return undefined;
  const n = BigInt(ns);
  if (n === 0n) return undefined;
  return new Date(Number(n / 1_000_000n));
}

/** Date (or epoch ms) → CRI nanosecond timestamp. */
export function dateToNanos(d: Date | number): Int64 {
  const ms = typeof d === "number" ? d : d.getTime();
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}

/** RFC 3339 with nanoseconds, as upstream prints CRI times (e.g. in log lines). */
export function nanosToRfc3339(ns: Int64): string {
  const n = BigInt(ns);
  const secs = n / 1_000_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, "0");
  return new Date(Number(secs) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

// ---- enums (numeric, as on the wire) ----

export const Protocol = { TCP: 0, UDP: 1, SCTP: 2 } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

export const MountPropagation = {
  PROPAGATION_PRIVATE: 0,
  PROPAGATION_HOST_TO_CONTAINER: 1,
  PROPAGATION_BIDIRECTIONAL: 2,
} as const;
export type MountPropagation = (typeof MountPropagation)[keyof typeof MountPropagation];

export const NamespaceMode = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 } as const;
export type NamespaceMode = (typeof NamespaceMode)[keyof typeof NamespaceMode];

export const PodSandboxState = { SANDBOX_READY: 0, SANDBOX_NOTREADY: 1 } as const;
export type PodSandboxState = (typeof PodSandboxState)[keyof typeof PodSandboxState];

export const ContainerState = {
  CONTAINER_CREATED: 0,
  CONTAINER_RUNNING: 1,
  CONTAINER_EXITED: 2,
  CONTAINER_UNKNOWN: 3,
} as const;
export type ContainerState = (typeof ContainerState)[keyof typeof ContainerState];

export const SecurityProfileType = { RuntimeDefault: 0, Unconfined: 1, Localhost: 2 } as const;
export type SecurityProfileType = (typeof SecurityProfileType)[keyof typeof SecurityProfileType];

// ---- RuntimeService messages ----

export interface VersionRequest {
  version?: string;
}
export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeCondition {
  /** "RuntimeReady" or "NetworkReady". */
  type: string;
  status: boolean;
  reason: string;
  message: string;
}
export interface StatusRequest {
  verbose?: boolean;
}
export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: Record<string, string>;
}

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PortMapping {
  protocol?: Protocol;
  containerPort?: number;
  hostPort?: number;
  hostIp?: string;
}

export interface Int64Value {
  value: Int64 | Int64Input;
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  targetId?: string;
}

export interface SELinuxOption {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

export interface SecurityProfile {
  profileType?: SecurityProfileType;
  localhostRef?: string;
}

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: Int64Input[];
  privileged?: boolean;
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface LinuxContainerResources {
  cpuPeriod?: Int64Input;
  cpuQuota?: Int64Input;
  cpuShares?: Int64Input;
  memoryLimitInBytes?: Int64Input;
  oomScoreAdj?: Int64Input;
  cpusetCpus?: string;
  cpusetMems?: string;
  unified?: Record<string, string>;
  memorySwapLimitInBytes?: Int64Input;
}

export interface LinuxPodSandboxConfig {
  /** e.g. "/k8ts/pod<uid>" (cgroupfs). */
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: Record<string, string>;
  overhead?: LinuxContainerResources;
  resources?: LinuxContainerResources;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt?: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  /** Must be empty for host-network pods. */
  hostname?: string;
  /** Absolute; container `logPath`s are relative to it. */
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: LinuxPodSandboxConfig;
}

export interface RunPodSandboxRequest {
  config: PodSandboxConfig;
  runtimeHandler?: string;
}
export interface RunPodSandboxResponse {
  podSandboxId: string;
}

export interface StopPodSandboxRequest {
  podSandboxId: string;
}
export type StopPodSandboxResponse = Record<string, never>;

export interface RemovePodSandboxRequest {
  podSandboxId: string;
}
export type RemovePodSandboxResponse = Record<string, never>;

export interface PodSandboxStatusRequest {
  podSandboxId: string;
  verbose?: boolean;
}

export interface PodIP {
  ip: string;
}
export interface PodSandboxNetworkStatus {
  ip: string;
  additionalIps: PodIP[];
}

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: Int64;
  network: PodSandboxNetworkStatus | null;
  linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}
export interface PodSandboxStatusResponse {
  status: PodSandboxStatus;
  /** Only with `verbose`. */
  info: Record<string, string>;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: Record<string, string>;
}
export interface ListPodSandboxRequest {
  filter?: PodSandboxFilter;
}
export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: Int64;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}
export interface ListPodSandboxResponse {
  items: PodSandbox[];
}

export interface ImageSpec {
  image: string;
  annotations?: Record<string, string>;
  userSpecifiedImage?: string;
  runtimeHandler?: string;
}

/** An environment variable. (CRI's value is `bytes` since 1.33, `string` before: same wire.) */
export interface KeyValue {
  key: string;
  value: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: MountPropagation;
}

export interface Device {
  containerPath: string;
  hostPath: string;
  permissions?: string;
}

export interface Capability {
  addCapabilities?: string[];
  dropCapabilities?: string[];
  addAmbientCapabilities?: string[];
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: Int64Input[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export interface ContainerMetadata {
  name: string;
  attempt?: number;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  /** The entrypoint (pod spec `command`); empty = the image's. */
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  devices?: Device[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Relative to the sandbox's `logDirectory`, e.g. "web/0.log". */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig;
}

export interface CreateContainerRequest {
  podSandboxId: string;
  config: ContainerConfig;
  sandboxConfig: PodSandboxConfig;
}
export interface CreateContainerResponse {
  containerId: string;
}

export interface StartContainerRequest {
  containerId: string;
}
export type StartContainerResponse = Record<string, never>;

export interface StopContainerRequest {
  containerId: string;
  /** Seconds to wait after the stop signal before killing. */
  timeout: Int64Input;
}
export type StopContainerResponse = Record<string, never>;

export interface RemoveContainerRequest {
  containerId: string;
}
export type RemoveContainerResponse = Record<string, never>;

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}
export interface ListContainersRequest {
  filter?: ContainerFilter;
}
export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec | null;
  imageRef: string;
  state: ContainerState;
  createdAt: Int64;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface ListContainersResponse {
  containers: Container[];
}

export interface ContainerStatusRequest {
  containerId: string;
  verbose?: boolean;
}
export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: Int64;
  startedAt: Int64;
  finishedAt: Int64;
  exitCode: number;
  image: ImageSpec | null;
  imageRef: string;
  /** containerd: "Completed" (exit 0), "Error", "OOMKilled"; "" while running. */
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: Mount[];
  /** Absolute path of the container's log file ("" when it has none). */
  logPath: string;
  resources: { linux: LinuxContainerResources | null } | null;
}
export interface ContainerStatusResponse {
  status: ContainerStatus;
  info: Record<string, string>;
}

export interface ReopenContainerLogRequest {
  containerId: string;
}
export type ReopenContainerLogResponse = Record<string, never>;

export interface ExecSyncRequest {
  containerId: string;
  cmd: string[];
  /** Seconds; 0 = no timeout. */
  timeout?: Int64Input;
}
export interface ExecSyncResponse {
  stdout: Uint8Array;
  stderr: Uint8Array;
  exitCode: number;
}

export interface ExecRequest {
  containerId: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}
export interface ExecResponse {
  url: string;
}

export interface AttachRequest {
  containerId: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}
export interface AttachResponse {
  url: string;
}

export interface PortForwardRequest {
  podSandboxId: string;
  port?: number[];
}
export interface PortForwardResponse {
  url: string;
}

// ---- ImageService messages ----

export interface Image {
  /** "sha256:..." */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes, as a decimal string (uint64). */
  size: Int64;
  uid: { value: Int64 } | null;
  username: string;
  spec: ImageSpec | null;
  pinned: boolean;
}

export interface ListImagesRequest {
  filter?: { image?: ImageSpec };
}
export interface ListImagesResponse {
  images: Image[];
}

export interface ImageStatusRequest {
  image: ImageSpec;
  verbose?: boolean;
}
export interface ImageStatusResponse {
  /** null when the image is not present. */
  image: Image | null;
  info: Record<string, string>;
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}
export interface PullImageRequest {
  image: ImageSpec;
  auth?: AuthConfig;
  sandboxConfig?: PodSandboxConfig;
}
export interface PullImageResponse {
  /** The image id or digest reference of what was pulled. */
  imageRef: string;
}

export interface RemoveImageRequest {
  image: ImageSpec;
}
export type RemoveImageResponse = Record<string, never>;
