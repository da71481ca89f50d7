// A private containerd for the node agent: k8ts writes its config under the agent's
// data dir, starts it in its own session (so it outlives an agent crash, like the
// containers' shims do), waits for its socket, restarts it if it dies, and stops it by
// PID. A restarted agent adopts the containerd it left running (pid file + socket).
//
// Config facts measured on this machine kind are in shared notes (containerd-cri.md):
// restrict_oom_score_adj is required (no CAP_SYS_RESOURCE), cgroupfs, a local sandbox
// image, a fixed loopback stream server port, and never `registry.mirrors` together
// with `config_path` (the CRI plugin then silently fails to load).
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { DEFAULT_CNI_BIN_DIR, MissingPrerequisitesError, checkNodePrerequisites, findExecutable } from "./prerequisites.js";

export const DEFAULT_STREAM_PORT = 10350;
/** Must equal images/PAUSE_IMAGE (the image k8ts builds and imports). */
export const DEFAULT_SANDBOX_IMAGE = "k8ts.local/pause:latest";
/** The containerd namespace the CRI plugin uses. */
export const CRI_NAMESPACE = "k8s.io";

export interface ContainerdOptions {
  /** containerd's files go under `${dataDir}/containerd`. */
  dataDir: string;
  sandboxImage?: string;
  /** Port of the CRI streaming server on 127.0.0.1 (exec/attach/port-forward). */
  streamPort?: number;
  cniBinDir?: string;
  /** Where the CNI conflist is (default `${dataDir}/cni/net.d`). */
  cniConfDir?: string;
  /** PATH to find containerd in (default: this process's). */
  path?: string;
  /** Restart containerd when it dies unexpectedly (default true). */
  supervise?: boolean;
  /** Called with one line about what happened (start, exit, restart). */
  log?: (line: string) => void;
  /** Max time to wait for the socket at start (default 20 s). */
  startTimeoutMs?: number;
}

/** The files of a private containerd. */
export interface ContainerdPaths {
  dir: string;
  config: string;
  root: string;
  state: string;
  socket: string;
  pidFile: string;
  logFile: string;
  registryConfigDir: string;
  cniConfDir: string;
}

export function containerdPaths(dataDir: string, cniConfDir?: string): ContainerdPaths {
  const dir = join(dataDir, "containerd");
  return {
    dir,
    config: join(dir, "config.toml"),
    root: join(dir, "root"),
    state: join(dir, "state"),
    socket: join(dir, "containerd.sock"),
    pidFile: join(dir, "containerd.pid"),
    logFile: join(dir, "containerd.log"),
    registryConfigDir: join(dir, "certs.d"),
    cniConfDir: cniConfDir ?? join(dataDir, "cni", "net.d"),
  };
}

function tomlString(s: string): string {
  return JSON.stringify(s); // a TOML basic string is a JSON string for our inputs
}

/** containerd's config.toml (version 2) for a private instance. */
export function containerdConfig(paths: ContainerdPaths, opts: { sandboxImage?: string; streamPort?: number; cniBinDir?: string }): string {
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  return `# Written by k8ts; rewritten at each agent start.
version = 2
root = ${tomlString(paths.root)}
state = ${tomlString(paths.state)}

[grpc]
  address = ${tomlString(paths.socket)}

[debug]
  level = "info"

[plugins."io.containerd.internal.v1.opt"]
  path = ${tomlString(join(paths.root, "opt"))}

[${cri}]
  sandbox_image = ${tomlString(opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE)}
  # Required here: without CAP_SYS_RESOURCE runc cannot set oom_score_adj -998.
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  systemd_cgroup = false
  stream_server_address = "127.0.0.1"
  stream_server_port = ${tomlString(String(opts.streamPort ?? DEFAULT_STREAM_PORT))}
  enable_tls_streaming = false
  max_container_log_line_size = 16384

  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false

  [${cri}.cni]
    bin_dir = ${tomlString(opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR)}
    conf_dir = ${tomlString(paths.cniConfDir)}
    max_conf_num = 1

  # Only config_path: with registry.mirrors as well the CRI plugin does not load.
  [${cri}.registry]
    config_path = ${tomlString(paths.registryConfigDir)}
`;
}

/** Writes `<registryConfigDir>/<host>/hosts.toml` for a plain-HTTP registry (read without a restart). */
export function writeRegistryHost(registryConfigDir: string, host: string, server = `http://${host}`): void {
  const dir = join(registryConfigDir, host);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "hosts.toml"),
    `server = ${tomlString(server)}\n\n[host.${tomlString(server)}]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n`,
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

/** Resolves true once something accepts connections on the unix socket. */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A containerd run by the agent. `start()` writes the config, checks the binaries
 * (one-line MissingPrerequisitesError), adopts a live one or spawns a new one, and
 * resolves when its socket accepts connections; `stop()` ends it by PID.
 * Containers keep running across a containerd restart (their shims are separate).
 */
export class ManagedContainerd {
  readonly paths: ContainerdPaths;
  private readonly opts: ContainerdOptions;
  private pid: number | undefined;
  private stopping = false;
  private restarts = 0;
  private exited: Promise<void> | undefined;

  constructor(opts: ContainerdOptions) {
    this.opts = opts;
    this.paths = containerdPaths(opts.dataDir, opts.cniConfDir);
  }

