import { readFile, statfs } from "node:fs/promises";
import * as os from "node:os";

/**
 * What the node reports about the machine, read once at start-up (cadvisor's MachineInfo
 * and the kubelet's setNodeStatusMachineInfo / setNodeStatusVersionInfo). Every field is
 * plain data so node status can be computed (and tested) without touching the machine.
 */
export interface MachineInfo {
  cpus: number;
  /** MemTotal from /proc/meminfo, bytes. */
  memoryBytes: number;
  /** Size of the file system holding the data dir, bytes. */
  ephemeralStorageBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  operatingSystem: string;
  architecture: string;
  hostname: string;
  internalIP?: string;
}

/** Reads the machine's facts; fields that cannot be read are empty strings, as upstream. */
export async function readMachineInfo(options: { dataDir: string; nodeIP?: string }): Promise<MachineInfo> {
  const meminfo = await readText("/proc/meminfo");
  const fs = await statfs(options.dataDir).catch(() => undefined);
  const osRelease = await readText("/etc/os-release");
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    memoryBytes: parseMemTotal(meminfo) ?? os.totalmem(),
    ephemeralStorageBytes: fs ? fs.blocks * fs.bsize : 0,
    machineID: (await readText("/etc/machine-id")).trim(),
    systemUUID: (await readText("/sys/class/dmi/id/product_uuid")).trim(),
    bootID: (await readText("/proc/sys/kernel/random/boot_id")).trim(),
    kernelVersion: os.release(),
    osImage: parseOsRelease(osRelease).PRETTY_NAME ?? "Linux",
    operatingSystem: "linux",
    architecture: goArch(process.arch),
    hostname: os.hostname().toLowerCase(),
    internalIP: options.nodeIP ?? firstInternalIPv4(),
  };
}

/** MemTotal in bytes from the text of /proc/meminfo. */
export function parseMemTotal(meminfo: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : undefined;
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return out;
}

/** Node's process.arch in Go's GOARCH spelling (what nodeInfo.architecture says upstream). */
export function goArch(arch: string): string {
  const map: Record<string, string> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return map[arch] ?? arch;
}

/** The first non-loopback IPv4 address (upstream: the address of the default route's interface). */
export function firstInternalIPv4(): string | undefined {
  const ifaces = os.networkInterfaces();
  const names = Object.keys(ifaces).filter((n) => !/^(cni|veth|docker|k8ts|lo)/.test(n)).sort();
  for (const name of names) {
    for (const a of ifaces[name] ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}
