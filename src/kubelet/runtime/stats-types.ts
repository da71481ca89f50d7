// CRI v1 stats messages (ListContainerStats, ListPodSandboxStats) as proto-loader yields
// them: uint64/int64 are decimal strings in replies (see runtime.ts), optional values are
// `UInt64Value` messages that may be null when the runtime does not know them.
import type { ContainerMetadata, Int64, PodSandboxMetadata } from "./runtime.js";

export interface UInt64Value {
  value: Int64;
}

export interface CpuUsage {
  /** Nanoseconds since the epoch. */
  timestamp: Int64;
  /** Cumulative CPU time, in core-nanoseconds. */
  usageCoreNanoSeconds?: UInt64Value | null;
  /** The runtime's own rate over its last sample (may be absent or 0). */
  usageNanoCores?: UInt64Value | null;
}

export interface MemoryUsage {
  timestamp: Int64;
  workingSetBytes?: UInt64Value | null;
  availableBytes?: UInt64Value | null;
  usageBytes?: UInt64Value | null;
  rssBytes?: UInt64Value | null;
  pageFaults?: UInt64Value | null;
  majorPageFaults?: UInt64Value | null;
}

export interface FilesystemUsage {
  timestamp: Int64;
  fsId?: { mountpoint: string } | null;
  usedBytes?: UInt64Value | null;
  inodesUsed?: UInt64Value | null;
}

export interface ContainerAttributes {
  id: string;
  metadata?: ContainerMetadata | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStats {
  attributes?: ContainerAttributes | null;
  cpu?: CpuUsage | null;
  memory?: MemoryUsage | null;
  writableLayer?: FilesystemUsage | null;
}

export interface ContainerStatsFilter {
  id?: string;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface ListContainerStatsRequest {
  filter?: ContainerStatsFilter;
}

export interface ListContainerStatsResponse {
  stats: ContainerStats[];
}

export interface NetworkInterfaceUsage {
  name: string;
  rxBytes?: UInt64Value | null;
  rxErrors?: UInt64Value | null;
  txBytes?: UInt64Value | null;
  txErrors?: UInt64Value | null;
}

export interface NetworkUsage {
  timestamp: Int64;
  defaultInterface?: NetworkInterfaceUsage | null;
  interfaces: NetworkInterfaceUsage[];
}

export interface ProcessUsage {
  timestamp: Int64;
  processCount?: UInt64Value | null;
}

export interface LinuxPodSandboxStats {
  cpu?: CpuUsage | null;
  memory?: MemoryUsage | null;
  network?: NetworkUsage | null;
  process?: ProcessUsage | null;
  containers: ContainerStats[];
}

export interface PodSandboxAttributes {
  id: string;
  metadata?: PodSandboxMetadata | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodSandboxStats {
  attributes?: PodSandboxAttributes | null;
  linux?: LinuxPodSandboxStats | null;
}

export interface PodSandboxStatsFilter {
  id?: string;
  labelSelector?: Record<string, string>;
}

export interface ListPodSandboxStatsRequest {
  filter?: PodSandboxStatsFilter;
}

export interface ListPodSandboxStatsResponse {
  stats: PodSandboxStats[];
}
