// End to end: the real `k8ts server` process (bin/k8ts.js, after `npm run build`) driven by
// the official kubectl from `npm run tools`, then stopped with SIGTERM.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const bin = resolve("bin/k8ts.js");
const kubectl = resolve(".tools/bin/kubectl");

interface ServerProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startK8ts(args: string[]): ServerProcess {
  const child = spawn(process.execPath, [bin, "server", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves when the server prints its listening line; fails if it exits first. */
async function waitListening(server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/^listening: /m.test(server.stdout())) {
    if (server.child.exitCode !== null) throw new Error(`k8ts server exited ${server.child.exitCode}:\n${server.stderr()}`);
    if (Date.now() > deadline) throw new Error(`k8ts server did not start in ${timeoutMs} ms:\n${server.stdout()}${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function runKubectl(kubeconfig: string, args: string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile(kubectl, ["--kubeconfig", kubeconfig, ...args], (err, stdout, stderr) =>
      err ? fail(new Error(`kubectl ${args.join(" ")}: ${stderr || err.message}`)) : done(stdout),
    ),
  );
}

describe("k8ts server process", { skip: existsSync(kubectl) ? false : "run `npm run tools` for kubectl" }, () => {
  let dir: string;
  let server: ServerProcess | undefined;
  let wired = true;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-e2e-"));
    server = startK8ts(["--data-dir", dir, "--https-listen-port", "0", "--store", "sqlite", "--disable-agent"]);
    try {
      await waitListening(server);
    } catch (err) {
      if (/not wired yet/.test(server.stderr())) wired = false;
      else throw err;
    }
  });
  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the kubeconfig path", (t) => {
    if (!wired) return t.skip("the API server is not wired into k8ts server yet");
    assert.match(server?.stdout() ?? "", new RegExp(`^kubeconfig: ${join(dir, "kubeconfig.yaml")}$`, "m"));
  });

  it("kubectl auth whoami shows kubernetes-admin in system:masters", async (t) => {
    if (!wired) return t.skip("the API server is not wired into k8ts server yet");
    const review = JSON.parse(await runKubectl(join(dir, "kubeconfig.yaml"), ["auth", "whoami", "-o", "json"])) as {
      status: { userInfo: { username: string; groups?: string[] } };
    };
    assert.equal(review.status.userInfo.username, "kubernetes-admin");
    assert.ok(review.status.userInfo.groups?.includes("system:masters"), JSON.stringify(review.status.userInfo));
  });

  it("kubectl get namespaces lists the system namespaces", async (t) => {
    if (!wired) return t.skip("the API server is not wired into k8ts server yet");
    const names = await runKubectl(join(dir, "kubeconfig.yaml"), ["get", "namespaces", "-o", "name"]);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) assert.match(names, new RegExp(`^namespace/${ns}$`, "m"));
  });

  it("exits 0 on SIGTERM after a clean shutdown", async (t) => {
    if (!wired || !server) return t.skip("the API server is not wired into k8ts server yet");
    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 0, server.stderr());
    assert.match(server.stdout(), /^stopped$/m);
  });
});
