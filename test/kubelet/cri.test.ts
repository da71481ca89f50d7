// The runtime layer against a real containerd: a private containerd started in a temp
// dir (own socket, root, state, CNI bridge and subnet, stream port), k8ts's own images
// imported, a sandbox and a busybox container run through CriRuntime, its log read,
// ExecSync'd, stopped and removed; then containerd is stopped and everything it left
// (bridge, pod cgroups, files) removed. Needs root and the Debian packages that
// .ci/run installs; without them it fails with the agent's one-line message.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureBuiltinImages } from "../../src/kubelet/images/index.js";
import {
  APT_INSTALL_HINT,
  ContainerState,
  CriRuntime,
  ManagedContainerd,
  MissingPrerequisitesError,
  PodSandboxState,
  RuntimeError,
  checkNodePrerequisites,
  findExecutable,
  startNodeRuntime,
  writeCniConfig,
} from "../../src/kubelet/runtime/index.js";
import type { PodSandboxConfig } from "../../src/kubelet/runtime/index.js";

const isRoot = process.getuid?.() === 0;
const SUBNET = "10.213.77.0/24";
const BRIDGE = `k8tst${process.pid % 100000}`;
const CGROUP_PARENT = `/k8ts-test-${process.pid}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("prerequisites", () => {
  it("fails at start with one line naming the missing binary and the apt packages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8ts-nobin-"));
    try {
      // A PATH with everything the agent needs except runc.
      const bin = join(dir, "bin");
      mkdirSync(bin);
      for (const name of ["containerd", "containerd-shim-runc-v2", "ctr", "iptables", "busybox"]) {
        const p = findExecutable(name);
        if (p) symlinkSync(p, join(bin, name));
      }
      const cd = new ManagedContainerd({ dataDir: join(dir, "data"), path: bin });
      await assert.rejects(cd.start(), (e: unknown) => {
        assert.ok(e instanceof MissingPrerequisitesError);
        assert.equal(e.message.split("\n").length, 1);
        assert.match(e.message, /missing runc\b/);
        assert.ok(e.message.endsWith(`install them with: ${APT_INSTALL_HINT}`));
        assert.equal(APT_INSTALL_HINT, "apt-get install -y containerd runc containernetworking-plugins busybox-static umoci skopeo iptables conntrack");
        return true;
      });
      assert.equal(cd.processId, undefined);
      // And with no CNI plugins:
      const line = checkNodePrerequisites({ cniBinDir: join(dir, "no-cni") });
      assert.match(line ?? "", /missing .*CNI plugins bridge, host-local, portmap, loopback in .*no-cni; install them with: apt-get install -y containerd/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CriRuntime.start", { skip: isRoot && findExecutable("containerd") ? false : "needs root and containerd" }, () => {
  it("says in one line that containerd's CRI plugin is not loaded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8ts-nocri-"));
    const socket = join(dir, "c.sock");
    writeFileSync(
      join(dir, "config.toml"),
      `version = 2\nroot = "${dir}/root"\nstate = "${dir}/state"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "${socket}"\n`,
    );
    const child = spawn("containerd", ["--config", join(dir, "config.toml")], { stdio: "ignore" });
    const rt = new CriRuntime({ endpoint: socket });
    try {
      await assert.rejects(rt.start({ waitMs: 10_000 }), (e: unknown) => {
        assert.ok(e instanceof RuntimeError);
        assert.equal(e.code, "unimplemented");
        assert.match(e.message, /answers but does not serve CRI v1 .*CRI plugin is not loaded/);
        assert.equal(e.message.split("\n").length, 1);
        return true;
      });
    } finally {
      rt.close();
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CriRuntime against a private containerd", { skip: isRoot ? false : "needs root" }, () => {
  let dir: string;
  let containerd: ManagedContainerd;
  let runtime: CriRuntime;
  let streamPort: number;

  before(async () => {
    const missing = checkNodePrerequisites();
    if (missing) throw new Error(missing);
    dir = mkdtempSync(join(tmpdir(), "k8ts-cri-"));
    streamPort = await freePort();
    containerd = new ManagedContainerd({ dataDir: join(dir, "agent"), streamPort, supervise: false });
    writeCniConfig({ confDir: containerd.paths.cniConfDir, podCidr: SUBNET, ipamDataDir: join(dir, "agent", "cni", "ipam"), bridge: BRIDGE });
    await containerd.start();
    runtime = new CriRuntime({ endpoint: containerd.endpoint });
    await runtime.start();
  });

  after(async () => {
    try {
      if (runtime) {
        // Whatever a failed test left: sandboxes stop and go with their containers.
        const { items } = await runtime.listPodSandbox().catch(() => ({ items: [] }));
        for (const s of items) {
          await runtime.stopPodSandbox({ podSandboxId: s.id }).catch(() => undefined);
          await runtime.removePodSandbox({ podSandboxId: s.id }).catch(() => undefined);
        }
        runtime.close();
      }
      await containerd?.stop();
    } finally {
      try {
        execFileSync("ip", ["link", "del", BRIDGE], { stdio: "ignore" });
      } catch {
        // no bridge made (no sandbox ran)
      }
      for (const h of existsSync("/sys/fs/cgroup") ? readdirSync("/sys/fs/cgroup") : []) {
        removeCgroupTree(join("/sys/fs/cgroup", h, CGROUP_PARENT));
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers Version as containerd with CRI v1", async () => {
    const v = await runtime.version();
    assert.equal(v.runtimeName, "containerd");
    assert.equal(v.runtimeApiVersion, "v1");
    const st = await runtime.status();
    assert.deepEqual(st.status?.conditions.map((c) => [c.type, c.status]), [["RuntimeReady", true], ["NetworkReady", true]]);
  });

  it("imports k8ts's busybox and pause images, and is fast and idempotent the second time", async () => {
    const first = await ensureBuiltinImages({ runtime, endpoint: containerd.endpoint });
    assert.deepEqual([...first.imported, ...first.present].sort(), ["docker.io/library/busybox:latest", BUSYBOX_IMAGE, PAUSE_IMAGE].sort());
    const t0 = Date.now();
    const second = await ensureBuiltinImages({ runtime, endpoint: containerd.endpoint });
    const ms = Date.now() - t0;
    assert.deepEqual(second.imported, []);
    assert.equal(second.present.length, 3);
    assert.ok(ms < 3000, `second import took ${ms} ms`);
    const st = await runtime.imageStatus({ image: { image: "busybox" } });
    assert.ok(st.image?.repoTags.includes("docker.io/library/busybox:latest"));
    assert.equal((await runtime.imageStatus({ image: { image: "no-such-image:1" } })).image, null);
  });

  it("runs a sandbox and a busybox container: logs, exec, stop, remove", async (t) => {
    const uid = `uid-${process.pid}`;
    const logDirectory = join(dir, "pods", `default_web-1_${uid}`);
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: "web-1", uid, namespace: "default", attempt: 0 },
      hostname: "web-1",
      logDirectory,
      dnsConfig: { servers: ["127.0.0.1"], searches: ["default.svc.cluster.local"], options: ["ndots:5"] },
      labels: { "io.kubernetes.pod.uid": uid, "k8ts.test": String(process.pid) },
      annotations: { "k8ts.io/test": "cri" },
      linux: { cgroupParent: `${CGROUP_PARENT}/pod${uid}` },
    };
    const t0 = performance.now();
    const { podSandboxId } = await runtime.runPodSandbox({ config: sandboxConfig });
    const tSandbox = performance.now();
    const { containerId } = await runtime.createContainer({
      podSandboxId,
      sandboxConfig,
      config: {
        metadata: { name: "main", attempt: 0 },
        image: { image: "busybox" },
        command: ["sh", "-c"],
        args: ['trap "exit 0" TERM; echo "hello from $(hostname) $GREETING"; echo oops >&2; while :; do sleep 1 & wait $!; done'],
        envs: [{ key: "GREETING", value: "grüße" }],
        logPath: "main/0.log",
        labels: { "io.kubernetes.container.name": "main" },
        linux: { resources: { memoryLimitInBytes: 64 * 1024 * 1024, cpuShares: 256 } },
      },
    });
    const tCreate = performance.now();
    await runtime.startContainer({ containerId });
    const tStart = performance.now();
    const running = await until("container running", async () => {
      const { status } = await runtime.containerStatus({ containerId });
      return status.state === ContainerState.CONTAINER_RUNNING ? status : undefined;
    });
    const tRunning = performance.now();
    t.diagnostic(
      `RunPodSandbox ${(tSandbox - t0).toFixed(0)} ms, CreateContainer ${(tCreate - tSandbox).toFixed(0)} ms, ` +
        `StartContainer ${(tStart - tCreate).toFixed(0)} ms: RunPodSandbox → container running ${(tRunning - t0).toFixed(0)} ms`,
    );

    const sb = await runtime.podSandboxStatus({ podSandboxId });
    assert.equal(sb.status.state, PodSandboxState.SANDBOX_READY);
    assert.match(sb.status.network?.ip ?? "", /^10\.213\.77\.\d+$/);
    assert.equal(sb.status.labels["k8ts.test"], String(process.pid));
    assert.equal(sb.status.metadata.name, "web-1");
    assert.match(sb.status.createdAt, /^\d{19}$/);

    assert.equal(running.logPath, join(logDirectory, "main/0.log"));
    assert.equal(running.image?.image, "docker.io/library/busybox:latest");
    assert.match(running.startedAt, /^\d{19}$/);
    assert.equal(running.finishedAt, "0");
    const log = await until("log lines", async () => {
      const text = existsSync(running.logPath) ? readFileSync(running.logPath, "utf8") : "";
      return text.includes("oops") && text.includes("hello") ? text : undefined;
    });
    assert.match(log, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z stdout F hello from web-1 grüße$/m);
    assert.match(log, /^\S+ stderr F oops$/m);

    const ex = await runtime.execSync({ containerId, cmd: ["hostname"], timeout: 10 });
    assert.equal(ex.exitCode, 0);
    assert.equal(Buffer.from(ex.stdout).toString(), "web-1\n");
    const bad = await runtime.execSync({ containerId, cmd: ["sh", "-c", "echo nope >&2; exit 3"], timeout: 10 });
    assert.deepEqual([bad.exitCode, Buffer.from(bad.stderr).toString()], [3, "nope\n"]);
    const resolv = await runtime.execSync({ containerId, cmd: ["cat", "/etc/resolv.conf"], timeout: 10 });
    assert.match(Buffer.from(resolv.stdout).toString(), /nameserver 127\.0\.0\.1/);

    const { url } = await runtime.exec({ containerId, cmd: ["sh"], stdin: true, stdout: true });
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${streamPort}/exec/`));
    const pf = await runtime.portForward({ podSandboxId, port: [80] });
    assert.match(pf.url, new RegExp(`^http://127\\.0\\.0\\.1:${streamPort}/portforward/`));

    const listed = await runtime.listContainers({ filter: { podSandboxId, state: { state: ContainerState.CONTAINER_RUNNING } } });
    assert.deepEqual(listed.containers.map((c) => c.id), [containerId]);
    const byLabel = await runtime.listPodSandbox({ filter: { labelSelector: { "io.kubernetes.pod.uid": uid } } });
    assert.deepEqual(byLabel.items.map((s) => s.id), [podSandboxId]);

    // The same name and attempt again is refused (the kubelet bumps attempt).
    await assert.rejects(
      runtime.createContainer({ podSandboxId, sandboxConfig, config: { metadata: { name: "main", attempt: 0 }, image: { image: "busybox" } } }),
      /failed to reserve container name/,
    );

    await runtime.stopContainer({ containerId, timeout: 10 });
    const stopped = (await runtime.containerStatus({ containerId })).status;
    assert.deepEqual([stopped.state, stopped.exitCode, stopped.reason], [ContainerState.CONTAINER_EXITED, 0, "Completed"]);
    await runtime.stopContainer({ containerId, timeout: 10 }); // idempotent
    await runtime.removeContainer({ containerId });
    await runtime.removeContainer({ containerId }); // idempotent
    await assert.rejects(runtime.containerStatus({ containerId }), (e: unknown) => e instanceof RuntimeError && e.code === "notFound");

    await runtime.stopPodSandbox({ podSandboxId });
    await runtime.stopPodSandbox({ podSandboxId });
    await runtime.removePodSandbox({ podSandboxId });
    await runtime.removePodSandbox({ podSandboxId });
    assert.deepEqual((await runtime.listPodSandbox({ filter: { labelSelector: { "k8ts.test": String(process.pid) } } })).items, []);
    await assert.rejects(runtime.podSandboxStatus({ podSandboxId }), (e: unknown) => e instanceof RuntimeError && e.code === "notFound");
  });

  it("adopts the containerd a previous agent left running (same data dir)", async () => {
    const again = new ManagedContainerd({ dataDir: join(dir, "agent"), streamPort, supervise: false });
    await again.start();
    assert.equal(again.processId, containerd.processId);
  });

  it("startNodeRuntime on an existing endpoint: CRI answers, images already there", async () => {
    const lines: string[] = [];
    const node = await startNodeRuntime({ dataDir: join(dir, "agent2"), podCidr: SUBNET, endpoint: containerd.endpoint, log: (l) => lines.push(l) });
    assert.equal(node.containerd, undefined);
    assert.equal(node.version.runtimeName, "containerd");
    assert.match(lines.join("\n"), /container runtime: containerd 1\.\S+ \(CRI v1\)/);
    assert.ok(!lines.some((l) => l.startsWith("images: imported")));
    await node.stop();
    await runtime.version(); // our containerd still runs
  });

  it("reports a container that exits non-zero as Error with its exit code", async () => {
    const uid = `uid2-${process.pid}`;
    const sandboxConfig: PodSandboxConfig = {
      metadata: { name: "job-1", uid, namespace: "default" },
      hostname: "job-1",
      logDirectory: join(dir, "pods", uid),
      linux: { cgroupParent: `${CGROUP_PARENT}/pod${uid}` },
    };
    const { podSandboxId } = await runtime.runPodSandbox({ config: sandboxConfig });
    const { containerId } = await runtime.createContainer({
      podSandboxId,
      sandboxConfig,
      config: { metadata: { name: "job" }, image: { image: BUSYBOX_IMAGE }, command: ["sh", "-c", "exit 7"], logPath: "job/0.log" },
    });
    await runtime.startContainer({ containerId });
    const st = await until("exit", async () => {
      const { status } = await runtime.containerStatus({ containerId });
      return status.state === ContainerState.CONTAINER_EXITED ? status : undefined;
    });
    assert.deepEqual([st.exitCode, st.reason], [7, "Error"]);
    assert.match(st.finishedAt, /^\d{19}$/);
    await runtime.stopPodSandbox({ podSandboxId });
    await runtime.removePodSandbox({ podSandboxId });
  });
});

/** Removes a cgroup directory tree bottom-up (cgroup dirs are removed with rmdir). */
function removeCgroupTree(path: string): void {
  if (!existsSync(path)) return;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.isDirectory()) removeCgroupTree(join(path, e.name));
  }
  try {
    execFileSync("rmdir", [path], { stdio: "ignore" });
  } catch {
    // busy (a process still in it) or gone
  }
}