  /** "unix:///.../containerd.sock", for CriRuntime and `--container-runtime-endpoint`. */
  get endpoint(): string {
    return `unix://${this.paths.socket}`;
  }

  get processId(): number | undefined {
    return this.pid;
  }

  /** Writes config.toml (atomically). Returns its path. */
  writeConfig(): string {
    const p = this.paths;
    for (const d of [p.dir, p.root, p.state, p.registryConfigDir, p.cniConfDir]) mkdirSync(d, { recursive: true });
    const text = containerdConfig(p, this.opts);
    writeFileSync(`${p.config}.tmp`, text);
    renameSync(`${p.config}.tmp`, p.config);
    return p.config;
  }

  async start(signal?: AbortSignal): Promise<void> {
    const problem = checkNodePrerequisites({ path: this.opts.path, cniBinDir: this.opts.cniBinDir, images: false });
    if (problem) throw new MissingPrerequisitesError(problem);
    this.stopping = false;
    this.writeConfig();
    const adopted = this.adopt();
    if (adopted !== undefined && (await socketAnswers(this.paths.socket))) {
      this.pid = adopted;
      this.log(`containerd: adopted running pid ${adopted} on ${this.paths.socket}`);
      this.watchAdopted(adopted);
      return;
    }
    await this.spawnOnce(signal);
  }

  /** Stops containerd (SIGTERM, then SIGKILL after `graceMs`). Running containers stay. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const pid = this.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
    const until = Date.now() + graceMs;
    while (pidAlive(pid) && Date.now() < until) await sleep(50);
    if (pidAlive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone in between
      }
      while (pidAlive(pid)) await sleep(20);
    }
    await this.exited;
    this.pid = undefined;
    rmSync(this.paths.pidFile, { force: true });
  }

  /** Stops a containerd that an earlier agent left running with this config (k8ts uninstall); false when none runs. */
  async stopLeftover(graceMs = 10_000): Promise<boolean> {
    const pid = this.adopt();
    if (pid === undefined) return false;
    this.pid = pid;
    this.exited = undefined;
    await this.stop(graceMs);
    return true;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /** The pid of a live containerd that a previous agent started with this config. */
  private adopt(): number | undefined {
    if (!existsSync(this.paths.pidFile)) return undefined;
    const pid = Number(readFileSync(this.paths.pidFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return undefined;
    const cmd = cmdlineOf(pid);
    return cmd.includes("containerd") && cmd.includes(this.paths.config) ? pid : undefined;
  }

  private watchAdopted(pid: number): void {
    // Not our child: poll for its end to supervise it.
    this.exited = (async () => {
      while (pidAlive(pid)) await sleep(500);
    })();
    void this.exited.then(() => this.onExit(pid, null, null));
  }

  private async spawnOnce(signal?: AbortSignal): Promise<void> {
    const bin = findExecutable("containerd", this.opts.path) ?? "containerd";
    rmSync(this.paths.socket, { force: true });
    const out = openSync(this.paths.logFile, "a");
    // detached: the child calls setsid(), so it is not killed with the agent's process
    // group and outlives an agent crash (the agent re-adopts it by pid file).
    const child = spawn(bin, ["--config", this.paths.config], {
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...process.env, ...(this.opts.path ? { PATH: this.opts.path } : {}) },
    });
    closeSync(out);
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((r) => child.once("error", r));
      throw new Error(`containerd did not start: ${err.message}`);
    }
    child.unref();
    this.pid = pid;
    writeFileSync(this.paths.pidFile, `${pid}\n`);
    let exitInfo: { code: number | null; sig: NodeJS.Signals | null } | undefined;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, sig) => {
        exitInfo = { code, sig };
        resolve();
      });
    });
    void this.exited.then(() => this.onExit(pid, exitInfo?.code ?? null, exitInfo?.sig ?? null));
    const until = Date.now() + (this.opts.startTimeoutMs ?? 20_000);
    while (!(await socketAnswers(this.paths.socket))) {
      if (exitInfo) throw new Error(`containerd exited at start (code ${exitInfo.code ?? exitInfo.sig}); see ${this.paths.logFile}: ${this.tailLog()}`);
      if (signal?.aborted || Date.now() > until) {
        await this.stop(2000);
        throw new Error(`containerd did not open ${this.paths.socket} in time; see ${this.paths.logFile}`);
      }
      await sleep(25);
    }
    this.log(`containerd: started pid ${pid} on ${this.paths.socket}`);
  }

  private onExit(pid: number, code: number | null, sig: NodeJS.Signals | null): void {
    if (this.pid !== pid) return;
    if (this.stopping) return;
    this.pid = undefined;
    if (this.opts.supervise === false) {
      this.log(`containerd: pid ${pid} exited (${code ?? sig})`);
      return;
    }
    this.restarts += 1;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.restarts - 1, 5));
    this.log(`containerd: pid ${pid} exited (${code ?? sig}); restarting in ${delay} ms`);
    setTimeout(() => {
      if (this.stopping) return;
      this.spawnOnce().catch((e: unknown) => this.log(`containerd: restart failed: ${e instanceof Error ? e.message : String(e)}`));
    }, delay).unref();
  }

  private tailLog(): string {
    try {
      const lines = readFileSync(this.paths.logFile, "utf8").trim().split("\n");
      return lines.slice(-3).join(" | ");
    } catch {
      return "";
    }
  }
}
