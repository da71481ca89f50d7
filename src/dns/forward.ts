/** Forwarding names outside the cluster zone to the node's resolvers (CoreDNS's `forward . /etc/resolv.conf`). */
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import { connect } from "node:net";

export interface Upstream {
  host: string;
  port: number;
}

/** The nameservers of a resolv.conf text (port 53). */
export function upstreamsFromResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push({ host: m[1]!.replace(/%.*$/, ""), port: 53 });
  }
  return out;
}

/**
 * Sends a raw query to each upstream in turn until one answers within `timeoutMs`;
 * undefined when none does. TCP when asked (the client came over TCP) or when the UDP
 * answer was truncated.
 */
export async function forwardQuery(query: Buffer, upstreams: Upstream[], options: { timeoutMs: number; tcp: boolean }): Promise<Buffer | undefined> {
  for (const upstream of upstreams) {
    try {
      if (!options.tcp) {
        const reply = await udpExchange(query, upstream, options.timeoutMs);
        // TC bit: the answer did not fit; ask again over TCP.
        if (reply.length >= 4 && (reply[2]! & 0x02) === 0) return reply;
      }
      return await tcpExchange(query, upstream, options.timeoutMs);
    } catch {
      // try the next upstream
    }
  }
  return undefined;
}

function udpExchange(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(upstream.host) ? "udp6" : "udp4");
    const id = query.readUInt16BE(0);
    const timer = setTimeout(() => done(new Error(`no answer from ${upstream.host}:${upstream.port} in ${timeoutMs}ms`)), timeoutMs);
    const done = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on("error", (err) => done(err));
    socket.on("message", (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(undefined, msg);
    });
    socket.send(query, upstream.port, upstream.host, (err) => {
      if (err) done(err);
    });
  });
}

function tcpExchange(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: upstream.host, port: upstream.port });
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`no answer from ${upstream.host}:${upstream.port} in ${timeoutMs}ms`)), timeoutMs);
    const done = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on("error", (err) => done(err));
    socket.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) done(undefined, buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
    });
    socket.on("end", () => done(new Error("connection closed before an answer")));
  });
}
