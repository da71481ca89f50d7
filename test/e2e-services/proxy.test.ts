// Services on real containers: `k8ts server` with its local agent (containerd, CNI bridge),
// service proxy and cluster DNS; a busybox client pod reaches a 3-replica httpd Deployment
// through its ClusterIP and its DNS names, the node through its NodePort and its
// LoadBalancer address; a not-ready pod gets no traffic, ClientIP affinity sticks, the
// `kubernetes` Service reaches the API server, and all of it works again after a restart.
// The proxy runs in iptables mode here: other end-to-end files run `k8ts server`s at the
// same time whose nftables-mode proxies own `table ip k8ts-proxy` in this namespace.
// Needs root and the node packages; skipped with the reason otherwise.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { createServer } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { EndpointSlice, Node, Pod, Service } from "../../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../../src/client/index.js";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { cleanupProxy } from "../../src/proxy/index.js";
import { freePort, kubectl, waitFor, startAgentServer, type AgentServer } from "../harness/index.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const slices = resource<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);
const image = "k8ts.local/busybox:latest";
const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites();
// Pods reach the API server and the cluster DNS only at an address other than loopback:
// the server binds to loopback and is told to advertise an address this test adds to `lo`
// (so nothing listens on the machine's real address; pods reach it through their gateway).
const advertiseAddress = "10.99.77.1";

