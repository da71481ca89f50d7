import { randomBytes } from "node:crypto";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Container, ContainerStatus as ApiContainerStatus, Pod, PodStatus } from "../../api/index.js";
import type { Clock, Client } from "../../client/index.js";
import { resources } from "../../client/index.js";
import { isApiError } from "../../machinery/index.js";
import type { Prober } from "../probes/index.js";
import type { ContainerRuntime, ContainerStatus, PodSandboxConfig } from "../runtime/index.js";
import { ContainerState, PodSandboxState, isNotFound, nanosToDate } from "../runtime/index.js";
import { VolumeSetupError, type MountedVolume, type VolumeManager } from "../volumes/index.js";
import { Backoff, goDuration } from "./backoff.js";
import { containerConfig } from "./container-config.js";
import { podDnsConfig, type DnsSettings } from "./dns.js";
import { ContainerConfigError, resolveEnv, type EnvSources } from "./env.js";
import { runLifecycleHandler } from "./hooks.js";
import { containerRestartCountAnnotation, podUidLabel } from "./labels.js";
import { podCgroupParent, sandboxConfig } from "./sandbox-config.js";
import { kubeletMetrics } from "../metrics.js";
import { computePodStatus, recordsFor, type PodRuntimeState, type PodWorkerView } from "./status.js";

export type EventSink = (pod: Pod, type: "Normal" | "Warning", reason: string, message: string) => void;

export interface PodSyncOptions {
  client: Client;
  runtime: ContainerRuntime;
  clock: Clock;
  volumes: VolumeManager;
  prober: Prober;
  events: EventSink;
  envSources: (pod: Pod) => Promise<EnvSources>;
  dns: DnsSettings;
  /** Root of the pod log directories (/var/log/pods upstream). */
  logRoot: string;
  hostIP: () => string | undefined;
}

/** Resync period of a pod with nothing pending (upstream's syncFrequency is 1 min; configMap volumes want ~10 s). */
export const podResyncMs = 10_000;
const minGraceSeconds = 2;

/** The kubelet's memory of one pod between syncs. */
interface PodMemory {
  waiting: PodWorkerView["waiting"];
  terminationMessages: Record<string, string>;
  lastStatus?: string;
  /** When this worker first saw the pod (kubelet_pod_start_duration_seconds starts here). */
  firstSeen: number;
  startObserved?: boolean;
  sandboxConfig?: PodSandboxConfig;
  sandboxId?: string;
}

/**
 * The pod worker's sync (pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod and
 * KillPod, kubelet.go syncPod / syncTerminatingPod): level-triggered, one pod at a time.
 * Each call looks at the runtime, takes the next steps (sandbox → init containers in
 * order → app containers, restarts with back-off, liveness kills), and writes the status
 * when it changed. Returns when to look again.
 */
export class PodSyncer {
  private readonly o: PodSyncOptions;
  private readonly memory = new Map<string, PodMemory>();
  readonly backoff: Backoff;

  constructor(options: PodSyncOptions) {
    this.o = options;
    this.backoff = new Backoff(options.clock);
  }

  private mem(uid: string): PodMemory {
    let m = this.memory.get(uid);
    if (!m) {
      m = { waiting: {}, terminationMessages: {}, firstSeen: this.o.clock.now() };
      this.memory.set(uid, m);
    }
    return m;
  }

  /** Brings the runtime in line with a pod bound to this node. Returns ms until the next look. */
  async sync(pod: Pod, signal: AbortSignal): Promise<number> {
    const uid = pod.metadata.uid ?? "";
    if (pod.metadata.deletionTimestamp) {
      await this.terminate(pod, { deleteFromApi: true });
      return 0;
    }
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      await this.stopTerminal(pod);
      return 0;
    }
    const m = this.mem(uid);

    let volumes: Map<string, MountedVolume>;
    try {
      volumes = await this.o.volumes.setUp(pod);
    } catch (err) {
      if (!(err instanceof VolumeSetupError)) throw err;
      this.o.events(pod, "Warning", "FailedMount", err.message);
      await this.writeStatus(pod, { containers: [] });
      return 5_000;
    }
    signal.throwIfAborted();

