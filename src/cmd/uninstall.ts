import { readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { removeNodeState } from "../kubelet/index.js";
import { cleanupNetworkPolicy } from "../netpol/index.js";
import { cleanupProxy } from "../proxy/index.js";

export const uninstallUsage = `Usage: k8ts uninstall [flags]

Removes what k8ts made on this machine, without a reboot: its pods and their networks,
the node agent's containerd, mounts under the data dir, the CNI bridge and NAT rules, and
the service proxy's nftables tables, iptables chains, IPVS virtual servers and addresses,
the network policy table and chains. Stop 'k8ts server' and
'k8ts agent' first. The bridge, NAT rules and tables are the machine's, shared by every k8ts
on it: uninstall removes them whatever data dir is given. The data dir (the cluster's state)
stays unless --delete-data.

Flags:
  --data-dir DIR    the server's or agent's data dir (default /var/lib/k8ts as root, ~/.k8ts otherwise)
  --delete-data     also delete the data dir: the cluster's objects, PKI and kubeconfig
`;

export async function uninstallCommand(args: string[], io: { out: (t: string) => void }, env: { isRoot: boolean; home: string }): Promise<number> {
  const { values } = parseArgs({ args, strict: true, allowPositionals: false, options: { "data-dir": { type: "string" }, "delete-data": { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } });
  if (values.help) {
    io.out(uninstallUsage);
    return 0;
  }
  const dataDir = resolve(values["data-dir"] ?? (env.isRoot ? "/var/lib/k8ts" : join(env.home, ".k8ts")));
  const running = runningK8ts(dataDir);
  if (running) throw new Error(`k8ts is still running with this data dir (pid ${running}): stop it first`);
  const report = await removeNodeState(dataDir, (line) => io.out(`${line}\n`));
  io.out(`pods removed: ${report.podSandboxesRemoved}; containerd stopped: ${report.containerdStopped ? "yes" : "not running"}; unmounted: ${report.unmounted.length}; CNI bridge removed: ${report.bridgeRemoved ? "yes" : "none"}; CNI NAT rules removed: ${report.cniRulesRemoved}\n`);
  for (const mode of ["nftables", "iptables", "ipvs", "userspace"] as const) {
    // Absent rules make the commands fail: nothing to report then.
    await cleanupProxy(mode).catch(() => undefined);
  }
  io.out("service proxy rules removed (nftables tables k8ts-proxy and k8ts-ipvs, iptables K8TS-* chains, IPVS virtual servers and the k8ts-ipvs0 interface, lo:k8ts addresses)\n");
  await cleanupNetworkPolicy().catch(() => undefined);
  io.out("network policy rules removed (nftables table k8ts-netpol, iptables K8TS-NP-* chains and their FORWARD jump)\n");
  if (values["delete-data"]) {
    await rm(dataDir, { recursive: true, force: true });
    io.out(`deleted ${dataDir}\n`);
  } else {
    io.out(`kept ${dataDir} (--delete-data removes it)\n`);
  }
  return 0;
}

/** The pid of a `k8ts server`/`k8ts agent` process using this data dir, if any. */
function runningK8ts(dataDir: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    const k8ts = argv.findIndex((a) => /k8ts(\.js)?$|cmd\/main\.js$/.test(a));
    if (k8ts < 0 || !["server", "agent"].includes(argv[k8ts + 1] ?? "")) continue;
    const i = argv.indexOf("--data-dir");
    const theirs = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--data-dir="))?.slice("--data-dir=".length);
    if (resolve(theirs ?? "/var/lib/k8ts") === dataDir) return pid;
  }
  return undefined;
}
