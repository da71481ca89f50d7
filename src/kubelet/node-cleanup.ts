/**
 * `k8ts uninstall`'s node half: everything the node agent made on this machine goes,
 * without a reboot — the pods (through CRI, so CNI tears down their networks), the
 * private containerd and its shims, mounts under the data dir, the CNI bridge and any
 * CNI NAT rules a crash left behind.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CriRuntime, ManagedContainerd, containerdPaths, findExecutable } from "./runtime/index.js";
import { cleanupPodNetwork } from "./network/index.js";

const execFileAsync = promisify(execFile);

/** The CNI bridge the agent's conflist names (runtime/cni.ts). */
const cniBridge = "k8ts0";

export interface NodeCleanupReport {
  podSandboxesRemoved: number;
  containerdStopped: boolean;
  unmounted: string[];
  bridgeRemoved: boolean;
  cniRulesRemoved: number;
}

export async function removeNodeState(dataDir: string, log: (line: string) => void = () => undefined): Promise<NodeCleanupReport> {
  const nodeDir = join(dataDir, "agent");
  const report: NodeCleanupReport = { podSandboxesRemoved: 0, containerdStopped: false, unmounted: [], bridgeRemoved: false, cniRulesRemoved: 0 };
  const paths = containerdPaths(nodeDir);
  if (existsSync(paths.config) && findExecutable("containerd")) {
    // Pods are removed through CRI so their networks are torn down; containerd is started for that if it is not running.
    const containerd = new ManagedContainerd({ dataDir: nodeDir, log });
    try {
      await containerd.start();
      const cri = new CriRuntime({ endpoint: containerd.endpoint });
      try {
        await cri.start({ waitMs: 15_000 });
        const { items = [] } = await cri.listPodSandbox({});
        for (const sb of items) {
          await cri.stopPodSandbox({ podSandboxId: sb.id }).catch((err: unknown) => log(`uninstall: stop sandbox ${sb.id}: ${String(err)}`));
          await cri.removePodSandbox({ podSandboxId: sb.id }).catch((err: unknown) => log(`uninstall: remove sandbox ${sb.id}: ${String(err)}`));
          report.podSandboxesRemoved++;
        }
      } finally {
        cri.close();
      }
    } catch (err) {
      log(`uninstall: containerd: ${err instanceof Error ? err.message : String(err)}`);
    }
    report.containerdStopped = await containerd.stopLeftover();
  }
  report.unmounted = await unmountUnder(dataDir);
  report.bridgeRemoved = (await run("ip", ["link", "del", cniBridge])).ok;
  report.cniRulesRemoved = await removeCniNatRules();
  // The pod network: routes to other nodes (proto 75), k8ts.vxlan, the masquerade table.
  await cleanupPodNetwork();
  return report;
}

/** Lazily unmounts every mount point at or below `dir`, deepest first. */
async function unmountUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const points = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((p): p is string => !!p && (p === dir || p.startsWith(prefix)))
    .sort((a, b) => b.length - a.length);
  const done: string[] = [];
  for (const p of [...new Set(points)]) if ((await run("umount", ["-l", p])).ok) done.push(p);
  return done;
}

/** The bridge plugin's per-pod NAT chains (comment `name: "k8ts"`) that a crash left behind. */
async function removeCniNatRules(): Promise<number> {
  const saved = await run("iptables-save", ["-t", "nat"]);
  if (!saved.ok) return 0;
  let removed = 0;
  for (const line of saved.stdout.split("\n")) {
    const m = /^-A POSTROUTING (.*name: \\"k8ts\\".*-j (CNI-[0-9a-f]+))$/.exec(line.trim());
    if (!m) continue;
    const args = m[1]!.match(/"(?:\\.|[^"])*"|\S+/g)!.map((a) => (a.startsWith('"') ? a.slice(1, -1).replace(/\\"/g, '"') : a));
    if ((await run("iptables", ["-w", "-t", "nat", "-D", "POSTROUTING", ...args])).ok) removed++;
    await run("iptables", ["-w", "-t", "nat", "-F", m[2]!]);
    await run("iptables", ["-w", "-t", "nat", "-X", m[2]!]);
  }
  return removed;
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, stdout };
  } catch {
    return { ok: false, stdout: "" };
  }
}
