import type { ProxyBackend } from "./backend.js";
import { runChecked, type CommandRunner } from "./exec.js";
import { ipvsInterface, ipvsModel, ipvsNftTable, ipvsSysctls, parseIpvsadmSave, renderAddresses, renderIpvsadm, renderIpvsNft, renderIpvsNftDelta, type IpvsModel, type VirtualServer, virtualServerKey } from "./ipvs-rules.js";
import type { NodeInfo, ServicePortInfo } from "./service-table.js";

/**
 * Programs IPVS (`ipvsadm-restore`), the `k8ts-ipvs0` dummy interface (`ip -batch`) and
 * `table ip k8ts-ipvs` (`nft -f`). The first sync (and one after node facts change or a
 * failure) starts from what the kernel holds; later ones send only the differences.
 */
export class IpvsBackend implements ProxyBackend {
  readonly mode = "ipvs" as const;
  private prev: IpvsModel | undefined;

  constructor(private readonly runner: CommandRunner) {}

  async sync(table: readonly ServicePortInfo[], node: NodeInfo): Promise<{ full: boolean }> {
    const model = ipvsModel(table, node);
    const prev = this.prev;
    const full = !prev || prev.nodeKey !== model.nodeKey;
    this.prev = undefined;
    if (full) {
      await ensureIpvs(this.runner);
      const link = await this.runner.run("ip", ["link", "add", ipvsInterface, "type", "dummy"]);
      if (link.code !== 0 && (await this.runner.run("ip", ["link", "show", ipvsInterface])).code !== 0) {
        throw new Error(`IPVS proxy mode: cannot create the dummy interface ${ipvsInterface} (${link.stderr.trim()}; the kernel needs the dummy driver)`);
      }
      const present = await dummyAddresses(this.runner);
      const nodePorts = await nftNodePorts(this.runner);
      for (const key of model.sets.get("nodeports")!) nodePorts.add(key.replace(" . ", " "));
      const known = new Set([...(await nftExternal(this.runner)), ...model.virtualServers.keys()]);
      const kernel = ours(parseIpvsadmSave(await runChecked(this.runner, "ipvsadm-save", ["-n"])), new Set([...present, ...model.addresses]), new Set(node.nodeIPs), nodePorts, known);
      await this.apply(renderAddresses(present, model.addresses), renderIpvsadm(kernel, model.virtualServers), renderIpvsNft(model));
    } else {
      await this.apply(renderAddresses(prev.addresses, model.addresses), renderIpvsadm(prev.virtualServers, model.virtualServers), renderIpvsNftDelta(prev, model));
    }
    this.prev = model;
    return { full };
  }

  private async apply(addresses: string, ipvs: string, nft: string): Promise<void> {
    // Addresses first (the node accepts the packets), then the virtual servers, then the
    // filter/masquerade sets; deletions in the same order are harmless (a few packets reset).
    if (addresses) await runChecked(this.runner, "ip", ["-batch", "-"], addresses);
    if (ipvs) await runChecked(this.runner, "ipvsadm-restore", [], ipvs);
    if (nft) await runChecked(this.runner, "nft", ["-f", "-"], nft);
  }

  async cleanup(): Promise<void> {
    this.prev = undefined;
    const errors: string[] = [];
    const present = await dummyAddresses(this.runner);
    const nodePorts = await nftNodePorts(this.runner);
    const external = await nftExternal(this.runner);
    // Without ipvsadm (or ip_vs) there are no virtual servers of ours: the rest still goes.
    const save = await this.runner.run("ipvsadm-save", ["-n"]).catch(() => ({ code: 1, stdout: "", stderr: "" }));
    if (save.code === 0) {
      const localIPs = await hostAddresses(this.runner);
      const mine = ours(parseIpvsadmSave(save.stdout), present, localIPs, nodePorts, external);
      const script = renderIpvsadm(mine, new Map());
      if (script) {
        const r = await this.runner.run("ipvsadm-restore", [], { input: script });
        if (r.code !== 0) errors.push(`ipvsadm-restore: ${r.stderr.trim()}`);
      }
    }
    const link = await this.runner.run("ip", ["link", "del", ipvsInterface]);
    const table = await this.runner.run("nft", ["delete", "table", "ip", ipvsNftTable]);
    if (errors.length) throw new Error(errors.join("; "));
    if (link.code !== 0 && table.code !== 0 && present.size === 0) throw new Error("no IPVS proxy state to remove");
  }

  async close(): Promise<void> {}
}

/** Loads ip_vs and sets its sysctls; a kernel without IPVS fails here with a clear message. */
async function ensureIpvs(runner: CommandRunner): Promise<void> {
  await runner.run("modprobe", ["-a", "ip_vs", "ip_vs_rr", "dummy"]);
  const probe = await runner.run("sysctl", ["-n", "net.ipv4.vs.conntrack"]);
  if (probe.code !== 0) throw new Error("IPVS proxy mode: the kernel has no ip_vs (no /proc/sys/net/ipv4/vs; modprobe ip_vs failed): use --proxy-mode nftables or iptables");
  const tool = await runner.run("ipvsadm-save", ["-n"]).catch((err: unknown) => ({ code: 127, stdout: "", stderr: String(err) }));
  if (tool.code === 127) throw new Error("IPVS proxy mode: ipvsadm is not installed (apt-get install ipvsadm)");
  for (const [key, value] of ipvsSysctls) await runChecked(runner, "sysctl", ["-q", "-w", `${key}=${value}`]);
}

async function dummyAddresses(runner: CommandRunner): Promise<Set<string>> {
  const r = await runner.run("ip", ["-o", "-4", "addr", "show", "dev", ipvsInterface]);
  return new Set([...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!));
}

async function hostAddresses(runner: CommandRunner): Promise<Set<string>> {
  const r = await runner.run("ip", ["-o", "-4", "addr", "show"]);
  return new Set([...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!));
}

/** "tcp 192.168.0.2:443" keys of the external-ips set of a table left by an earlier run. */
async function nftExternal(runner: CommandRunner): Promise<Set<string>> {
  const r = await runner.run("nft", ["list", "set", "ip", ipvsNftTable, "external-ips"]);
  return new Set([...r.stdout.matchAll(/(\d+\.\d+\.\d+\.\d+) \. (tcp|udp|sctp) \. (\d+)/g)].map((m) => virtualServerKey(m[2]!, `${m[1]}:${m[3]}`)));
}

/** "tcp 30080" entries of the nodeports set of a table left by an earlier run. */
async function nftNodePorts(runner: CommandRunner): Promise<Set<string>> {
  const r = await runner.run("nft", ["list", "set", "ip", ipvsNftTable, "nodeports"]);
  return new Set([...r.stdout.matchAll(/\b(tcp|udp|sctp) \. (\d+)/g)].map((m) => `${m[1]} ${m[2]}`));
}

/** The kernel's virtual servers k8ts made: on the dummy's addresses, a NodePort of ours on a node address, or `known` (external IPs that are node addresses, wanted ones). */
export function ours(kernel: ReadonlyMap<string, VirtualServer>, vips: ReadonlySet<string>, nodeIPs: ReadonlySet<string>, nodePorts: ReadonlySet<string>, known: ReadonlySet<string> = new Set()): Map<string, VirtualServer> {
  const out = new Map<string, VirtualServer>();
  for (const [key, vs] of kernel) {
    const [ip, port] = vs.address.split(":");
    if (known.has(key) || vips.has(ip!) || (nodeIPs.has(ip!) && nodePorts.has(`${vs.protocol} ${port}`))) out.set(key, vs);
  }
  return out;
}
