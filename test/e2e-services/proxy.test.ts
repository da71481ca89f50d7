// Services on real containers: `k8ts server` with its local agent (containerd, CNI bridge)
// and service proxy; a busybox client pod reaches a 3-replica httpd Deployment through
// its ClusterIP, and the node reaches it through its NodePort.
// The proxy runs in iptables mode here: other end-to-end files run `k8ts server`s at the
// same time whose nftables-mode proxies own `table ip k8ts-proxy` in this namespace.
// Needs root and the node packages; skipped with the reason otherwise.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Node, Service } from "../../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../../src/client/index.js";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { cleanupProxy } from "../../src/proxy/index.js";
import { freePort, k8tsBin, kubectl } from "../harness/index.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const image = "k8ts.local/busybox:latest";
const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();

interface Server {
  proc: ChildProcess;
  dataDir: string;
  port: number;
  kubeconfig: string;
  log: string[];
}

async function startServer(dataDir: string, port: number): Promise<Server> {
  const log: string[] = [];
  const args = [k8tsBin, "server", "--data-dir", dataDir, "--https-listen-port", String(port), "--bind-address", "127.0.0.1", "--disable-cluster-dns", "--kubelet-port", "0", "--proxy-mode", "iptables"];
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const s: Server = { proc, dataDir, port, kubeconfig: join(dataDir, "kubeconfig.yaml"), log };
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

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 3000, agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

describe("Services through the service proxy on real containers", { skip: missing || false }, () => {
  let server: Server;
  let client: Client;
  let close = () => undefined as void;
  let clusterIP = "";
  let nodePort = 0;
  let nodeIP = "";

  const k = (args: string[], input?: string) => kubectl(server, args, { stdin: input, timeoutMs: 120_000 });

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-services-"));
    server = await startServer(dataDir, await freePort());
    const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    close = () => transport.close();
    const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: ${image}
        imagePullPolicy: Never
        command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${image}
    imagePullPolicy: Never
    command: ["sleep", "3600"]
`;
    const applied = await k(["apply", "-f", "-"], manifest);
    assert.equal(applied.code, 0, `${applied.stderr}\n${server.log.slice(-20).join("\n")}`);
    await waitFor("3 ready replicas and a running client", async () => {
      const r = await k(["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"]);
      const ready = r.stdout.split("\n").filter((l) => l.endsWith(" True"));
      return ready.length === 4 ? true : undefined;
    });
    const svc = await client.get(services, "web", { namespace: "default" });
    clusterIP = svc.spec!.clusterIP!;
    nodePort = svc.spec!.ports![0]!.nodePort!;
    const [node] = (await client.list(nodes)).items;
    nodeIP = node!.status!.addresses!.find((a) => a.type === "InternalIP")!.address;
  });

  after(async () => {
    if (!server) return;
    await kubectl(server, ["delete", "pods,deployments,services", "--all", "--grace-period=1", "--wait=true"], { timeoutMs: 120_000 }).catch(() => undefined);
    close();
    if (server.proc.exitCode === null) {
      const exited = new Promise((r) => server.proc.once("exit", r));
      server.proc.kill("SIGTERM");
      await exited;
    }
    await cleanupProxy("iptables");
    await rm(server.dataDir, { recursive: true, force: true }).catch(() => undefined);
    const others = await new Promise<string>((resolve) => {
      const p = spawn("pgrep", ["-x", "containerd"], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      p.stdout?.on("data", (c: Buffer) => (out += c.toString()));
      p.on("close", () => resolve(out.trim()));
    });
    if (!others) await new Promise((resolve) => spawn("ip", ["link", "del", "k8ts0"], { stdio: "ignore" }).on("close", resolve));
  });

  // busybox-static's wget crashes (exit 139) in these containers: requests go through nc.
  const request = (ip: string, port: number) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} ${port} 2>&1 | tail -n 1`;

  /** The last line of `count` answers (the pod's hostname, or nc's error) from the client pod. */
  async function fromClientPod(ip: string, port: number, count: number): Promise<string[]> {
    const script = `for i in $(seq ${count}); do ${request(ip, port)}; done`;
    const r = await k(["exec", "client", "--", "sh", "-c", script]);
    return r.stdout.split("\n").filter(Boolean);
  }

  it("a client pod reaches every replica through the ClusterIP", async () => {
    const answers = await waitFor("all three replicas answer", async () => {
      const got = await fromClientPod(clusterIP, 80, 30);
      return new Set(got.filter((a) => a.startsWith("web-"))).size === 3 ? got : undefined;
    }, 30_000);
    assert.ok(answers.every((a) => a.startsWith("web-")), answers.join(","));
  });

  it("the node reaches every replica through its NodePort", async () => {
    const seen = new Set<string>();
    await waitFor("three replicas through the NodePort", async () => {
      for (let i = 0; i < 20; i++) seen.add((await httpGet(`http://${nodeIP}:${nodePort}/`)).trim());
      // …and from inside the cluster too.
      for (const a of await fromClientPod(nodeIP, nodePort, 10)) assert.match(a, /^web-/);
      return seen.size === 3 ? true : undefined;
    }, 30_000);
    assert.deepEqual([...seen].every((h) => h.startsWith("web-")), true);
  });

  it("scaling to 0 makes the ClusterIP refuse within a few seconds; scaling back restores it", async () => {
    assert.equal((await k(["scale", "deployment/web", "--replicas=0"])).code, 0);
    const start = Date.now();
    await waitFor("connection refused", async () => {
      const [answer] = await fromClientPod(clusterIP, 80, 1);
      return answer && /refused/i.test(answer) ? true : undefined;
    }, 60_000);
    console.log(`refused ${Date.now() - start} ms after scaling to 0 (includes pod termination)`);
    assert.equal((await k(["scale", "deployment/web", "--replicas=1"])).code, 0);
    await waitFor("served again", async () => ((await fromClientPod(clusterIP, 80, 1))[0]?.startsWith("web-") ? true : undefined), 90_000);
  });
});
