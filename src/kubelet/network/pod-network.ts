import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import type { Node } from "../../api/index.js";
import { InformerFactory, resource, type Client, type Informer } from "../../client/index.js";
import { commandLine, masqueradeRuleset, natTable, networkCommands, peerOf, planPodNetwork, routeProtocol, vxlanDevice, vxlanMtuFor, type NetCommand, type NetworkBackend, type NetworkPlan } from "./plan.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const run = promisify(execFile);

export interface PodNetworkOptions {
  client: Client;
  nodeName: string;
  /** --network-backend (default auto: host-gw to nodes on a shared link, VXLAN to the others). */
  backend?: NetworkBackend;
  signal: AbortSignal;
  /** Runs one command (tests record them); default: execFile. */
  exec?: (c: NetCommand) => Promise<void>;
  /**
   * Masquerade the node's pods to non-pod destinations in nftables (table ip k8ts-podnet),
   * keeping pod source IPs between nodes; set when the CNI config has ipMasq off.
   */
  masquerade?: boolean;
  /** The MTU of the link that carries the node IP (linkMtuOf); the VXLAN device gets 50 less. */
  linkMtu?: number;
  /** Whether `ip` is directly reachable on a link (no gateway); default `ip -j route get`. */
  onLink?: (ip: string) => Promise<boolean>;
  log?: (line: string) => void;
}

export interface RunningPodNetwork {
  /** What was programmed last. */
  applied(): NetworkPlan | undefined;
  done: Promise<void>;
}

async function execCommand(c: NetCommand): Promise<void> {
  if (c.stdin === undefined) {
    await run(c.cmd, c.args);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(c.cmd, c.args, { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${commandLine(c)}: ${err.trim()}`))));
    child.stdin.end(c.stdin);
  });
}

/** The masquerade ruleset for `podCIDR` among `podCIDRs`, applied with `nft -f -`. */
export function masqueradeCommand(podCIDR: string, podCIDRs: string[]): NetCommand {
  return { cmd: "nft", args: ["-f", "-"], stdin: masqueradeRuleset(podCIDR, podCIDRs) };
}

/** Applies the masquerade for the node's own CIDR alone, before its first pod starts (the reconciler adds the peers). */
export async function startMasquerade(podCIDR: string): Promise<void> {
  await execCommand(masqueradeCommand(podCIDR, [podCIDR]));
}

/** Removes what the pod network programmed on this machine (k8ts uninstall): routes, the VXLAN device, the masquerade table. */
export async function cleanupPodNetwork(): Promise<void> {
  await run("ip", ["route", "flush", "proto", String(routeProtocol)]).catch(() => undefined);
  await run("ip", ["link", "del", vxlanDevice]).catch(() => undefined);
  await run("nft", ["delete", "table", "ip", natTable]).catch(() => undefined);
}

/** True when the kernel routes to `ip` without a gateway (the peer shares a link with this node). */
export async function routeIsOnLink(ip: string): Promise<boolean> {
  const { stdout } = await run("ip", ["-j", "route", "get", ip]);
  const routes = JSON.parse(stdout) as Array<{ gateway?: string; type?: string }>;
  return routes.length > 0 && !routes[0].gateway && routes[0].type !== "local";
}

/**
 * The MTU of the interface holding `ip` (the node's InternalIP), which carries the traffic
 * between nodes (flannel's external interface); undefined when no interface holds it or it
 * is the loopback (whose 65536 is no pod's path MTU).
 */
export async function linkMtuOf(ip: string): Promise<number | undefined> {
  const { stdout } = await run("ip", ["-j", "-4", "addr", "show"]);
  const links = JSON.parse(stdout) as Array<{ mtu?: number; link_type?: string; addr_info?: Array<{ local?: string }> }>;
  const link = links.find((l) => l.addr_info?.some((a) => a.local === ip));
  return link && link.link_type !== "loopback" && link.mtu ? link.mtu : undefined;
}

/**
 * Keeps this node's routes to every other node's pod CIDR in step with the Node objects
 * (a Node informer; each change recomputes the plan and applies the difference). At start
 * the routes and VXLAN device a previous run left are removed first, so nothing stale stays;
 * at stop they are left in place, as flannel does, so pods keep talking across an agent restart.
 */
export function startPodNetwork(options: PodNetworkOptions): RunningPodNetwork {
  const backend = options.backend ?? "auto";
  const exec = options.exec ?? execCommand;
  const onLinkOf = options.onLink ?? routeIsOnLink;
  const log = options.log ?? (() => undefined);
  const informers = new InformerFactory({ client: options.client });
  const informer: Informer<Node> = informers.informer(nodes);
  let applied: NetworkPlan | undefined;
  let masqueraded = "";
  let dirty = true;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    dirty = true;
    wake?.();
  };
  informer.addHandler({ add: poke, update: poke, delete: poke });
  const onLinkCache = new Map<string, boolean>();

  const sync = async (): Promise<void> => {
    const selfNode = informer.get(options.nodeName);
    const self = selfNode && peerOf(selfNode);
    if (!self) return;
    const all = informer.list();
    for (const n of all) {
      const p = peerOf(n);
      if (p && p.name !== self.name && !onLinkCache.has(p.ip)) onLinkCache.set(p.ip, await onLinkOf(p.ip).catch(() => false));
    }
    const plan = planPodNetwork({ self, nodes: all, backend, onLink: (ip) => onLinkCache.get(ip) ?? false });
    if (options.masquerade) {
      const cidrs = [...new Set(all.map((n) => n.spec?.podCIDR).filter((c): c is string => !!c))].sort();
      const masq = masqueradeCommand(self.podCIDR, cidrs);
      if (masq.stdin !== masqueraded) {
        await exec(masq);
        masqueraded = masq.stdin ?? "";
      }
    }
    if (!applied) {
      // Start from a clean slate: what an earlier run programmed may name nodes that are gone.
      await exec({ cmd: "ip", args: ["route", "flush", "proto", String(routeProtocol)] }).catch(() => undefined);
      await exec({ cmd: "ip", args: ["link", "del", vxlanDevice] }).catch(() => undefined);
    }
    const commands = networkCommands(plan, applied, { mtu: vxlanMtuFor(options.linkMtu) });
    for (const c of commands) {
      try {
        await exec(c);
      } catch (err) {
        // A delete of something already gone is fine; anything else is retried on the next pass.
        if (!c.args.includes("del")) throw err;
      }
    }
    if (commands.length) log(`pod network: ${plan.routes.map((r) => `${r.cidr} ${r.kind === "host-gw" ? `via ${r.via}` : `vxlan ${r.nodeIP}`}`).join(", ") || "no peers"}`);
    applied = plan;
  };

  const done = (async () => {
    informers.start(options.signal);
    if (!(await informer.waitForSync(options.signal))) return;
    while (!options.signal.aborted) {
      if (dirty) {
        dirty = false;
        try {
          await sync();
        } catch (err) {
          dirty = true;
          log(`pod network: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, dirty ? 2000 : 30_000);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
        options.signal.addEventListener("abort", wake, { once: true });
      });
      wake = undefined;
    }
  })();
  return { applied: () => applied, done };
}

export { commandLine };
