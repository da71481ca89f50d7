import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FakeClock } from "../../client/index.js";
import { FakeRuntime } from "./fake-runtime.js";
import { ContainerState, NamespaceMode, PodSandboxState, RuntimeError, isNotFound, nanosToDate } from "./runtime.js";
import type { PodSandboxConfig } from "./runtime.js";

function sandboxConfig(name = "web-1", extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    metadata: { name, uid: `uid-${name}`, namespace: "default", attempt: 0 },
    hostname: name,
    labels: { "io.kubernetes.pod.uid": `uid-${name}` },
    ...extra,
  };
}

async function runPod(rt: FakeRuntime, opts: { name?: string; container?: string; image?: string; attempt?: number } = {}) {
  const config = sandboxConfig(opts.name);
  const { podSandboxId } = await rt.runPodSandbox({ config });
  const { containerId } = await rt.createContainer({
    podSandboxId,
    config: {
      metadata: { name: opts.container ?? "main", attempt: opts.attempt ?? 0 },
      image: { image: opts.image ?? "busybox" },
      labels: { app: "web" },
    },
    sandboxConfig: config,
  });
  await rt.startContainer({ containerId });
  return { podSandboxId, containerId, config };
}

describe("FakeRuntime", () => {
  it("runs a sandbox and a container to CONTAINER_RUNNING with an IP from the pod CIDR", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"], podCidr: "10.244.3.0/24" });
    const { podSandboxId, containerId } = await runPod(rt);
    const sb = await rt.podSandboxStatus({ podSandboxId });
    assert.equal(sb.status.state, PodSandboxState.SANDBOX_READY);
    assert.equal(sb.status.network?.ip, "10.244.3.2");
    const { status } = await rt.containerStatus({ containerId });
    assert.equal(status.state, ContainerState.CONTAINER_RUNNING);
    assert.equal(nanosToDate(status.startedAt)?.getTime(), clock.now());
    assert.equal(status.image?.image, "docker.io/library/busybox:latest");
    assert.equal(status.finishedAt, "0");
    rt.close();
  });

  it("gives host-network sandboxes no IP", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    const { podSandboxId } = await rt.runPodSandbox({
      config: sandboxConfig("h", { hostname: "", linux: { securityContext: { namespaceOptions: { network: NamespaceMode.NODE } } } }),
    });
    const sb = await rt.podSandboxStatus({ podSandboxId });
    assert.equal(sb.status.network?.ip, "");
  });

  it("exits a container as scripted, with Completed / Error / OOMKilled", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"] });
    rt.setBehavior({ name: "ok" }, { exitAfterMs: 1000 });
    rt.setBehavior({ name: "bad" }, { exitAfterMs: 2000, exitCode: 3 });
    rt.setBehavior({ name: "oom" }, { exitAfterMs: 500, oomKilled: true });
    const ok = await runPod(rt, { name: "a", container: "ok" });
    const bad = await runPod(rt, { name: "b", container: "bad" });
    const oom = await runPod(rt, { name: "c", container: "oom" });
    let changes = 0;
    rt.onChange(() => changes++);
    clock.step(2000);
    const s1 = (await rt.containerStatus({ containerId: ok.containerId })).status;
    const s2 = (await rt.containerStatus({ containerId: bad.containerId })).status;
    const s3 = (await rt.containerStatus({ containerId: oom.containerId })).status;
    assert.deepEqual([s1.state, s1.exitCode, s1.reason], [ContainerState.CONTAINER_EXITED, 0, "Completed"]);
    assert.deepEqual([s2.state, s2.exitCode, s2.reason], [ContainerState.CONTAINER_EXITED, 3, "Error"]);
    assert.deepEqual([s3.state, s3.exitCode, s3.reason], [ContainerState.CONTAINER_EXITED, 137, "OOMKilled"]);
    assert.equal(nanosToDate(s2.finishedAt)?.getTime(), Date.UTC(2026, 0, 1) + 2000);
    assert.equal(changes, 3);
  });

  it("scripts by attempt: crash on the first two runs, then keep running", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"] });
    rt.setBehavior({ podName: "flaky" }, ({ attempt }) => (attempt < 2 ? { exitAfterMs: 10, exitCode: 1 } : {}));
    const config = sandboxConfig("flaky");
    const { podSandboxId } = await rt.runPodSandbox({ config });
    const states: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { containerId } = await rt.createContainer({
        podSandboxId,
        config: { metadata: { name: "app", attempt }, image: { image: "busybox" } },
        sandboxConfig: config,
      });
      await rt.startContainer({ containerId });
      clock.step(10);
      states.push((await rt.containerStatus({ containerId })).status.state);
    }
    assert.deepEqual(states, [ContainerState.CONTAINER_EXITED, ContainerState.CONTAINER_EXITED, ContainerState.CONTAINER_RUNNING]);
  });

  it("refuses a second container with the same name and attempt", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    const { podSandboxId, config } = await runPod(rt);
    await assert.rejects(
      rt.createContainer({ podSandboxId, config: { metadata: { name: "main", attempt: 0 }, image: { image: "busybox" } }, sandboxConfig: config }),
      /failed to reserve container name "main_web-1_default_uid-web-1_0"/,
    );
  });

  it("stops: SIGTERM exits at once (143), a SIGTERM-ignoring process is killed after the timeout (137)", async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: ["busybox"] });
    rt.setBehavior({ name: "stubborn" }, { ignoresSigterm: true });
    const polite = await runPod(rt, { name: "p" });
    const stubborn = await runPod(rt, { name: "s", container: "stubborn" });
    await rt.stopContainer({ containerId: polite.containerId, timeout: 30 });
    assert.equal((await rt.containerStatus({ containerId: polite.containerId })).status.exitCode, 143);
    let done = false;
    const stopping = rt.stopContainer({ containerId: stubborn.containerId, timeout: 30 }).then(() => (done = true));
    clock.step(29_000);
    await Promise.resolve();
    assert.equal(done, false);
    clock.step(1000);
    await stopping;
    const s = (await rt.containerStatus({ containerId: stubborn.containerId })).status;
    assert.deepEqual([s.exitCode, s.reason], [137, "Error"]);
    // idempotent
    await rt.stopContainer({ containerId: stubborn.containerId, timeout: 30 });
  });

  it("stopPodSandbox kills containers; removePodSandbox removes them; both idempotent", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    const { podSandboxId, containerId } = await runPod(rt);
    await assert.rejects(rt.removePodSandbox({ podSandboxId }), /not fully stopped/);
    await rt.stopPodSandbox({ podSandboxId });
    await rt.stopPodSandbox({ podSandboxId });
    assert.equal((await rt.containerStatus({ containerId })).status.exitCode, 137);
    await rt.removePodSandbox({ podSandboxId });
    await rt.removePodSandbox({ podSandboxId });
    assert.deepEqual(rt.counts, { sandboxes: 0, containers: 0, images: 1 });
    await assert.rejects(rt.containerStatus({ containerId }), (e: unknown) => isNotFound(e));
    await assert.rejects(rt.podSandboxStatus({ podSandboxId }), (e: unknown) => isNotFound(e));
  });

  it("lists by label, sandbox and state", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    const a = await runPod(rt, { name: "a" });
    await runPod(rt, { name: "b" });
    await rt.stopPodSandbox({ podSandboxId: a.podSandboxId });
    const ready = await rt.listPodSandbox({ filter: { state: { state: PodSandboxState.SANDBOX_READY } } });
    assert.deepEqual(ready.items.map((s) => s.metadata.name), ["b"]);
    const byLabel = await rt.listPodSandbox({ filter: { labelSelector: { "io.kubernetes.pod.uid": "uid-a" } } });
    assert.deepEqual(byLabel.items.map((s) => s.id), [a.podSandboxId]);
    const running = await rt.listContainers({ filter: { state: { state: ContainerState.CONTAINER_RUNNING } } });
    assert.equal(running.containers.length, 1);
    const inA = await rt.listContainers({ filter: { podSandboxId: a.podSandboxId, labelSelector: { app: "web" } } });
    assert.deepEqual(inA.containers.map((c) => c.id), [a.containerId]);
  });

  it("execSync answers hostname by default and scripted commands otherwise", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    rt.setBehavior({ name: "probe" }, { exec: (cmd) => (cmd[0] === "cat" ? { exitCode: 1, stderr: "no such file" } : undefined) });
    const { containerId } = await runPod(rt, { container: "probe" });
    const h = await rt.execSync({ containerId, cmd: ["hostname"] });
    assert.equal(Buffer.from(h.stdout).toString(), "web-1\n");
    const c = await rt.execSync({ containerId, cmd: ["cat", "/tmp/healthy"], timeout: 1 });
    assert.deepEqual([c.exitCode, Buffer.from(c.stderr).toString()], [1, "no such file"]);
    assert.equal((await rt.execSync({ containerId, cmd: ["sh", "-c", "exit 7"] })).exitCode, 7);
    assert.match((await rt.exec({ containerId, cmd: ["sh"], stdin: true })).url, /^http:\/\/127\.0\.0\.1:10350\/exec\//);
  });

  it("images: pull adds, status of a missing image is null, remove drops every tag", async () => {
    const rt = new FakeRuntime({ pullable: (ref) => !ref.includes("missing") });
    assert.equal((await rt.imageStatus({ image: { image: "busybox" } })).image, null);
    const { imageRef } = await rt.pullImage({ image: { image: "busybox" } });
    assert.match(imageRef, /^sha256:[0-9a-f]{64}$/);
    const st = await rt.imageStatus({ image: { image: "docker.io/library/busybox:latest" } });
    assert.equal(st.image?.id, imageRef);
    assert.deepEqual(st.image?.repoTags, ["docker.io/library/busybox:latest"]);
    await assert.rejects(rt.pullImage({ image: { image: "missing:1" } }), (e: unknown) => e instanceof RuntimeError && /not found/.test(e.message));
    await rt.removeImage({ image: { image: "busybox" } });
    await rt.removeImage({ image: { image: "busybox" } });
    assert.deepEqual((await rt.listImages()).images, []);
  });

  it("createContainer fails for an image that is not present, and as scripted", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    rt.setBehavior({ name: "broken" }, { createError: "invalid mount" });
    const config = sandboxConfig();
    const { podSandboxId } = await rt.runPodSandbox({ config });
    await assert.rejects(
      rt.createContainer({ podSandboxId, config: { metadata: { name: "x" }, image: { image: "nginx" } }, sandboxConfig: config }),
      /failed to get image "nginx"/,
    );
    await assert.rejects(
      rt.createContainer({ podSandboxId, config: { metadata: { name: "broken" }, image: { image: "busybox" } }, sandboxConfig: config }),
      /invalid mount/,
    );
  });

  it("failNext injects errors into the next calls and records every call", async () => {
    const rt = new FakeRuntime({ images: ["busybox"] });
    rt.failNext("runPodSandbox", { code: "unavailable", message: "connection refused" }, 2);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(rt.runPodSandbox({ config: sandboxConfig() }), (e: unknown) => e instanceof RuntimeError && e.code === "unavailable");
    }
    await rt.runPodSandbox({ config: sandboxConfig() });
    assert.deepEqual(rt.calls.map((c) => c.method), ["runPodSandbox", "runPodSandbox", "runPodSandbox"]);
  });

  it("writes scripted log lines in the CRI log format", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fake-rt-"));
    try {
      const rt = new FakeRuntime({ clock: new FakeClock(), images: ["busybox"] });
      rt.setBehavior({}, { logLines: ["hello", "world"] });
      const config = sandboxConfig("logs", { logDirectory: dir });
      const { podSandboxId } = await rt.runPodSandbox({ config });
      const { containerId } = await rt.createContainer({
        podSandboxId,
        config: { metadata: { name: "c" }, image: { image: "busybox" }, logPath: "c/0.log" },
        sandboxConfig: config,
      });
      await rt.startContainer({ containerId });
      const { status } = await rt.containerStatus({ containerId });
      assert.equal(status.logPath, join(dir, "c/0.log"));
      assert.equal(
        readFileSync(status.logPath, "utf8"),
        "2026-01-01T00:00:00.000000000Z stdout F hello\n2026-01-01T00:00:00.000000000Z stdout F world\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