function addAdvertiseAddress(): void {
  removeAdvertiseAddress();
  const r = spawnSync("ip", ["addr", "add", `${advertiseAddress}/32`, "dev", "lo"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip addr add ${advertiseAddress}/32 dev lo: ${r.stderr}`);
}

function removeAdvertiseAddress(): void {
  spawnSync("ip", ["addr", "del", `${advertiseAddress}/32`, "dev", "lo"], { stdio: "ignore" });
}

/** `k8ts server` with its agent, the proxy in iptables mode, the cluster DNS on a free port at the test's address. */
function startServer(dataDir: string, port: number): Promise<AgentServer> {
  return startAgentServer({ dataDir, port, args: ["--advertise-address", advertiseAddress, "--cluster-dns-port", "0", "--proxy-mode", "iptables"] });
}

/** The first bytes a Node TLS client sends: a real ClientHello, to replay from a pod that has no TLS client. */
async function captureClientHello(): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const got = new Promise<Buffer>((resolve) => server.once("connection", (s) => s.once("data", (d: Buffer) => (resolve(d), s.destroy()))));
  const sock = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false });
  sock.on("error", () => undefined);
  try {
    return await got;
  } finally {
    sock.destroy();
    server.close();
  }
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
  let server: AgentServer;
  let client: Client;
  let close = () => undefined as void;
  let clusterIP = "";
  let nodePort = 0;
  let nodeIP = "";
  let lbPort = 0;

  const k = (args: string[], input?: string) => kubectl(server, args, { stdin: input, timeoutMs: 120_000 });

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-services-"));
    addAdvertiseAddress();
    server = await startServer(dataDir, await freePort());
    lbPort = await freePort();
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
    metadata: {labels: {app: web, role: backend}}
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
kind: Service
metadata: {name: backend}
spec:
  selector: {role: backend}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: ${lbPort}, targetPort: http}]
---
# Selected by the backend Service (not by the Deployment): serves, but never becomes ready.
apiVersion: v1
kind: Pod
metadata: {name: notready, labels: {role: backend}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "mkdir -p /www && echo notready > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports: [{containerPort: 8080, name: http}]
    readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}
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
    if (!server) return removeAdvertiseAddress();
    await kubectl(server, ["delete", "pods,deployments,services", "--all", "--grace-period=1", "--wait=true"], { timeoutMs: 120_000 }).catch(() => undefined);
    close();
    if (server.proc.exitCode === null) {
      const exited = new Promise((r) => server.proc.once("exit", r));
      server.proc.kill("SIGTERM");
      await exited;
    }
    await cleanupProxy("iptables");
    removeAdvertiseAddress();
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

  /** Hostnames of the replicas answering `count` requests to `host:port` from the client pod; throws on any other answer. */
  async function replicasFromClientPod(host: string, port: number, count: number): Promise<Set<string>> {
    const got = await fromClientPod(host, port, count);
    assert.equal(got.length, count, `${host}:${port}: ${got.join(",")}`);
    for (const a of got) assert.match(a, /^web-/, `${host}:${port}`);
    return new Set(got);
  }

  it("the client pod gets the cluster DNS (ClusterFirst) and reaches every replica through web, web.default and web.default.svc.cluster.local", async () => {
    const resolv = (await k(["exec", "client", "--", "cat", "/etc/resolv.conf"])).stdout;
    assert.match(resolv, /^nameserver 10\.43\.0\.10$/m, resolv);
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m, resolv);
    assert.match(resolv, /^options ndots:5$/m, resolv);
    for (const name of ["web", "web.default", "web.default.svc.cluster.local"]) {
      await waitFor(`all three replicas through ${name}`, async () => ((await replicasFromClientPod(name, 80, 20)).size === 3 ? true : undefined), 30_000);
    }
  });

  it("a pod whose readiness probe fails gets no traffic", async () => {
    const notReadyIP = await waitFor("the not-ready pod running, listed not ready in the backend EndpointSlice", async () => {
      const p = await client.get(pods, "notready", { namespace: "default" });
      const ip = p.status?.podIP;
      if (p.status?.phase !== "Running" || !ip) return undefined;
      const list = await client.list(slices, { namespace: "default", labelSelector: "kubernetes.io/service-name=backend" });
      const eps = list.items.flatMap((sl) => sl.endpoints ?? []);
      const mine = eps.find((e) => e.addresses.includes(ip));
      return mine?.conditions?.ready === false && eps.filter((e) => e.conditions?.ready).length === 3 ? ip : undefined;
    });
    // It does serve when asked directly…
    assert.deepEqual(await fromClientPod(notReadyIP, 8080, 1), ["notready"]);
    // …but the Service sends nothing its way.
    const svc = await client.get(services, "backend", { namespace: "default" });
    const seen = new Set<string>();
    await waitFor("all three ready replicas through the backend Service", async () => {
      for (const a of await replicasFromClientPod(svc.spec!.clusterIP!, 80, 30)) seen.add(a);
      return seen.size === 3 ? true : undefined;
    }, 30_000);
    for (const a of await replicasFromClientPod(svc.spec!.clusterIP!, 80, 30)) seen.add(a);
    assert.ok(![...seen].includes("notready"), [...seen].join(","));
  });

  it("sessionAffinity: ClientIP keeps a client on one pod", async () => {
    const svc = await client.get(services, "sticky", { namespace: "default" });
    const ip = svc.spec!.clusterIP!;
    await waitFor("sticky answers", async () => ((await fromClientPod(ip, 80, 1))[0]?.startsWith("web-") ? true : undefined), 30_000);
    const fromPod = await replicasFromClientPod(ip, 80, 30);
    assert.equal(fromPod.size, 1, [...fromPod].join(","));
    // The node is another client: it sticks too (to whichever pod it first got).
    const fromNode = new Set<string>();
    for (let i = 0; i < 20; i++) fromNode.add((await httpGet(`http://${ip}/`)).trim());
    assert.equal(fromNode.size, 1, [...fromNode].join(","));
    assert.match([...fromNode][0]!, /^web-/);
    // The same pods through the affinity-less Service still spread.
    assert.equal((await replicasFromClientPod(clusterIP, 80, 30)).size > 1, true);
  });

  it("a LoadBalancer Service gets the node's address as ingress and answers there on its port", async () => {
    const ingress = await waitFor("status.loadBalancer.ingress", async () => {
      const svc = await client.get(services, "web-lb", { namespace: "default" });
      return svc.status?.loadBalancer?.ingress?.[0]?.ip;
    }, 30_000);
    assert.equal(ingress, nodeIP);
    const seen = new Set<string>();
    await waitFor(`three replicas through ${ingress}:${lbPort}`, async () => {
      for (let i = 0; i < 20; i++) seen.add((await httpGet(`http://${ingress}:${lbPort}/`)).trim());
      return seen.size === 3 ? true : undefined;
    }, 30_000);
    assert.ok([...seen].every((h) => h.startsWith("web-")), [...seen].join(","));
    // …and from inside the cluster.
    await replicasFromClientPod(ingress, lbPort, 5);
  });

  it("the kubernetes Service reaches the API server from a pod (TLS handshake on 10.43.0.1:443)", async () => {
    const first = await waitFor("a TLS handshake record from 10.43.0.1:443", async () => {
      const b = await tlsFirstByteFromPod("10.43.0.1", 443);
      return b === "16" ? b : undefined;
    }, 30_000);
    assert.equal(first, "16");
  });

  /** The first byte (hex) the server at host:port answers a TLS ClientHello with, seen from the client pod; 16: a handshake record. */
  async function tlsFirstByteFromPod(host: string, port: number): Promise<string> {
    const hello = [...(await captureClientHello())].map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
    const script = `printf '${hello}' | timeout 5 nc ${host} ${port} | head -c 1 | od -An -tx1`;
    const r = await k(["exec", "client", "--", "sh", "-c", script]);
    return r.stdout.trim();
  }

  it("everything works again after the agent restarts: pods survive, traffic flows within seconds", async () => {
    const podsBefore = (await client.list(pods, { namespace: "default" })).items;
    const ids = (list: Pod[]) => Object.fromEntries(list.map((p) => [p.metadata!.name!, `${p.metadata!.uid} ${p.status?.containerStatuses?.[0]?.containerID} ${p.status?.containerStatuses?.[0]?.restartCount}`]));
    close();
    const exited = new Promise((r) => server.proc.once("exit", r));
    server.proc.kill("SIGTERM");
    await exited;
    // The restarted proxy programs the node from nothing, as after a reboot of the rules.
    await cleanupProxy("iptables");
    server = await startServer(server.dataDir, server.port);
    const started = Date.now();
    const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    client = new Client({ transport });
    close = () => transport.close();

    await waitFor("the ClusterIP answers again", async () => ((await fromClientPod(clusterIP, 80, 1))[0]?.startsWith("web-") ? true : undefined), 20_000);
    const flowing = Date.now() - started;
    console.log(`ClusterIP traffic ${flowing} ms after the restarted agent registered`);
    assert.ok(flowing < 10_000, `${flowing} ms`);

    assert.deepEqual(ids((await client.list(pods, { namespace: "default" })).items), ids(podsBefore), "same pods, same containers, no restarts");
    await waitFor("all three replicas through the ClusterIP", async () => ((await replicasFromClientPod(clusterIP, 80, 20)).size === 3 ? true : undefined), 20_000);
    await waitFor("the NodePort", async () => ((await httpGet(`http://${nodeIP}:${nodePort}/`)).startsWith("web-") ? true : undefined), 20_000);
    await waitFor("the LoadBalancer address", async () => ((await httpGet(`http://${nodeIP}:${lbPort}/`)).startsWith("web-") ? true : undefined), 20_000);
    const sticky = (await client.get(services, "sticky", { namespace: "default" })).spec!.clusterIP!;
    assert.equal((await replicasFromClientPod(sticky, 80, 10)).size, 1);
    await waitFor("web through the cluster DNS", async () => ((await fromClientPod("web", 80, 1))[0]?.startsWith("web-") ? true : undefined), 20_000);
    await waitFor("the kubernetes Service", async () => ((await tlsFirstByteFromPod("10.43.0.1", 443)) === "16" ? true : undefined), 20_000);
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