    // The sandbox: reuse the newest ready one (also after an agent restart), else make one.
    const sandboxes = await this.sandboxesOf(uid);
    let sandbox = sandboxes.find((s) => s.state === PodSandboxState.SANDBOX_READY);
    if (!sandbox) {
      const made = await this.createSandbox(pod, sandboxes, m);
      if (!made) return 5_000;
      sandbox = made;
    }
    m.sandboxId = sandbox.id;
    const sbStatus = (await this.o.runtime.podSandboxStatus({ podSandboxId: sandbox.id })).status;
    const podIP = pod.spec?.hostNetwork ? (this.o.hostIP() ?? "") : (sbStatus.network?.ip ?? "");
    m.sandboxConfig ??= this.sandboxConfigFor(pod, sbStatus.metadata.attempt ?? 0).config;
    if (!pod.spec?.hostNetwork) await this.writeEtcHosts(pod, podIP);

    let records = await this.recordsOf(sandbox.id);
    let next = podResyncMs;
    const restartPolicy = pod.spec?.restartPolicy ?? "Always";

    // Liveness or startup probe failures: kill, then treat as exited.
    for (const r of records) {
      if (r.state !== ContainerState.CONTAINER_RUNNING) continue;
      const failed = this.o.prober.mustRestart(r.id);
      if (!failed) continue;
      const c = findContainer(pod, r.metadata.name);
      this.o.events(pod, "Normal", "Killing", `Container ${r.metadata.name} failed ${failed} probe, will be restarted`);
      await this.killContainer(pod, r, c, gracePeriodOf(pod), podIP);
      records = await this.recordsOf(sandbox.id);
    }

    const ctx = { pod, sandboxId: sandbox.id, podIP, volumes, m, oldStatuses: pod.status };
    // Init containers, in order: each must exit 0 before the next starts.
    let initDone = true;
    for (const c of pod.spec?.initContainers ?? []) {
      const latest = recordsFor(c.name, records)[0];
      if (latest?.state === ContainerState.CONTAINER_EXITED && latest.exitCode === 0) {
        delete m.waiting[c.name];
        continue;
      }
      initDone = false;
      if (!latest) {
        await this.startContainer(ctx, c, "init", nextRestartCount(undefined, pod.status?.initContainerStatuses, c.name));
      } else if (latest.state === ContainerState.CONTAINER_EXITED) {
        if (restartPolicy !== "Never") next = Math.min(next, await this.restartWithBackoff(ctx, c, "init", latest));
      } else if (latest.state === ContainerState.CONTAINER_CREATED) {
        await this.o.runtime.startContainer({ containerId: latest.id }).catch(() => undefined);
      }
      break;
    }
    if (initDone) {
      for (const c of pod.spec?.containers ?? []) {
        const latest = recordsFor(c.name, records)[0];
        if (!latest) {
          await this.startContainer(ctx, c, "app", nextRestartCount(undefined, pod.status?.containerStatuses, c.name));
          continue;
        }
        if (latest.state === ContainerState.CONTAINER_RUNNING) {
          delete m.waiting[c.name];
          continue;
        }
        if (latest.state === ContainerState.CONTAINER_CREATED) {
          await this.o.runtime.startContainer({ containerId: latest.id }).catch(() => undefined);
          continue;
        }
        const restart = restartPolicy === "Always" || (restartPolicy === "OnFailure" && latest.exitCode !== 0);
        if (!restart) {
          delete m.waiting[c.name];
          continue;
        }
        next = Math.min(next, await this.restartWithBackoff(ctx, c, "app", latest));
      }
    }

