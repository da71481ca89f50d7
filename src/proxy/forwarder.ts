// The userspace proxy's data path: Node.js sockets that accept on a Service address and
// copy bytes to an endpoint (TCP) or relay datagrams per client (UDP). For machines with
// neither nftables nor iptables. Service addresses are made local by adding them to `lo`
// (label lo:k8ts), as IPVS mode does with its dummy interface.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { CommandRunner } from "./exec.js";
import type { ListenerSpec, UserspacePlan } from "./userspace-rules.js";

const addressLabel = "lo:k8ts";
const udpIdleMs = 30_000;

interface Endpoint {
  ip: string;
  port: number;
}

interface RunningListener {
  spec: ListenerSpec;
  close(): void;
}

/**
 * Opens, re-points and closes listeners to match a plan. `sync` never throws for one bad
 * listener (port taken, address missing): it reports through `onError` and goes on.
 */
export class Forwarder {
  private readonly listeners = new Map<string, RunningListener>();
  private readonly affinity = new Map<string, Map<string, { ep: Endpoint; expires: number }>>();
  private addresses = new Set<string>();
  private addressesRead = false;

  constructor(private readonly options: { runner: CommandRunner; onError?: (err: unknown) => void }) {}

  async sync(plan: UserspacePlan): Promise<void> {
    await this.syncAddresses(plan.addresses);
    const wanted = new Map(plan.listeners.map((l) => [l.key, l]));
    for (const [key, running] of this.listeners) {
      if (!wanted.has(key)) {
        running.close();
        this.listeners.delete(key);
      }
    }
    for (const [key, spec] of wanted) {
      const running = this.listeners.get(key);
      if (running) {
        running.spec = spec; // endpoints are read per connection
        continue;
      }
      try {
        this.listeners.set(key, spec.protocol === "tcp" ? await this.listenTcp(spec) : await this.listenUdp(spec));
      } catch (err) {
        this.options.onError?.(new Error(`userspace proxy: listen ${key}: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
    const groups = new Set(plan.listeners.map((l) => l.group));
    for (const group of this.affinity.keys()) if (!groups.has(group)) this.affinity.delete(group);
  }

  /** Closes every socket and removes the addresses it added. */
  async cleanup(): Promise<void> {
    this.close();
    await this.syncAddresses([]);
  }

  close(): void {
    for (const l of this.listeners.values()) l.close();
    this.listeners.clear();
  }

  private async syncAddresses(want: readonly string[]): Promise<void> {
    const { runner } = this.options;
    if (!this.addressesRead) {
      const r = await runner.run("ip", ["-4", "-o", "addr", "show", "dev", "lo", "label", addressLabel]);
      this.addresses = new Set([...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g)].map((m) => m[1]!));
      this.addressesRead = true;
    }
    const wanted = new Set(want);
    for (const ip of this.addresses) {
      if (wanted.has(ip)) continue;
      await runner.run("ip", ["addr", "del", `${ip}/32`, "dev", "lo"]);
      this.addresses.delete(ip);
    }
    for (const ip of wanted) {
      if (this.addresses.has(ip)) continue;
      const r = await runner.run("ip", ["addr", "add", `${ip}/32`, "dev", "lo", "label", addressLabel]);
      if (r.code !== 0 && !/File exists/.test(r.stderr)) this.options.onError?.(new Error(`userspace proxy: ip addr add ${ip}: ${r.stderr.trim()}`));
      else this.addresses.add(ip);
    }
  }

  /** Picks an endpoint: the client's sticky one if still there and fresh, else at random. */
  private pick(spec: ListenerSpec, clientIP: string, exclude: ReadonlySet<string> = new Set()): Endpoint | undefined {
    const candidates = spec.endpoints.filter((ep) => !exclude.has(`${ep.ip}:${ep.port}`));
    if (candidates.length === 0) return undefined;
    const timeout = spec.affinityTimeoutSeconds;
    if (timeout !== undefined) {
      let table = this.affinity.get(spec.group);
      if (!table) this.affinity.set(spec.group, (table = new Map()));
      const sticky = table.get(clientIP);
      const now = Date.now();
      if (sticky && sticky.expires > now && candidates.some((ep) => ep.ip === sticky.ep.ip && ep.port === sticky.ep.port)) {
        sticky.expires = now + timeout * 1000;
        return sticky.ep;
      }
      const ep = candidates[Math.floor(Math.random() * candidates.length)]!;
      table.set(clientIP, { ep, expires: now + timeout * 1000 });
      return ep;
    }
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  private listenTcp(spec: ListenerSpec): Promise<RunningListener> {
    const running: RunningListener = { spec, close: () => undefined };
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      sockets.add(client);
      client.on("close", () => sockets.delete(client));
      client.on("error", () => undefined);
      client.pause();
      const tried = new Set<string>();
      const attempt = (): void => {
        const ep = this.pick(running.spec, client.remoteAddress?.replace(/^::ffff:/, "") ?? "", tried);
        if (!ep) {
          client.resetAndDestroy();
          return;
        }
        tried.add(`${ep.ip}:${ep.port}`);
        const upstream = connect({ host: ep.ip, port: ep.port });
        sockets.add(upstream);
        upstream.on("close", () => sockets.delete(upstream));
        const onConnectError = (): void => {
          upstream.destroy();
          attempt(); // upstream's userspace proxy also tried the next endpoint
        };
        upstream.once("error", onConnectError);
        upstream.once("connect", () => {
          upstream.off("error", onConnectError);
          upstream.on("error", () => client.destroy());
          client.on("error", () => upstream.destroy());
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        });
      };
      attempt();
    });
    running.close = () => {
      server.close();
      for (const s of sockets) s.destroy();
    };
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: spec.ip, port: spec.port }, () => {
        server.off("error", reject);
        server.on("error", (err) => this.options.onError?.(err));
        resolve(running);
      });
    });
  }

  private listenUdp(spec: ListenerSpec): Promise<RunningListener> {
    const running: RunningListener = { spec, close: () => undefined };
    const sessions = new Map<string, { socket: UdpSocket; timer: NodeJS.Timeout; ep: Endpoint }>();
    const server = createSocket("udp4");
    server.on("message", (msg, rinfo) => {
      const client = `${rinfo.address}:${rinfo.port}`;
      let session = sessions.get(client);
      if (session && !running.spec.endpoints.some((ep) => ep.ip === session!.ep.ip && ep.port === session!.ep.port)) {
        // Its endpoint is gone (the userspace counterpart of the conntrack clean-up).
        clearTimeout(session.timer);
        session.socket.close();
        sessions.delete(client);
        session = undefined;
      }
      if (!session) {
        const ep = this.pick(running.spec, rinfo.address);
        if (!ep) return;
        const socket = createSocket("udp4");
        socket.on("error", () => undefined);
        socket.on("message", (reply) => server.send(reply, rinfo.port, rinfo.address));
        socket.connect(ep.port, ep.ip);
        session = { socket, timer: setTimeout(() => undefined, 0), ep };
        sessions.set(client, session);
      }
      const s = session;
      clearTimeout(s.timer);
      s.timer = setTimeout(() => {
        s.socket.close();
        sessions.delete(client);
      }, udpIdleMs);
      s.timer.unref();
      const send = (): void => s.socket.send(msg);
      // connect() is asynchronous: queue the first datagram until it is done.
      try {
        s.socket.remoteAddress();
        send();
      } catch {
        s.socket.once("connect", send);
      }
    });
    running.close = () => {
      server.close();
      for (const s of sessions.values()) {
        clearTimeout(s.timer);
        s.socket.close();
      }
      sessions.clear();
    };
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.bind({ address: spec.ip, port: spec.port }, () => {
        server.off("error", reject);
        server.on("error", (err) => this.options.onError?.(err));
        resolve(running);
      });
    });
  }
}
