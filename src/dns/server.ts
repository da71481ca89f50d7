/**
 * The cluster DNS server: UDP and TCP on one port. Questions in the cluster zone are
 * answered from `ClusterSources` (records.ts); others go to the node's resolvers.
 *
 *   const dns = new ClusterDnsServer({ host: "127.0.0.1", port: 0, zone: "cluster.local", sources, upstreams });
 *   const { port } = await dns.listen(signal);   // closes when signal aborts
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { isIPv6 } from "node:net";
import * as packet from "dns-packet";
import type { Packet } from "dns-packet";
import { forwardQuery, type Upstream } from "./forward.js";
import { answerInZone, type ClusterSources, type ZoneAnswer } from "./records.js";

export interface ClusterDnsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** "cluster.local". */
  zone: string;
  sources: ClusterSources;
  upstreams: Upstream[];
  /** How long a forwarded query waits for each upstream (default 2s). */
  forwardTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

const rcodes = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
const flagAA = 1 << 10;
const flagTC = 1 << 9;
const flagRD = 1 << 8;
const flagRA = 1 << 7;

export class ClusterDnsServer {
  private readonly options: ClusterDnsServerOptions;
  private readonly zone: string;
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly connections = new Set<Socket>();

  constructor(options: ClusterDnsServerOptions) {
    this.options = options;
    this.zone = options.zone.toLowerCase().replace(/\.$/, "");
  }

  /** Binds UDP then TCP on the same port; both close when `signal` aborts. */
  async listen(signal: AbortSignal): Promise<{ port: number }> {
    const udp = createSocket({ type: isIPv6(this.options.host) ? "udp6" : "udp4" });
    this.udp = udp;
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(this.options.port, this.options.host, () => {
        udp.off("error", reject);
        resolve();
      });
    });
    const port = udp.address().port;
    udp.on("error", (err) => this.options.onError?.(err));
    udp.on("message", (msg, rinfo) => {
      void this.respond(msg, "udp").then((reply) => {
        if (reply) udp.send(reply, rinfo.port, rinfo.address);
      });
    });
    const tcp = createServer((socket) => this.serveTcp(socket));
    this.tcp = tcp;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, this.options.host, () => {
          tcp.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    if (signal.aborted) await this.close();
    else signal.addEventListener("abort", () => void this.close(), { once: true });
    return { port };
  }

  async close(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.connections) c.destroy();
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.on("close", () => this.connections.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        void this.respond(msg, "tcp").then((reply) => {
          if (!reply || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([len, reply]));
        });
      }
    });
  }

  /** The reply to one message, or undefined to stay silent (not a query at all). */
  async respond(msg: Buffer, transport: "udp" | "tcp"): Promise<Buffer | undefined> {
    let query: Packet;
    try {
      query = packet.decode(msg);
    } catch {
      return msg.length >= 12 ? errorReply(msg, rcodes.FORMERR) : undefined;
    }
    if (query.type !== "query") return undefined;
    const rd = (query.flags ?? 0) & flagRD;
    const questions = query.questions ?? [];
    if ((query as { opcode?: string }).opcode !== "QUERY") return errorReply(msg, rcodes.NOTIMP);
    if (questions.length !== 1) return errorReply(msg, rcodes.FORMERR);
    try {
      const zoneAnswer = answerInZone(questions[0]!, this.zone, this.options.sources);
      if (zoneAnswer) return encodeReply(query, zoneAnswer, rd, transport);
      const forwarded = await forwardQuery(msg, this.options.upstreams, { timeoutMs: this.options.forwardTimeoutMs ?? 2000, tcp: transport === "tcp" });
      return forwarded ?? errorReply(msg, rcodes.SERVFAIL);
    } catch (err) {
      this.options.onError?.(err);
      return errorReply(msg, rcodes.SERVFAIL);
    }
  }
}

/** The largest UDP reply the client takes: 512 bytes, or its EDNS buffer size. */
function udpLimit(query: Packet): number {
  const opt = (query.additionals ?? []).find((a) => a.type === "OPT") as { udpPayloadSize?: number } | undefined;
  return Math.max(512, opt?.udpPayloadSize ?? 512);
}

function encodeReply(query: Packet, answer: ZoneAnswer, rd: number, transport: "udp" | "tcp"): Buffer {
  const flags = flagAA | rd | flagRA | rcodes[answer.rcode];
  const reply: Packet = {
    type: "response",
    id: query.id,
    flags,
    questions: query.questions,
    answers: answer.answers,
    authorities: answer.authority,
    additionals: answer.additionals,
  };
  const buf = packet.encode(reply);
  if (transport === "udp" && buf.length > udpLimit(query)) {
    return packet.encode({ ...reply, flags: flags | flagTC, answers: [], authorities: [], additionals: [] });
  }
  return buf;
}

/** A header-only reply with the query's id, RD and question, and this rcode. */
function errorReply(msg: Buffer, rcode: number): Buffer {
  try {
    const query = packet.decode(msg);
    return packet.encode({ type: "response", id: query.id, flags: ((query.flags ?? 0) & flagRD) | flagRA | rcode, questions: query.questions ?? [] });
  } catch {
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8000 | flagRA | rcode, 2);
    return header;
  }
}
