// The multi-node pod network on real containers: three nodes on this one machine, each a
// network namespace made here (a veth to a bridge in a switch namespace, 10.98.<n>.0/24)
// running its own `k8ts agent` and containerd (entered with `nsenter --net`, so the node
// shares the root mount namespace and its cgroups), joined to one `k8ts server
// --disable-agent` listening on the bridge. The node IPAM controller gives each node a /24
// of 10.42.0.0/16; the agents route to each other's pod CIDRs: host-gw first (the nodes
// share the bridge), then, after every agent restarts with --network-backend vxlan, over
// k8ts.vxlan (pods keep running across the restart). A pod on node 1 reaches pods on
// nodes 2 and 3 by IP and through a ClusterIP Service whose endpoints are all on those
// nodes; a Node that goes takes its routes and VXLAN entries with it. Pods get the link's
// MTU (1500), and under VXLAN 50 bytes less (1450), as does k8ts.vxlan. The official kubectl
// drains a node holding two pods of a Deployment guarded by a PodDisruptionBudget.
// Needs root and the node packages; skipped with the reason otherwise.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Node, Pod, Service } from "../../src/api/index.js";
import { Client, httpTransport, loadKubeconfig, resource } from "../../src/client/index.js";
import { checkNodePrerequisites } from "../../src/kubelet/runtime/index.js";
import { freePort, waitFor, k8tsBin, kubectlBin, run } from "../harness/index.js";

const nodesRes = resource<Node>("", "v1", "nodes", "Node", false);
const podsRes = resource<Pod>("", "v1", "pods", "Pod", true);
const servicesRes = resource<Service>("", "v1", "services", "Service", true);
const deploymentsRes = resource("apps", "v1", "deployments", "Deployment", true);
const image = "k8ts.local/busybox:latest";
const ns = "default";
const missing = process.getuid?.() !== 0 ? "needs root" : checkNodePrerequisites() || (existsSync("/usr/bin/nsenter") ? undefined : "needs nsenter (util-linux)");

const id = `${process.pid % 1000}${Math.floor(Math.random() * 1000)}`.slice(0, 5);
const subnet = 100 + Math.floor(Math.random() * 100);
const bridge = `k8tm${id}`;
const gateway = `10.98.${subnet}.1`;
const nodeNames = ["node-1", "node-2", "node-3"];
const netnsOf = (i: number) => `k8tsm-${id}-${i + 1}`;
const nodeIPOf = (i: number) => `10.98.${subnet}.${11 + i}`;

function sh(args: string[]): string {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

// The nodes' switch is a bridge in a namespace of its own, so node-to-node traffic never
// crosses the root namespace, whose netfilter (br_netfilter is on) holds other clusters'
// rules for the same 10.42.0.0/24 (every single-node k8ts server on this machine has it);
// the root namespace reaches the switch, and so the server, over one veth (10.98.<n>.1).
const switchNs = `k8tsm-${id}-sw`;

function makeNetwork(): void {
  sh(["ip", "netns", "add", switchNs]);
  sh(["ip", "-n", switchNs, "link", "add", "br0", "type", "bridge"]);
  sh(["ip", "-n", switchNs, "link", "set", "br0", "up"]);
  sh(["ip", "link", "add", bridge, "type", "veth", "peer", "name", "up0", "netns", switchNs]);
  sh(["ip", "-n", switchNs, "link", "set", "up0", "master", "br0", "up"]);
  sh(["ip", "addr", "add", `${gateway}/24`, "dev", bridge]);
  sh(["ip", "link", "set", bridge, "up"]);
  nodeNames.forEach((_, i) => {
    const n = netnsOf(i);
    sh(["ip", "netns", "add", n]);
    sh(["ip", "-n", n, "link", "set", "lo", "up"]);
    sh(["ip", "-n", switchNs, "link", "add", `v${i + 1}`, "type", "veth", "peer", "name", "eth0", "netns", n]);
    sh(["ip", "-n", switchNs, "link", "set", `v${i + 1}`, "master", "br0", "up"]);
    sh(["ip", "-n", n, "addr", "add", `${nodeIPOf(i)}/24`, "dev", "eth0"]);
    sh(["ip", "-n", n, "link", "set", "eth0", "up"]);
    sh(["ip", "-n", n, "route", "add", "default", "via", gateway]);
  });
}

function removeNetwork(): void {
  nodeNames.forEach((_, i) => spawnSync("ip", ["netns", "del", netnsOf(i)], { stdio: "ignore" }));
  spawnSync("ip", ["netns", "del", switchNs], { stdio: "ignore" });
  spawnSync("ip", ["link", "del", bridge], { stdio: "ignore" });
}

function killAndUnmountUnder(dir: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(dir)) process.kill(Number(entry), "SIGKILL");
    } catch {
      // gone already
    }
  }
  const mounts = readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")[1] ?? "").filter((m) => m.startsWith(dir));
  for (const m of mounts.sort().reverse()) spawnSync("umount", ["-l", m], { stdio: "ignore" });
}

