import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { release } from "node:os";
import { parseArgs } from "node:util";
import { checkNodePrerequisites, findExecutable } from "../kubelet/index.js";

export const doctorUsage = `Usage: k8ts doctor [flags]

Checks that this machine can run k8ts: Node.js, root, the kernel's cgroup v2, netfilter
(nftables or iptables), bridge netfilter and forwarding, containerd/runc/CNI/busybox,
free ports and inotify limits. Each problem comes with the command that fixes it.

Flags:
  --bind-address ADDR        where k8ts server will listen (default 127.0.0.1)
  --https-listen-port PORT   (default 6443)
  --kubelet-port PORT        (default 10250)
  --cluster-dns-port PORT    (default 10053)
`;

export interface DoctorCheck {
  name: string;
  /** ok, warn (works, but…) or fail (k8ts will not run as asked). */
  level: "ok" | "warn" | "fail";
  detail?: string;
  fix?: string;
}

export async function doctorCommand(args: string[], io: { out: (t: string) => void }): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      "bind-address": { type: "string", default: "127.0.0.1" },
      "https-listen-port": { type: "string", default: "6443" },
      "kubelet-port": { type: "string", default: "10250" },
      "cluster-dns-port": { type: "string", default: "10053" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.out(doctorUsage);
    return 0;
  }
  const checks = await runChecks({ host: values["bind-address"], ports: [Number(values["https-listen-port"]), Number(values["kubelet-port"]), Number(values["cluster-dns-port"])] });
  for (const c of checks) {
    const tag = c.level === "ok" ? "ok  " : c.level === "warn" ? "warn" : "FAIL";
    io.out(`${tag} ${c.name}${c.detail ? `: ${c.detail}` : ""}${c.fix ? `\n     fix: ${c.fix}` : ""}\n`);
  }
  const failed = checks.filter((c) => c.level === "fail").length;
  io.out(failed === 0 ? "k8ts can run here.\n" : `${failed} problem(s) to fix first.\n`);
  return failed === 0 ? 0 : 1;
}

export async function runChecks(options: { host: string; ports: number[] }): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const major = Number(process.versions.node.split(".")[0]);
  checks.push(major >= 20 ? { name: "Node.js", level: "ok", detail: process.version } : { name: "Node.js", level: "fail", detail: `${process.version} is older than 20`, fix: "install Node.js 20 or later" });
  checks.push(process.getuid?.() === 0 ? { name: "root", level: "ok" } : { name: "root", level: "warn", detail: "the node agent (containers, networking) needs root; k8ts server --disable-agent does not", fix: "sudo k8ts server" });
  checks.push({ name: "kernel", level: "ok", detail: release() });
  const cgroup2 = existsSync("/sys/fs/cgroup/cgroup.controllers");
  checks.push(cgroup2 ? { name: "cgroup v2", level: "ok" } : { name: "cgroup v2", level: "warn", detail: "cgroup v1 only: resource limits and stats are coarser", fix: "boot with systemd.unified_cgroup_hierarchy=1" });

  const nft = findExecutable("nft");
  const ipt = findExecutable("iptables");
  if (nft && commandWorks("nft", ["list", "tables"])) checks.push({ name: "nftables", level: "ok", detail: "the service proxy's default mode; NetworkPolicy is enforced in nftables" });
  else checks.push({ name: "nftables", level: ipt ? "warn" : "fail", detail: `${nft ? "nft cannot list tables (no nf_tables in the kernel, or not root)" : "nft not found"}${ipt ? "; NetworkPolicy is enforced in iptables instead" : ""}`, fix: nft ? "modprobe nf_tables, or k8ts server --proxy-mode iptables" : "apt-get install -y nftables" });
  checks.push(ipt ? { name: "iptables", level: "ok" } : { name: "iptables", level: "warn", detail: "not found (needed by the CNI bridge's NAT and --proxy-mode iptables)", fix: "apt-get install -y iptables" });
  checks.push(existsSync("/proc/sys/net/bridge/bridge-nf-call-iptables") ? { name: "bridge netfilter", level: "ok" } : { name: "bridge netfilter", level: "warn", detail: "br_netfilter is not loaded: a pod reaching a Service backed by a pod on the same bridge may bypass the proxy", fix: "modprobe br_netfilter" });
  const forward = readText("/proc/sys/net/ipv4/ip_forward");
  checks.push(forward === "1" ? { name: "IPv4 forwarding", level: "ok" } : { name: "IPv4 forwarding", level: "warn", detail: "off (the node agent turns it on when it starts as root)", fix: "sysctl -w net.ipv4.ip_forward=1" });
  checks.push(existsSync("/proc/net/ip_vs") ? { name: "IPVS", level: "ok", detail: "--proxy-mode ipvs is possible" } : { name: "IPVS", level: "ok", detail: "no ip_vs in this kernel: nftables and iptables modes only" });

  const missing = checkNodePrerequisites({ managedContainerd: true, images: true });
  if (missing) {
    // checkNodePrerequisites: "k8ts node agent: missing A, B; install them with: apt-get install -y …"
    const m = /missing (.*?); install them with: (.*)$/.exec(missing);
    checks.push({ name: "node packages", level: "fail", detail: m ? `missing ${m[1]}` : missing, fix: m?.[2] ?? missing });
  } else {
    checks.push({ name: "node packages", level: "ok", detail: "containerd, runc, CNI plugins, busybox" });
  }

  for (const port of options.ports) {
    const free = await portFree(options.host, port);
    checks.push(free ? { name: `port ${port}`, level: "ok", detail: "free" } : { name: `port ${port}`, level: "fail", detail: `something listens on ${options.host}:${port}`, fix: `stop it (ss -ltnp 'sport = :${port}'), or pick another port with the matching flag` });
  }
  const instances = Number(readText("/proc/sys/fs/inotify/max_user_instances") ?? "0");
  const watches = Number(readText("/proc/sys/fs/inotify/max_user_watches") ?? "0");
  checks.push(instances >= 512 ? { name: "inotify instances", level: "ok", detail: String(instances) } : { name: "inotify instances", level: "warn", detail: `${instances} (containers and log followers use them up)`, fix: "sysctl -w fs.inotify.max_user_instances=512" });
  checks.push(watches >= 524288 ? { name: "inotify watches", level: "ok", detail: String(watches) } : { name: "inotify watches", level: "warn", detail: String(watches), fix: "sysctl -w fs.inotify.max_user_watches=524288" });
  return checks;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}
