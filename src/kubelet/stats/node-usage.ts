// The node's own figures from /proc and statfs, as cadvisor reports them for the root
// container: CPU time from /proc/stat (everything but idle and iowait), memory working
// set = total - free - inactive file pages (cgroup usage minus inactive_file, upstream's
// definition), network from /proc/net/dev, the data dir's filesystem from statfs.
import { readFile, statfs } from "node:fs/promises";
import type { FsStats, NetworkStats } from "./summary-types.js";

/** Raw node figures at one instant: cumulative CPU and the rest as gauges. */
export interface NodeUsage {
  /** Milliseconds since the epoch when read. */
  timestamp: number;
  /** When the machine booted (ms since the epoch). */
  bootTime: number;
  cpuUsageCoreNanoSeconds: number;
  memory: { availableBytes: number; usageBytes: number; workingSetBytes: number; rssBytes?: number; pageFaults?: number; majorPageFaults?: number };
  network?: Omit<NetworkStats, "time">;
  fs?: Omit<FsStats, "time">;
  rlimit?: { maxpid?: number; curproc?: number };
}

const userHz = 100;

/** /proc/stat's first line → cumulative busy CPU time in core-nanoseconds, and btime. */
export function parseProcStat(text: string): { cpuUsageCoreNanoSeconds: number; bootTime: number; processes?: number } {
  const cpu = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!cpu) throw new Error("/proc/stat: no cpu line");
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  const btime = /^btime\s+(\d+)/m.exec(text);
  const running = /^procs_running\s+(\d+)/m.exec(text);
  return { cpuUsageCoreNanoSeconds: busy * (1e9 / userHz), bootTime: btime ? Number(btime[1]) * 1000 : 0, processes: running ? Number(running[1]) : undefined };
}

/** /proc/meminfo → bytes. */
export function parseMeminfo(text: string): NodeUsage["memory"] {
  const kb = (name: string) => {
    const m = new RegExp(`^${name.replace(/[()]/g, "\\$&")}:\\s+(\\d+)`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  const total = kb("MemTotal");
  const free = kb("MemFree");
  const usage = total - free;
  const workingSet = Math.max(0, usage - kb("Inactive(file)"));
  return { availableBytes: Math.max(0, total - workingSet), usageBytes: usage, workingSetBytes: workingSet, rssBytes: kb("AnonPages") };
}

/** /proc/net/dev → interfaces (loopback left out), default first when named. */
export function parseNetDev(text: string, defaultInterface: string | undefined): Omit<NetworkStats, "time"> | undefined {
  const interfaces = [];
  for (const line of text.split("\n").slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.trim();
    if (name === "lo") continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    interfaces.push({ name, rxBytes: f[0] ?? 0, rxErrors: f[2] ?? 0, txBytes: f[8] ?? 0, txErrors: f[10] ?? 0 });
  }
  const chosen = interfaces.find((i) => i.name === defaultInterface) ?? interfaces[0];
  if (!chosen) return undefined;
  return { ...chosen, interfaces };
}

/** /proc/net/route → the interface of the default route. */
export function parseDefaultRoute(text: string): string | undefined {
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === "00000000" && f[0]) return f[0];
  }
  return undefined;
}

/** Reads the node's usage now; `fsPath` is the filesystem reported as the node's (the data dir). */
export async function readNodeUsage(fsPath: string): Promise<NodeUsage> {
  const [stat, meminfo, netdev, route, pidMax] = await Promise.all([
    readFile("/proc/stat", "utf8"),
    readFile("/proc/meminfo", "utf8"),
    readFile("/proc/net/dev", "utf8").catch(() => ""),
    readFile("/proc/net/route", "utf8").catch(() => ""),
    readFile("/proc/sys/kernel/pid_max", "utf8").catch(() => ""),
  ]);
  const cpu = parseProcStat(stat);
  let fs: NodeUsage["fs"];
  try {
    const s = await statfs(fsPath);
    fs = {
      capacityBytes: s.blocks * s.bsize,
      availableBytes: s.bavail * s.bsize,
      usedBytes: (s.blocks - s.bfree) * s.bsize,
      inodes: s.files,
      inodesFree: s.ffree,
      inodesUsed: s.files - s.ffree,
    };
  } catch {
    fs = undefined;
  }
  return {
    timestamp: Date.now(),
    bootTime: cpu.bootTime,
    cpuUsageCoreNanoSeconds: cpu.cpuUsageCoreNanoSeconds,
    memory: parseMeminfo(meminfo),
    network: parseNetDev(netdev, parseDefaultRoute(route)),
    fs,
    rlimit: { maxpid: pidMax ? Number(pidMax.trim()) : undefined, curproc: cpu.processes },
  };
}