    records = await this.recordsOf(sandbox.id);
    await this.readTerminationMessages(pod, records, m);
    const running = records.filter((r) => r.state === ContainerState.CONTAINER_RUNNING);
    this.o.prober.sync(
      pod,
      running.flatMap((r) => {
        const c = findContainer(pod, r.metadata.name);
        return c ? [{ container: c, containerId: r.id, startedAtMs: nanosToDate(r.startedAt)?.getTime() ?? this.o.clock.now() }] : [];
      }),
      podIP,
    );
    const written = await this.writeStatus(pod, { sandbox: { id: sandbox.id, ready: true, ip: sbStatus.network?.ip || undefined, additionalIps: (sbStatus.network?.additionalIps ?? []).map((x) => x.ip) }, containers: records });
    if (written?.phase === "Succeeded" || written?.phase === "Failed") return 0;
    return next;
  }

  /** Stops a pod whose phase is final: containers are done; the sandbox (and its IP) goes. */
  async stopTerminal(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    this.o.prober.removePod(uid);
    for (const sb of await this.sandboxesOf(uid)) {
      if (sb.state !== PodSandboxState.SANDBOX_READY) continue;
      for (const r of await this.recordsOf(sb.id)) {
        if (r.state === ContainerState.CONTAINER_RUNNING) await this.killContainer(pod, r, findContainer(pod, r.metadata.name), gracePeriodOf(pod), "");
      }
      await this.o.runtime.stopPodSandbox({ podSandboxId: sb.id });
    }
  }

  /**
   * Graceful termination (killPod + syncTerminatedPod): preStop hooks, StopContainer with
   * what remains of the grace period, the final status, then sandbox and volumes removed
   * and — for a pod still in the API — the delete with grace 0 that lets the API server
   * drop it.
   */
  async terminate(pod: Pod, opts: { deleteFromApi: boolean }): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    this.o.prober.removePod(uid);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? gracePeriodOf(pod);
    const sandboxes = await this.sandboxesOf(uid);
    let records: ContainerStatus[] = [];
    let sandboxIP: string | undefined;
    for (const sb of sandboxes) {
      const recs = await this.recordsOf(sb.id);
      if (sb.state === PodSandboxState.SANDBOX_READY) {
        const st = await this.o.runtime.podSandboxStatus({ podSandboxId: sb.id }).catch(() => undefined);
        sandboxIP = st?.status.network?.ip || sandboxIP;
        const podIP = pod.spec?.hostNetwork ? (this.o.hostIP() ?? "") : (sandboxIP ?? "");
        await Promise.all(recs.filter((r) => r.state === ContainerState.CONTAINER_RUNNING || r.state === ContainerState.CONTAINER_CREATED).map((r) => this.killContainer(pod, r, findContainer(pod, r.metadata.name), grace, podIP)));
        await this.o.runtime.stopPodSandbox({ podSandboxId: sb.id });
      }
      records = records.concat(await this.recordsOf(sb.id));
    }
    if (opts.deleteFromApi) {
      await this.writeStatus(pod, { sandbox: sandboxes[0] ? { id: sandboxes[0].id, ready: false, ip: sandboxIP } : undefined, containers: records }, true).catch(() => undefined);
    }
    for (const sb of sandboxes) await this.o.runtime.removePodSandbox({ podSandboxId: sb.id });
    await this.o.volumes.tearDown(uid);
    await removeCgroup(podCgroupParent(uid));
    this.backoff.forgetPrefix(`${uid}/`);
    this.memory.delete(uid);
    if (opts.deleteFromApi && pod.metadata.name) {
      try {
        await this.o.client.delete(resources.pods, pod.metadata.name, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid } });
      } catch (err) {
        if (!isApiError(err, "NotFound") && !isApiError(err, "Conflict")) throw err;
      }
    }
  }

  /** Removes everything the runtime holds for a pod uid no longer in the API (force-deleted, or orphaned while the agent was down). */
  async cleanUpOrphan(uid: string): Promise<void> {
    const stub: Pod = { metadata: { uid, name: "", namespace: "" }, spec: { containers: [], terminationGracePeriodSeconds: 0 } };
    await this.terminate(stub, { deleteFromApi: false });
  }

  forget(uid: string): void {
    this.memory.delete(uid);
  }

  // ---- steps ----

  private sandboxConfigFor(pod: Pod, attempt: number): { config: PodSandboxConfig; warning?: string } {
    const dns = podDnsConfig(pod, this.o.dns);
    return { config: sandboxConfig(pod, { attempt, logRoot: this.o.logRoot, dns: dns.config }), warning: dns.warning };
  }

  private async createSandbox(pod: Pod, old: SandboxInfo[], m: PodMemory): Promise<SandboxInfo | undefined> {
    // A sandbox that died takes its containers with it; they are started again in the new one.
    for (const sb of old) {
      for (const r of await this.recordsOf(sb.id)) if (r.state === ContainerState.CONTAINER_RUNNING) await this.o.runtime.stopContainer({ containerId: r.id, timeout: 0 });
      await this.o.runtime.stopPodSandbox({ podSandboxId: sb.id });
      await this.o.runtime.removePodSandbox({ podSandboxId: sb.id });
    }
    const attempt = old.reduce((a, s) => Math.max(a, (s.attempt ?? 0) + 1), 0);
    const { config, warning } = this.sandboxConfigFor(pod, attempt);
    if (warning) this.o.events(pod, "Warning", "MissingClusterDNS", `pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})". ${warning}`);
    if (config.logDirectory) await mkdir(config.logDirectory, { recursive: true }).catch(() => undefined);
    try {
      const { podSandboxId } = await this.o.runtime.runPodSandbox({ config });
      m.sandboxConfig = config;
      return { id: podSandboxId, state: PodSandboxState.SANDBOX_READY, attempt, createdAt: "" };
    } catch (err) {
      this.o.events(pod, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${errMessage(err)}`);
      await this.writeStatus(pod, { containers: [] });
      return undefined;
    }
  }

  private async restartWithBackoff(ctx: StartContext, c: Container, kind: "init" | "app", latest: ContainerStatus): Promise<number> {
    const { pod, m } = ctx;
    const key = `${pod.metadata.uid}/${c.name}`;
    const finished = nanosToDate(latest.finishedAt)?.getTime() ?? this.o.clock.now();
    const wait = this.backoff.remaining(key, finished);
    if (wait > 0) {
      const msg = `back-off ${goDuration(this.backoff.current(key))} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
      if (m.waiting[c.name]?.reason !== "CrashLoopBackOff") {
        this.o.events(pod, "Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
      }
      m.waiting[c.name] = { reason: "CrashLoopBackOff", message: msg };
      return wait;
    }
    this.backoff.next(key);
    const count = Number(latest.annotations?.[containerRestartCountAnnotation] ?? latest.metadata.attempt ?? 0) + 1;
    await this.startContainer(ctx, c, kind, count);
    return podResyncMs;
  }

  /** Pull (per imagePullPolicy), create, start, postStart (kuberuntime_container.go startContainer). */
  private async startContainer(ctx: StartContext, c: Container, kind: "init" | "app", restartCount: number): Promise<void> {
    const { pod, m } = ctx;
    const rt = this.o.runtime;
    if (!(await this.ensureImage(pod, c, m))) return;
    let config;
    try {
      const env = resolveEnv(pod, c, await this.o.envSources(pod));
      const podDir = this.o.volumes.podDir(pod.metadata.uid ?? "");
      const tmDir = join(podDir, "containers", c.name);
      await mkdir(tmDir, { recursive: true });
      const tmPath = join(tmDir, randomBytes(4).toString("hex"));
      await writeFile(tmPath, "", { mode: 0o666 });
      config = containerConfig({
        pod,
        container: c,
        kind,
        restartCount,
        env,
        volumes: ctx.volumes,
        etcHostsPath: pod.spec?.hostNetwork ? undefined : join(podDir, "etc-hosts"),
        terminationMessageHostPath: tmPath,
      });
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      m.waiting[c.name] = { reason: "CreateContainerConfigError", message: err.message };
      this.o.events(pod, "Warning", "Failed", `Error: ${err.message}`);
      return;
    }
    const sandboxConfig = m.sandboxConfig ?? this.sandboxConfigFor(pod, 0).config;
    let containerId: string;
    try {
      containerId = (await rt.createContainer({ podSandboxId: ctx.sandboxId, config, sandboxConfig })).containerId;
    } catch (err) {
      m.waiting[c.name] = { reason: "CreateContainerError", message: errMessage(err) };
      this.o.events(pod, "Warning", "Failed", `Error: ${errMessage(err)}`);
      return;
    }
    this.o.events(pod, "Normal", "Created", `Created container: ${c.name}`);
    try {
      await rt.startContainer({ containerId });
    } catch (err) {
      m.waiting[c.name] = { reason: "RunContainerError", message: errMessage(err) };
      this.o.events(pod, "Warning", "Failed", `Error: ${errMessage(err)}`);
      return;
    }
    delete m.waiting[c.name];
    this.o.events(pod, "Normal", "Started", `Started container ${c.name}`);
    await this.pruneOldRecords(ctx.sandboxId, c.name);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const r = await runLifecycleHandler({ runtime: rt, clock: this.o.clock, handler: postStart, containerId, container: c, podIP: ctx.podIP, timeoutSeconds: gracePeriodOf(pod) });
      if (r.result !== "success") {
        const msg = postStart.exec ? `Exec lifecycle hook (${(postStart.exec.command ?? []).join(" ")}) for Container "${c.name}" in Pod "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})" failed - error: ${r.output}` : `HTTP lifecycle hook for Container "${c.name}" in Pod "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})" failed - error: ${r.output}`;
        this.o.events(pod, "Warning", "FailedPostStartHook", msg);
        this.o.events(pod, "Normal", "Killing", `FailedPostStartHook`);
        await rt.stopContainer({ containerId, timeout: gracePeriodOf(pod) }).catch(() => undefined);
      }
    }
  }

  private async ensureImage(pod: Pod, c: Container, m: PodMemory): Promise<boolean> {
    const image = c.image ?? "";
    const policy = c.imagePullPolicy ?? (image.endsWith(":latest") || !/:[^/]+$/.test(image.split("@")[0]) ? "Always" : "IfNotPresent");
    const present = policy === "Always" ? false : !!(await this.o.runtime.imageStatus({ image: { image } }).catch(() => ({ image: null }))).image;
    if (present) {
      if (m.waiting[c.name]?.reason?.startsWith("Err") || m.waiting[c.name]?.reason === "ImagePullBackOff") delete m.waiting[c.name];
      this.o.events(pod, "Normal", "Pulled", `Container image "${image}" already present on machine and can be accessed by the pod`);
      return true;
    }
    if (policy === "Never") {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      m.waiting[c.name] = { reason: "ErrImageNeverPull", message: msg };
      this.o.events(pod, "Warning", "ErrImageNeverPull", msg);
      return false;
    }
    const key = `${pod.metadata.uid}/pull/${image}`;
    if (this.backoff.inBackoffSinceUpdate(key) && m.waiting[c.name]?.reason?.match(/ErrImagePull|ImagePullBackOff/)) {
      m.waiting[c.name] = { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` };
      this.o.events(pod, "Normal", "BackOff", `Back-off pulling image "${image}"`);
      return false;
    }
    this.o.events(pod, "Normal", "Pulling", `Pulling image "${image}"`);
    const started = this.o.clock.now();
    try {
      await this.o.runtime.pullImage({ image: { image } });
    } catch (err) {
      // A pull that fails while the image is present locally (no registry reachable) still lets an IfNotPresent-less policy run, as containerd would.
      const local = (await this.o.runtime.imageStatus({ image: { image } }).catch(() => ({ image: null }))).image;
      if (local) return true;
      this.backoff.next(key);
      const msg = `Failed to pull image "${image}": ${errMessage(err)}`;
      m.waiting[c.name] = { reason: "ErrImagePull", message: msg };
      this.o.events(pod, "Warning", "Failed", msg);
      this.o.events(pod, "Warning", "Failed", "Error: ErrImagePull");
      return false;
    }
    this.o.events(pod, "Normal", "Pulled", `Successfully pulled image "${image}" in ${this.o.clock.now() - started}ms`);
    return true;
  }

  /** preStop (if running), then StopContainer with the grace period that is left (killContainer). */
  private async killContainer(pod: Pod, r: ContainerStatus, c: Container | undefined, graceSeconds: number, podIP: string): Promise<void> {
    const start = this.o.clock.now();
    if (c) this.o.events(pod, "Normal", "Killing", `Stopping container ${c.name}`);
    const preStop = c?.lifecycle?.preStop;
    if (preStop && c && r.state === ContainerState.CONTAINER_RUNNING && graceSeconds > 0) {
      const res = await runLifecycleHandler({ runtime: this.o.runtime, clock: this.o.clock, handler: preStop, containerId: r.id, container: c, podIP, timeoutSeconds: graceSeconds });
      if (res.result !== "success") this.o.events(pod, "Warning", "FailedPreStopHook", `PreStopHook failed: ${res.output}`);
    }
    const used = Math.floor((this.o.clock.now() - start) / 1000);
    const remaining = graceSeconds > 0 ? Math.max(minGraceSeconds, graceSeconds - used) : 0;
    try {
      await this.o.runtime.stopContainer({ containerId: r.id, timeout: remaining }, { timeoutMs: (remaining + 30) * 1000 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async pruneOldRecords(sandboxId: string, name: string): Promise<void> {
    const all = recordsFor(name, await this.recordsOf(sandboxId));
    for (const old of all.slice(2)) await this.o.runtime.removeContainer({ containerId: old.id }).catch(() => undefined);
  }

  private async sandboxesOf(uid: string): Promise<SandboxInfo[]> {
    const { items } = await this.o.runtime.listPodSandbox({ filter: { labelSelector: { [podUidLabel]: uid } } });
    return items
      .map((s) => ({ id: s.id, state: s.state, attempt: s.metadata?.attempt ?? 0, createdAt: s.createdAt }))
      .sort((a, b) => b.attempt - a.attempt);
  }

  private async recordsOf(sandboxId: string): Promise<ContainerStatus[]> {
    const { containers } = await this.o.runtime.listContainers({ filter: { podSandboxId: sandboxId } });
    const out: ContainerStatus[] = [];
    for (const c of containers) {
      try {
        out.push((await this.o.runtime.containerStatus({ containerId: c.id })).status);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return out;
  }

  private async readTerminationMessages(pod: Pod, records: ContainerStatus[], m: PodMemory): Promise<void> {
    for (const r of records) {
      if (r.state !== ContainerState.CONTAINER_EXITED || m.terminationMessages[r.id] !== undefined) continue;
      const c = findContainer(pod, r.metadata.name);
      const path = c?.terminationMessagePath ?? "/dev/termination-log";
      const mount = (r.mounts ?? []).find((x) => x.containerPath === path);
      let text = mount ? await readFile(mount.hostPath, "utf8").catch(() => "") : "";
      if (!text && c?.terminationMessagePolicy === "FallbackToLogsOnError" && r.exitCode !== 0 && r.logPath) {
        const log = await readFile(r.logPath, "utf8").catch(() => "");
        text = log.split("\n").filter(Boolean).slice(-80).map((l) => l.split(" ").slice(3).join(" ")).join("\n");
      }
      m.terminationMessages[r.id] = text.slice(0, 4096);
    }
  }

  private async writeEtcHosts(pod: Pod, podIP: string): Promise<void> {
    const dir = this.o.volumes.podDir(pod.metadata.uid ?? "");
    const lines = [
      "# Kubernetes-managed hosts file.",
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "fe00::0\tip6-localnet",
      "fe00::0\tip6-mcastprefix",
      "fe00::1\tip6-allnodes",
      "fe00::2\tip6-allrouters",
    ];
    const hostname = pod.spec?.hostname || pod.metadata.name || "";
    if (podIP) lines.push(pod.spec?.subdomain ? `${podIP}\t${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${this.o.dns.clusterDomain}\t${hostname}` : `${podIP}\t${hostname}`);
    for (const a of pod.spec?.hostAliases ?? []) lines.push("", "# Entries added by HostAliases.", `${a.ip}\t${(a.hostnames ?? []).join("\t")}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "etc-hosts"), lines.join("\n") + "\n");
  }

  /** Computes the status and writes it through pods/status when it differs from what the API holds. */
  private async writeStatus(pod: Pod, runtime: PodRuntimeState, terminal = false): Promise<PodStatus | undefined> {
    const uid = pod.metadata.uid ?? "";
    const m = this.mem(uid);
    const ready: Record<string, boolean> = {};
    const started: Record<string, boolean> = {};
    for (const r of runtime.containers) {
      const rd = this.o.prober.ready(r.id);
      if (rd !== undefined) ready[r.id] = rd;
      const st = this.o.prober.started(r.id);
      if (st !== undefined) started[r.id] = st;
    }
    const status = computePodStatus({
      pod,
      runtime,
      view: { waiting: m.waiting, ready, started, terminationMessages: m.terminationMessages },
      hostIP: this.o.hostIP(),
      now: new Date(this.o.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      terminal,
    });
    const text = canonical(status);
    if (text === canonical(pod.status ?? {}) || text === m.lastStatus) return status;
    let target = pod;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.o.client.updateStatus(resources.pods, { ...target, apiVersion: "v1", kind: "Pod", status });
        m.lastStatus = text;
        if (status.phase === "Running" && pod.status?.phase !== "Running" && !m.startObserved) {
          m.startObserved = true;
          kubeletMetrics.podStartDuration.observe(Math.max(0, this.o.clock.now() - m.firstSeen) / 1000);
        }
        return status;
      } catch (err) {
        if (isApiError(err, "NotFound")) return status;
        if (!isApiError(err, "Conflict") || attempt > 2) throw err;
        const fresh = (await this.o.client.get(resources.pods, pod.metadata.name ?? "", { namespace: pod.metadata.namespace })) as Pod;
        if (fresh.metadata.uid !== uid) return status;
        target = fresh;
      }
    }
  }
}

