// Streaming end to end: `k8ts server` with its local agent (private containerd, CRI
// streaming server on loopback), driven with kubectl 1.35: logs (tail, timestamps,
// follow, previous), exec over WebSocket v5 (and the SPDY fallback), exec -i with stdin,
// attach, port-forward (SPDY tunnelled in WebSocket) to busybox httpd, cp (exec + tar).
// Needs root and the node packages; skipped with the reason otherwise.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Pod } from "../../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../../src/client/index.js";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, k8tsBin, kubectl, kubectlBin, run, waitFor as waitUntil } from "../harness/index.js";

const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const image = "k8ts.local/busybox:latest";
const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

interface Server {
  proc: ChildProcess;
  dataDir: string;
  kubeconfig: string;
  log: string[];
}

async function startServer(dataDir: string): Promise<Server> {
  const log: string[] = [];
  const args = ["server", "--data-dir", dataDir, "--https-listen-port", String(await freePort()), "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--disable-cluster-dns", "--kubelet-port", "0"];
  const proc = spawn(process.execPath, [k8tsBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const s: Server = { proc, dataDir, kubeconfig: join(dataDir, "kubeconfig.yaml"), log };
  await new Promise<void>((resolve, reject) => {
    const onLine = (buf: Buffer) => {
      for (const line of buf.toString().split("\n")) {
        if (line) log.push(line);
        if (line.includes("registered, pod CIDR")) resolve();
        if (line.startsWith("agent: not started")) reject(new Error(line));
      }
    };
    proc.stdout?.on("data", onLine);
    proc.stderr?.on("data", onLine);
    proc.once("exit", (code) => reject(new Error(`k8ts server exited ${code}: ${log.join("\n")}`)));
    setTimeout(() => reject(new Error(`agent did not register in 90s: ${log.join("\n")}`)), 90_000).unref();
  });
  return s;
}

const waitFor = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000) => waitUntil(what, check, timeoutMs);

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** A long-running kubectl (logs -f, port-forward) whose output we watch. */
function background(server: Server, args: string[]): { proc: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const proc = spawn(kubectlBin, ["--kubeconfig", server.kubeconfig, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

describe("streaming end to end (real containerd, kubectl 1.35)", { skip: missing ? `${missing}` : false, timeout: 600_000 }, () => {
  let server: Server;
  let client: Client;
  let closeClient: () => void = () => undefined;
  const k = (args: string[], options: { stdin?: string; timeoutMs?: number } = {}) => kubectl(server, args, { timeoutMs: 30_000, ...options });
  const apply = async (yaml: string) => {
    const r = await k(["apply", "-f", "-"], { stdin: yaml });
    assert.equal(r.code, 0, r.stderr);
  };
  const running = (name: string) =>
    waitFor(`${name} Running`, async () => {
      const p = await client.get(pods, name, { namespace: "default" });
      return p.status?.phase === "Running" && p.status.containerStatuses?.every((c) => c.state?.running) ? p : undefined;
    });

  before(async () => {
    server = await startServer(await mkdtemp(join(tmpdir(), "k8ts-e2e-streaming-")));
    const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    closeClient = () => transport.close();
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${image}
    command: ["sh", "-c", "echo hello; echo oops >&2; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"]
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: ${image}
    command: ["sh", "-c", "mkdir -p /www && echo served-through-port-forward > /www/index.html && exec httpd -f -p 8080 -h /www"]
`);
    await running("ticker");
    await running("web");
  });

  after(async () => {
    if (!server) return;
    await k(["delete", "pods", "--all", "--grace-period=1", "--wait=true"], { timeoutMs: 120_000 }).catch(() => undefined);
    closeClient();
    if (server.proc.exitCode === null) {
      const exited = new Promise((r) => server.proc.once("exit", r));
      server.proc.kill("SIGTERM");
      await exited;
    }
    await rm(server.dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  it("kubectl logs shows stdout and stderr; --tail and --timestamps as upstream", async () => {
    await waitFor("two ticks", async () => ((await k(["logs", "ticker"])).stdout.includes("tick 2") ? true : undefined));
    const all = await k(["logs", "ticker"]);
    assert.equal(all.code, 0, all.stderr);
    // stdout and stderr reach the log file through separate pipes: their order between them is not fixed.
    const first = all.stdout.split("\n").slice(0, 3).sort();
    assert.deepEqual(first, ["hello", "oops", "tick 1"]);
    const tail = await k(["logs", "ticker", "--tail=1"]);
    assert.match(tail.stdout, /^tick \d+\n$/);
    // By the third tick the last two lines are ticks whatever order stderr's "oops" took.
    await waitFor("three ticks", async () => ((await k(["logs", "ticker"])).stdout.includes("tick 3") ? true : undefined));
    const ts = await k(["logs", "ticker", "--timestamps", "--tail=2"]);
    const lines = ts.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z tick \d+$/);
    const limited = await k(["logs", "ticker", "--limit-bytes=3"]);
    assert.equal(limited.stdout.length, 3);
    assert.ok(all.stdout.startsWith(limited.stdout), `${JSON.stringify(limited.stdout)} starts the log`);
  });

  it("kubectl logs -f sees lines written after it started", async () => {
    const follow = background(server, ["logs", "-f", "ticker", "--tail=1"]);
    try {
      const first = await waitFor("first line", async () => /tick (\d+)/.exec(follow.output())?.[1]);
      await waitFor("a later line", async () => (follow.output().includes(`tick ${Number(first) + 2}\n`) ? true : undefined), 15_000);
    } finally {
      await follow.stop();
    }
  });

  it("kubectl logs --previous shows the last run after a restart", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: restarter}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${image}
    command: ["sh", "-c", "echo run-started; sleep 1; exit 1"]
`);
    const none = await k(["logs", "restarter", "--previous"]);
    if (none.code !== 0) assert.match(none.stderr, /previous terminated container "main" in pod "restarter" not found/);
    await waitFor("a restart", async () => {
      const p = await client.get(pods, "restarter", { namespace: "default" });
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    });
    const prev = await k(["logs", "restarter", "--previous"]);
    assert.equal(prev.code, 0, prev.stderr);
    assert.equal(prev.stdout, "run-started\n");
    await k(["delete", "pod", "restarter", "--grace-period=0", "--wait=false"]);
  });

  it("kubectl exec -- hostname prints the pod name (WebSocket v5), and over the SPDY fallback too", async () => {
    const ws = await k(["exec", "ticker", "--", "hostname"]);
    assert.equal(ws.code, 0, ws.stderr);
    assert.equal(ws.stdout, "ticker\n");
    const spdy = await run(kubectlBin, ["--kubeconfig", server.kubeconfig, "exec", "ticker", "--", "hostname"], { env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" }, timeoutMs: 30_000 });
    assert.equal(spdy.code, 0, spdy.stderr);
    assert.equal(spdy.stdout, "ticker\n");
  });

  it("kubectl exec passes stderr and the exit code", async () => {
    const r = await k(["exec", "ticker", "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "out\n");
    assert.match(r.stderr, /^err\n/);
    assert.match(r.stderr, /command terminated with exit code 3/);
  });

  it("kubectl exec -i sends stdin and closes it at its end", async () => {
    const payload = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const r = await k(["exec", "-i", "ticker", "--", "sh", "-c", "cat; echo done"], { stdin: payload });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, payload + "done\n");
  });

  it("kubectl attach -i reaches the container's stdin", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: r
    image: ${image}
    stdin: true
    command: ["sh", "-c", "while read line; do echo got: $line; done"]
`);
    await running("reader");
    const r = await k(["attach", "-i", "reader"], { stdin: "hello-attach\n", timeoutMs: 15_000 });
    assert.match(r.stdout, /got: hello-attach/);
    await waitFor("the line in the log", async () => ((await k(["logs", "reader"])).stdout.includes("got: hello-attach") ? true : undefined), 10_000);
    await k(["delete", "pod", "reader", "--grace-period=0", "--wait=false"]);
  });

  it("kubectl port-forward serves an HTTP request from busybox httpd", async () => {
    const port = await freePort();
    const pf = background(server, ["port-forward", "pod/web", `${port}:8080`, "--address", "127.0.0.1"]);
    try {
      await waitFor("Forwarding from", async () => (pf.output().includes("Forwarding from") ? true : undefined), 15_000);
      assert.equal(await httpGet(`http://127.0.0.1:${port}/`), "served-through-port-forward\n");
      assert.equal(await httpGet(`http://127.0.0.1:${port}/index.html`), "served-through-port-forward\n", "a second connection over the same tunnel");
    } finally {
      await pf.stop();
    }
  });

  it("kubectl cp copies a small file into the pod and back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8ts-cp-"));
    try {
      const src = join(dir, "in.txt");
      await writeFile(src, "copied with tar over exec\n");
      const to = await k(["cp", src, "ticker:/tmp/in.txt"]);
      assert.equal(to.code, 0, to.stderr);
      assert.equal((await k(["exec", "ticker", "--", "cat", "/tmp/in.txt"])).stdout, "copied with tar over exec\n");
      const back = join(dir, "back.txt");
      const from = await k(["cp", "ticker:/tmp/in.txt", back]);
      assert.equal(from.code, 0, from.stderr);
      assert.equal(await readFile(back, "utf8"), "copied with tar over exec\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("answers upstream's errors: no container named, unknown container, pod not on a node", async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  nodeSelector: {nowhere: "true"}
  containers:
  - {name: a, image: ${image}}
  - {name: b, image: ${image}}
`);
    const raw = await k(["get", "--raw", "/api/v1/namespaces/default/pods/two/log"]);
    assert.notEqual(raw.code, 0);
    assert.match(raw.stderr, /a container name must be specified for pod two, choose one of: \[a b\]/);
    const bad = await k(["logs", "ticker", "-c", "nope"]);
    assert.match(bad.stderr, /container nope is not valid for pod ticker/);
    const unscheduled = await k(["exec", "two", "-c", "a", "--", "true"]);
    assert.notEqual(unscheduled.code, 0);
    assert.match(unscheduled.stderr, /pod two does not have a host assigned/);
    const emptyLog = await k(["logs", "two", "-c", "a"]);
    assert.equal(emptyLog.code, 0, emptyLog.stderr);
    assert.equal(emptyLog.stdout, "");
    await k(["delete", "pod", "two", "--grace-period=0", "--wait=false"]);
  });

  it("serves nodes/proxy to the kubelet", async () => {
    const nodes = await k(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"]);
    const r = await k(["get", "--raw", `/api/v1/nodes/${nodes.stdout}/proxy/healthz`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "ok");
  });
});