interface Proc {
  proc: ChildProcess;
  log: string[];
}

function startProc(args: string[], readyLine: string, what: string, timeoutMs = 120_000): Promise<Proc> {
  const log: string[] = [];
  const proc = spawn(args[0]!, args.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise<Proc>((resolve, reject) => {
    const onData = (buf: Buffer) => {
      for (const line of buf.toString().split("\n")) {
        if (line) log.push(line);
        if (line.includes(readyLine)) resolve({ proc, log });
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`${what} exited ${code}: ${log.join("\n")}`)));
    setTimeout(() => {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      reject(new Error(`${what} not ready in ${timeoutMs / 1000}s: ${log.join("\n")}`));
    }, timeoutMs).unref();
  });
}

async function stopProc(p: Proc | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  const exited = new Promise((r) => p.proc.once("exit", r));
  p.proc.kill("SIGTERM");
  await exited;
}


describe("the pod network across three nodes (network namespaces) on real containers", { skip: missing || false }, () => {
  let dataDir = "";
  let server: Proc | undefined;
  const agents: Array<Proc | undefined> = [];
  let client: Client;
  let closeTransport = () => undefined as void;
  let url = "";
  let token = "";
  const podIPs = new Map<string, string>();
  let runs = 0;

  const startAgent = (i: number, backend: string) =>
    startProc(
      ["nsenter", `--net=/run/netns/${netnsOf(i)}`, "--", process.execPath, k8tsBin, "agent", "--server", url, "--token", token, "--node-name", nodeNames[i]!, "--data-dir", join(dataDir, nodeNames[i]!), "--node-ip", nodeIPOf(i), "--network-backend", backend],
      "registered, pod CIDR",
      `agent ${nodeNames[i]}`,
    );

  /** GETs `url` from node i's network namespace (with Node: busybox-static 1.35's `wget -T` segfaults); the body, or the error. */
  const fromNode = (i: number, url: string): string => {
    const script = `require("node:http").get(process.argv[1], { timeout: 5000 }, (r) => { let b = ""; r.on("data", (c) => (b += c)); r.on("end", () => console.log(b.trim())); }).on("error", (e) => { console.error(e.message); process.exit(1); }).on("timeout", function () { this.destroy(new Error("timeout")); });`;
    const r = spawnSync("nsenter", [`--net=/run/netns/${netnsOf(i)}`, "--", process.execPath, "-e", script, url], { encoding: "utf8", timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim() : `failed: ${r.stderr.trim()}`;
  };

  const routes = (i: number): string => sh(["ip", "-n", netnsOf(i), "route", "show", "proto", "75"]);
  const linkMtu = (i: number, dev: string): number => (JSON.parse(sh(["ip", "-n", netnsOf(i), "-j", "link", "show", dev])) as Array<{ mtu: number }>)[0]!.mtu;

  /** Runs `script` in a pod on `node` (restartPolicy Never) and returns what it wrote to its termination log; fails the test when it fails. */
  let lastClientIP = "";
  const runPod = async (node: string, script: string): Promise<string> => {
    const name = `client-${++runs}`;
    await client.create(podsRes, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: ns },
      spec: { nodeName: node, restartPolicy: "Never", terminationGracePeriodSeconds: 0, containers: [{ name: "c", image, imagePullPolicy: "Never", command: ["sh", "-c", `(${script}) || { echo "exit $?" >> /dev/termination-log; exit 1; }`] }] },
    });
    const pod = await waitFor(`pod ${name} to finish`, async () => {
      const p = await client.get(podsRes, name, { namespace: ns });
      return p.status?.phase === "Succeeded" || p.status?.phase === "Failed" ? p : undefined;
    });
    const message = pod.status?.containerStatuses?.[0]?.state?.terminated?.message ?? "";
    assert.equal(pod.status?.phase, "Succeeded", `${name} on ${node}: ${script}\n${message}`);
    lastClientIP = pod.status?.podIP ?? "";
    return message;
  };

  // httpd answers / with its pod name and /cgi-bin/ip with the client address it saw.
  const webScript = `mkdir -p /www/cgi-bin && hostname > /www/index.html && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 8080 -h /www`;
  const web = (name: string, node: string): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: { app: "web" } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "httpd", image, imagePullPolicy: "Never", command: ["sh", "-c", webScript], ports: [{ containerPort: 8080 }] }],
    },
  });

  before(async () => {
    removeNetwork();
    makeNetwork();
    dataDir = await mkdtemp(join(tmpdir(), "k8ts-e2e-multinode-"));
    const port = await freePort();
    url = `https://${gateway}:${port}`;
    server = await startProc(
      [process.execPath, k8tsBin, "server", "--disable-agent", "--data-dir", join(dataDir, "server"), "--https-listen-port", String(port), "--bind-address", gateway, "--disable-cluster-dns", "--kubelet-port", "0"],
      "listening:",
      "k8ts server",
    );
    token = (await readFile(join(dataDir, "server", "join-token"), "utf8")).trim();
    const transport = httpTransport(await loadKubeconfig(join(dataDir, "server", "kubeconfig.yaml")));
    client = new Client({ transport });
    closeTransport = () => transport.close();
    for (let i = 0; i < nodeNames.length; i++) agents[i] = await startAgent(i, "auto");
  });

  after(async () => {
    // K8TS_MULTINODE_HOLD=SECONDS keeps the cluster up that long after the tests, to look at it.
    if (process.env.K8TS_MULTINODE_HOLD) await new Promise((r) => setTimeout(r, Number(process.env.K8TS_MULTINODE_HOLD) * 1000));
    // Pods first, while their agents run to stop them; then agents (they stop their containerd), server, network.
    if (client) {
      // A Deployment a failed drain test left would recreate its pods.
      await client.delete(deploymentsRes, "drain-web", { namespace: ns }).catch(() => undefined);
      await client.deleteCollection(podsRes, { namespace: ns }).catch(() => undefined);
      await waitFor("pods gone", async () => ((await client.list(podsRes, { namespace: ns })).items.length === 0 ? true : undefined), 60_000).catch(() => undefined);
    }
    for (const a of agents) await stopProc(a);
    if (server && server.proc.exitCode !== null) console.log(`k8ts server had exited (${server.proc.exitCode}):\n${server.log.slice(-30).join("\n")}`);
    await stopProc(server);
    closeTransport();
    // Whatever a failed run left: processes naming the data dir (containerd, shims), mounts under it.
    if (dataDir) killAndUnmountUnder(dataDir);
    removeNetwork();
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  it("gives every node its own /24 of the cluster CIDR 10.42.0.0/16", async () => {
    const cidrs = await waitFor("three nodes with pod CIDRs", async () => {
      const items = (await client.list(nodesRes)).items;
      const c = nodeNames.map((n) => items.find((x) => x.metadata.name === n)?.spec?.podCIDR);
      return c.every(Boolean) ? (c as string[]) : undefined;
    });
    for (const c of cidrs) assert.match(c, /^10\.42\.\d+\.0\/24$/);
    assert.equal(new Set(cidrs).size, 3, cidrs.join(", "));
  });

  it("routes each node to the others' pod CIDRs via their node IPs (host-gw on the shared bridge)", async () => {
    const items = (await client.list(nodesRes)).items;
    const cidrOf = (n: string) => items.find((x) => x.metadata.name === n)?.spec?.podCIDR;
    for (let i = 0; i < 3; i++) {
      await waitFor(`routes on ${nodeNames[i]}`, () => {
        const r = routes(i);
        return nodeNames.every((n, j) => j === i || r.includes(`${cidrOf(n)} via ${nodeIPOf(j)}`)) ? true : undefined;
      }, 30_000);
    }
  });

  it("a pod on node 1 reaches pods on nodes 2 and 3 by IP", async () => {
    await client.create(podsRes, web("web-2", "node-2"));
    await client.create(podsRes, web("web-3", "node-3"));
    for (const name of ["web-2", "web-3"]) {
      const ip = await waitFor(`${name} running`, async () => {
        const p = await client.get(podsRes, name, { namespace: ns });
        return p.status?.phase === "Running" && p.status.podIP ? p.status.podIP : undefined;
      }, 120_000);
      podIPs.set(name, ip);
    }
    const node2 = (await client.get(nodesRes, "node-2")).spec?.podCIDR ?? "";
    assert.ok(podIPs.get("web-2")!.startsWith(node2.split(".").slice(0, 3).join(".")), `web-2's IP ${podIPs.get("web-2")} is in node-2's ${node2}`);
    // From node 1's own namespace first (node → remote pod), then from a pod (pod → remote pod).
    assert.equal(fromNode(0, `http://${podIPs.get("web-2")}:8080/`), "web-2");
    assert.equal(fromNode(0, `http://${podIPs.get("web-3")}:8080/`), "web-3");
    const got = await runPod("node-1", `timeout 5 wget -q -O - http://${podIPs.get("web-2")}:8080/ > /dev/termination-log && timeout 5 wget -q -O - http://${podIPs.get("web-3")}:8080/ >> /dev/termination-log && timeout 5 wget -q -O - http://${podIPs.get("web-3")}:8080/cgi-bin/ip >> /dev/termination-log && cat /sys/class/net/eth0/mtu >> /dev/termination-log`);
    const [first, second, seenRaw, mtu] = got.trim().split("\n");
    // busybox httpd listens on a dual-stack socket: REMOTE_ADDR is "[::ffff:a.b.c.d]".
    const seen = (seenRaw ?? "").replace(/^\[::ffff:(.*)\]$/, "$1");
    assert.deepEqual([first, second], ["web-2", "web-3"]);
    // Not masqueraded between nodes: the pod on node 3 sees the client's pod IP.
    assert.ok(lastClientIP);
    assert.equal(seen, lastClientIP, `web-3 saw ${seen}, the client pod is ${lastClientIP}`);
    // host-gw adds no header: the pod keeps the node link's MTU.
    assert.equal(linkMtu(0, "eth0"), 1500);
    assert.equal(mtu, "1500");
  });

  it("a ClusterIP Service whose endpoints are all on other nodes answers from both", async () => {
    const svc = await client.create(servicesRes, { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: ns }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } });
    const ip = svc.spec?.clusterIP;
    assert.ok(ip);
    // The proxy on node 1 learns the endpoints through its watch; retry the first request until it has.
    const got = await runPod("node-1", `for i in $(seq 1 30); do timeout 2 wget -q -O - http://${ip}/ >/dev/null 2>&1 && break; sleep 1; done; for i in $(seq 1 16); do timeout 3 wget -q -O - http://${ip}/ || exit 1; done > /dev/termination-log`);
    const answers = got.trim().split("\n");
    assert.equal(answers.length, 16, got);
    assert.deepEqual([...new Set(answers)].sort(), ["web-2", "web-3"], got);
  });

  it("after the agents restart with --network-backend vxlan, the running pods talk over k8ts.vxlan", async () => {
    for (let i = 0; i < 3; i++) {
      await stopProc(agents[i]);
      agents[i] = await startAgent(i, "vxlan");
    }
    for (let i = 0; i < 3; i++) {
      await waitFor(`VXLAN routes on ${nodeNames[i]}`, () => {
        const r = routes(i);
        return r.split("\n").filter((l) => l.includes("dev k8ts.vxlan")).length === 2 && !r.includes(" via 10.98.") ? true : undefined;
      }, 30_000);
    }
    const link = sh(["ip", "-n", netnsOf(0), "-d", "link", "show", "k8ts.vxlan"]);
    assert.match(link, /vxlan id 1 local 10\.98\.\d+\.11 .*dstport 8472/s);
    const fdb = sh(["bridge", "-n", netnsOf(0), "fdb", "show", "dev", "k8ts.vxlan"]);
    assert.match(fdb, new RegExp(`dst ${nodeIPOf(1).replace(/\./g, "\\.")}`));
    assert.match(fdb, new RegExp(`dst ${nodeIPOf(2).replace(/\./g, "\\.")}`));
    const got = await runPod("node-1", `timeout 5 wget -q -O - http://${podIPs.get("web-2")}:8080/ > /dev/termination-log && timeout 5 wget -q -O - http://${podIPs.get("web-3")}:8080/ >> /dev/termination-log && timeout 5 wget -q -O - http://${podIPs.get("web-2")}:8080/cgi-bin/ip >> /dev/termination-log && cat /sys/class/net/eth0/mtu >> /dev/termination-log`);
    const [first, second, seenRaw, mtu] = got.trim().split("\n");
    assert.deepEqual([first, second], ["web-2", "web-3"]);
    assert.equal((seenRaw ?? "").replace(/^\[::ffff:(.*)\]$/, "$1"), lastClientIP, "over VXLAN too, the remote pod sees the client's pod IP");
    // VXLAN adds 50 bytes: the device and a pod started under it get 1450 on the 1500-byte link, so encapsulated packets fit it.
    assert.equal(linkMtu(0, "eth0"), 1500);
    assert.equal(linkMtu(0, "k8ts.vxlan"), 1450);
    assert.equal(mtu, "1450", "a pod's eth0 under VXLAN");
  });

  it("kubectl drain evicts a node's Deployment pods within a PodDisruptionBudget; they come up on the other nodes", { skip: existsSync(kubectlBin) ? false : "run `npm run tools` for kubectl" }, async () => {
    const kubeconfig = join(dataDir, "server", "kubeconfig.yaml");
    const kubectl = async (...args: string[]): Promise<string> => {
      const r = await run(kubectlBin, ["--kubeconfig", kubeconfig, ...args], { timeoutMs: 150_000 });
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}${r.stdout}`);
      return r.stdout + r.stderr;
    };
    const app = "drain-web";
    const isReady = (p: Pod) => !p.metadata.deletionTimestamp && !!p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    const pods = async () => (await client.list(podsRes, { namespace: ns, labelSelector: `app=${app}` })).items;
    const readyOn = async (want: number) => {
      const all = await pods();
      return all.length === want && all.every(isReady) ? all : undefined;
    };
    const manifest = (replicas: number) => JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: app, namespace: ns },
      spec: {
        replicas,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: {
            terminationGracePeriodSeconds: 1,
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app } } }],
            containers: [{ name: "c", image, imagePullPolicy: "Never", command: ["sleep", "3600"] }],
          },
        },
      },
    });
    const apply = async (replicas: number) => {
      const r = await run(kubectlBin, ["--kubeconfig", kubeconfig, "apply", "-f", "-"], { stdin: manifest(replicas) });
      assert.equal(r.code, 0, r.stderr);
    };

    // Two pods on node-1 (the others cordoned meanwhile), then a third spread elsewhere: node-1
    // holds two, so its drain needs the budget to let the second go only once a replacement is Ready.
    // (node-2 and node-3 also run bare pods, which drain refuses without --force.)
    await kubectl("cordon", "node-2");
    await kubectl("cordon", "node-3");
    await apply(2);
    await waitFor("two drain-web pods Ready on node-1", () => readyOn(2), 60_000);
    await kubectl("uncordon", "node-2");
    await kubectl("uncordon", "node-3");
    await apply(3);
    const before = await waitFor("three drain-web pods Ready", () => readyOn(3), 60_000);
    assert.equal(before.filter((p) => p.spec?.nodeName === "node-1").length, 2, `two on node-1, the third spread to another node: ${before.map((p) => p.spec?.nodeName).join(", ")}`);
    await kubectl("create", "poddisruptionbudget", app, `--selector=app=${app}`, "--min-available=2");
    await waitFor("the budget allows one disruption", async () => {
      const pdb = JSON.parse(await kubectl("get", "pdb", app, "-o", "json")) as { status?: { disruptionsAllowed?: number } };
      return pdb.status?.disruptionsAllowed === 1 ? true : undefined;
    }, 30_000);

    // A watch counts Ready pods (not being deleted) through the whole drain.
    const stopWatch = new AbortController();
    const list = await client.list(podsRes, { namespace: ns, labelSelector: `app=${app}` });
    const state = new Map(list.items.map((p) => [p.metadata.name ?? "", p]));
    const readyCount = () => [...state.values()].filter(isReady).length;
    let minReady = readyCount();
    let events = 0;
    const watching = (async () => {
      let rv = list.metadata?.resourceVersion;
      // A watch the server ends is resumed from the last version seen, so no change goes unobserved.
      while (!stopWatch.signal.aborted) {
        for await (const ev of client.watch(podsRes, { namespace: ns, labelSelector: `app=${app}`, resourceVersion: rv, signal: stopWatch.signal })) {
          if (ev.type === "ERROR") throw new Error(`watch: ${ev.object.message}`);
          rv = ev.object.metadata.resourceVersion;
          if (ev.type === "BOOKMARK") continue;
          events++;
          if (ev.type === "DELETED") state.delete(ev.object.metadata.name ?? "");
          else state.set(ev.object.metadata.name ?? "", ev.object);
          minReady = Math.min(minReady, readyCount());
        }
      }
    })();

    try {
      const out = await kubectl("drain", "node-1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=120s");
      assert.match(out, /node\/node-1 cordoned/);
      assert.match(out, /node\/node-1 drained/);
      // Both node-1 pods were evicted at once; the budget refused the second until the first one's replacement was Ready.
      assert.match(out, /Cannot evict pod as it would violate the pod's disruption budget/);
      assert.equal((await client.get(nodesRes, "node-1")).spec?.unschedulable, true);
      const afterDrain = await waitFor("three drain-web pods Ready, none on node-1", async () => {
        const all = await readyOn(3);
        return all?.every((p) => p.spec?.nodeName !== "node-1") ? all : undefined;
      }, 60_000);
      assert.ok(afterDrain.every((p) => p.spec?.nodeName === "node-2" || p.spec?.nodeName === "node-3"));
      await waitFor("the watch caught up", () => (readyCount() === 3 && [...state.values()].every((p) => p.spec?.nodeName !== "node-1") ? true : undefined), 10_000);
    } finally {
      stopWatch.abort();
      await watching;
    }
    assert.ok(events > 0, "the watch saw the drain");
    assert.ok(minReady >= 2, `the watch saw only ${minReady} Ready pods: the budget did not hold`);

    await kubectl("uncordon", "node-1");
    assert.notEqual((await client.get(nodesRes, "node-1")).spec?.unschedulable, true);
    await kubectl("delete", "pdb", app);
    await client.delete(deploymentsRes, app, { namespace: ns });
    await waitFor("drain-web pods gone", async () => ((await pods()).length === 0 ? true : undefined), 60_000);
  });

  it("a Node that goes takes its route and VXLAN entries on the other nodes with it", async () => {
    await client.delete(podsRes, "web-3", { namespace: ns });
    await waitFor("web-3 gone", async () => ((await client.list(podsRes, { namespace: ns })).items.some((p) => p.metadata.name === "web-3") ? undefined : true), 60_000);
    const cidr3 = (await client.get(nodesRes, "node-3")).spec?.podCIDR ?? "";
    await stopProc(agents[2]);
    agents[2] = undefined;
    await client.delete(nodesRes, "node-3");
    await waitFor("node-3's route gone from node-1", () => (routes(0).includes(cidr3) ? undefined : true), 30_000);
    assert.doesNotMatch(sh(["bridge", "-n", netnsOf(0), "fdb", "show", "dev", "k8ts.vxlan"]), new RegExp(`dst ${nodeIPOf(2).replace(/\./g, "\\.")}`));
    assert.match(routes(0), /dev k8ts\.vxlan/, "node-2 is still reached over VXLAN");
  });
});
