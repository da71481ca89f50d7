// The pod network of one node: a CNI conflist that containerd's CRI plugin reads
// from its conf_dir. A Linux bridge with the node's pod CIDR (host-local IPAM with its
// own dataDir), the bridge as the pods' gateway, masquerading of traffic leaving the
// pod CIDR, hairpin so a pod reaches itself through a Service, and portmap for
// hostPort. containerd adds the loopback interface itself.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CniConfigOptions {
  /** Directory containerd reads (its `cni.conf_dir`). */
  confDir: string;
  /** The node's pod CIDR, e.g. "10.244.1.0/24". */
  podCidr: string;
  /** Where host-local keeps its allocations (under the agent's data dir). */
  ipamDataDir: string;
  /** Linux bridge name (≤ 15 characters). Default "k8ts0". */
  bridge?: string;
  /** Network name. Default "k8ts". */
  name?: string;
  /** MTU of the bridge and veths (default: the plugin's). */
  mtu?: number;
  /** The bridge plugin masquerades traffic leaving the pod CIDR (default true); false when the agent's pod network masquerades instead (keeping pod IPs between nodes). */
  ipMasq?: boolean;
}

export const CNI_CONFLIST_FILE = "10-k8ts.conflist";

/** The conflist as an object (exported for tests and for `k8ts sim` to show). */
export function cniConflist(opts: CniConfigOptions): Record<string, unknown> {
  const bridge = opts.bridge ?? "k8ts0";
  if (bridge.length > 15) throw new Error(`bridge name "${bridge}" is longer than 15 characters`);
  return {
    cniVersion: "1.0.0",
    name: opts.name ?? "k8ts",
    plugins: [
      {
        type: "bridge",
        bridge,
        isGateway: true,
        ipMasq: opts.ipMasq ?? true,
        hairpinMode: true,
        ...(opts.mtu ? { mtu: opts.mtu } : {}),
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: opts.podCidr }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/**
 * Writes the conflist (atomically; unchanged content is not rewritten) and returns
 * its path. The CRI plugin picks up a new file without a restart.
 */
export function writeCniConfig(opts: CniConfigOptions): string {
  mkdirSync(opts.confDir, { recursive: true });
  mkdirSync(opts.ipamDataDir, { recursive: true });
  const path = join(opts.confDir, CNI_CONFLIST_FILE);
  const text = `${JSON.stringify(cniConflist(opts), null, 2)}\n`;
  try {
    if (readFileSync(path, "utf8") === text) return path;
  } catch {
    // not there yet
  }
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  return path;
}
