// A node in network namespaces, made and removed by the test: a "node" namespace with a
// pod bridge (10.244.1.1/24) and two "pods" on it, and a "client" namespace on a link to
// the node (node 192.168.77.1, client 192.168.77.2). Pods run a tiny Node.js TCP/UDP
// server that answers with its name and the address it saw; agents in any namespace
// make connections on request, so a test (in the root namespace) can send traffic from
// inside the lab.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface Lab {
  id: string;
  node: string;
  client: string;
  pods: Array<{ ns: string; ip: string; name: string }>;
  nodeIP: string;
  podCIDR: string;
  /** An agent making connections from inside `ns`. */
  agent(ns: string): Agent;
  destroy(): Promise<void>;
}

export interface ConnectResult {
  ok: boolean;
  /** The server's answer: "<pod name> <address it saw>". */
  data?: string;
  /** Error code when not ok (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH…). */
  code?: string;
  ms: number;
}

export interface Agent {
  tcp(host: string, port: number, timeoutMs?: number): Promise<ConnectResult>;
  udp(host: string, port: number, timeoutMs?: number): Promise<ConnectResult>;
}

export function canMakeLabs(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync("ip", ["netns", "list"]).status === 0 && spawnSync("nft", ["--version"]).status === 0;
}

function sh(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.trim()}`);
}

const serverScript = `
const net = require("node:net"), dgram = require("node:dgram");
const name = process.argv[1];
net.createServer((s) => { s.on("error", () => {}); s.end(name + " " + s.remoteAddress + "\\n"); }).listen(8080, "0.0.0.0");
const u = dgram.createSocket("udp4");
u.on("message", (m, r) => u.send(name + " " + r.address + "\\n", r.port, r.address));
u.bind(5353, "0.0.0.0");
process.stdin.on("end", () => process.exit(0)); process.stdin.resume();
`;

const agentScript = `
const net = require("node:net"), dgram = require("node:dgram"), readline = require("node:readline");
const out = (m) => process.stdout.write(JSON.stringify(m) + "\\n");
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const q = JSON.parse(line); const t0 = Date.now(); let done = false;
  const finish = (r) => { if (done) return; done = true; out({ id: q.id, ms: Date.now() - t0, ...r }); };
  if (q.proto === "tcp") {
    const s = net.connect({ host: q.host, port: q.port }); let data = "";
    s.setTimeout(q.timeoutMs, () => { s.destroy(); finish({ ok: false, code: "ETIMEDOUT" }); });
    s.on("data", (b) => (data += b)); s.on("end", () => finish({ ok: true, data: data.trim() }));
    s.on("error", (e) => finish({ ok: false, code: e.code }));
  } else {
    const s = dgram.createSocket("udp4");
    const timer = setTimeout(() => { s.close(); finish({ ok: false, code: "ETIMEDOUT" }); }, q.timeoutMs);
    s.on("message", (m) => { clearTimeout(timer); s.close(); finish({ ok: true, data: String(m).trim() }); });
    s.on("error", (e) => { clearTimeout(timer); try { s.close(); } catch {} finish({ ok: false, code: e.code }); });
    s.send("ping", q.port, q.host);
  }
});
process.stdin.on("end", () => process.exit(0));
`;

export async function createLab(): Promise<Lab> {
  const id = `${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const ns = (role: string) => `k8tsp-${id}-${role}`;
  const node = ns("node");
  const client = ns("cli");
  const pods = [
    { ns: ns("pod1"), ip: "10.244.1.2", name: "pod1" },
    { ns: ns("pod2"), ip: "10.244.1.3", name: "pod2" },
  ];
  const children: ChildProcess[] = [];
  const all = [node, client, ...pods.map((p) => p.ns)];
  const lab: Lab = {
    id,
    node,
    client,
    pods,
    nodeIP: "192.168.77.1",
    podCIDR: "10.244.1.0/24",
    agent: (where) => startAgent(where, children),
    destroy: async () => {
      for (const c of children) {
        c.stdin?.end();
        c.kill("SIGKILL");
      }
      for (const n of all) spawnSync("ip", ["netns", "del", n]);
    },
  };
  try {
    for (const n of all) {
      sh(["ip", "netns", "add", n]);
      sh(["ip", "-n", n, "link", "set", "lo", "up"]);
    }
    sh(["ip", "-n", node, "link", "add", "br0", "type", "bridge"]);
    sh(["ip", "-n", node, "addr", "add", "10.244.1.1/24", "dev", "br0"]);
    sh(["ip", "-n", node, "link", "set", "br0", "up"]);
    pods.forEach((p, i) => {
      sh(["ip", "-n", node, "link", "add", `p${i}`, "type", "veth", "peer", "name", "eth0", "netns", p.ns]);
      sh(["ip", "-n", node, "link", "set", `p${i}`, "master", "br0", "up"]);
      // As the CNI bridge plugin's hairpinMode: with br_netfilter, a pod's packet DNATed back to itself leaves by the port it came in.
      sh(["ip", "-n", node, "link", "set", `p${i}`, "type", "bridge_slave", "hairpin", "on"]);
      sh(["ip", "-n", p.ns, "addr", "add", `${p.ip}/24`, "dev", "eth0"]);
      sh(["ip", "-n", p.ns, "link", "set", "eth0", "up"]);
      sh(["ip", "-n", p.ns, "route", "add", "default", "via", "10.244.1.1"]);
    });
    sh(["ip", "-n", node, "link", "add", "cli", "type", "veth", "peer", "name", "eth0", "netns", client]);
    sh(["ip", "-n", node, "addr", "add", "192.168.77.1/24", "dev", "cli"]);
    sh(["ip", "-n", node, "link", "set", "cli", "up"]);
    sh(["ip", "-n", client, "addr", "add", "192.168.77.2/24", "dev", "eth0"]);
    sh(["ip", "-n", client, "link", "set", "eth0", "up"]);
    sh(["ip", "-n", client, "route", "add", "default", "via", "192.168.77.1"]);
    // Unknown destinations leave through the client link, so they pass the forward hook (where rejects live).
    sh(["ip", "-n", node, "route", "add", "default", "via", "192.168.77.2"]);
    sh(["ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    // This kernel's per-peer ICMP rate limit drops the first "port unreachable" a fresh
    // namespace sends; rejects are checked by timing, so lift the limit in the lab.
    sh(["ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0"]);
    for (const p of pods) {
      const child = spawn("ip", ["netns", "exec", p.ns, process.execPath, "-e", serverScript, p.name], { stdio: ["pipe", "ignore", "inherit"] });
      children.push(child);
    }
    // Wait for the servers to listen.
    const probe = startAgent(node, children);
    for (const p of pods) {
      for (let i = 0; ; i++) {
        const r = await probe.tcp(p.ip, 8080, 500);
        if (r.ok) break;
        if (i > 100) throw new Error(`pod server ${p.name} did not start: ${r.code}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}

function startAgent(ns: string, children: ChildProcess[]): Agent {
  const child = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", agentScript], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  const waiting = new Map<number, (r: ConnectResult) => void>();
  let nextId = 1;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const msg = JSON.parse(line) as ConnectResult & { id: number };
    waiting.get(msg.id)?.(msg);
    waiting.delete(msg.id);
  });
  const ask = (proto: "tcp" | "udp", host: string, port: number, timeoutMs = 2000) =>
    new Promise<ConnectResult>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.stdin!.write(`${JSON.stringify({ id, proto, host, port, timeoutMs })}\n`);
    });
  return { tcp: (h, p, t) => ask("tcp", h, p, t), udp: (h, p, t) => ask("udp", h, p, t) };
}