interface SandboxInfo {
  id: string;
  state: number;
  attempt: number;
  createdAt: string;
}

interface StartContext {
  pod: Pod;
  sandboxId: string;
  podIP: string;
  volumes: Map<string, MountedVolume>;
  m: PodMemory;
}

function findContainer(pod: Pod, name: string | undefined): Container | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
}

function nextRestartCount(latest: ContainerStatus | undefined, old: ApiContainerStatus[] | undefined, name: string): number {
  if (latest) return Number(latest.annotations?.[containerRestartCountAnnotation] ?? 0) + 1;
  const prev = old?.find((s) => s.name === name);
  if (!prev) return 0;
  const ran = !!(prev.state?.running || prev.state?.terminated || prev.lastState?.terminated);
  return prev.restartCount + (ran ? 1 : 0);
}

export function gracePeriodOf(pod: Pod): number {
  return pod.spec?.terminationGracePeriodSeconds ?? 30;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** JSON with sorted keys, for "did the status change". */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === "object" && !Array.isArray(val)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(val).sort()) out[k] = (val as Record<string, unknown>)[k];
      return out;
    }
    return val;
  });
}

async function removeCgroup(parent: string): Promise<void> {
  const roots = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/blkio", "/sys/fs/cgroup/devices", "/sys/fs/cgroup/freezer", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/net_cls,net_prio", "/sys/fs/cgroup/perf_event", "/sys/fs/cgroup/hugetlb"];
  for (const root of roots) await rmdir(join(root, parent)).catch(() => undefined);
}
