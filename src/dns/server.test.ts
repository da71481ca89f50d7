// The DNS server over real sockets: UDP and TCP, forwarding with a timeout, truncation.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import * as packet from "dns-packet";
import type { Service } from "../api/index.js";
import type { ClusterSources } from "./records.js";
import { ClusterDnsServer } from "./server.js";

const web: Service = { metadata: { name: "web", namespace: "shop" }, spec: { clusterIP: "10.43.0.20", clusterIPs: ["10.43.0.20"], ports: [{ port: 80 }] } };
const many: Service = { metadata: { name: "many", namespace: "shop" }, spec: { clusterIP: "None", clusterIPs: ["None"] } };
const manyAddresses = Array.from({ length: 60 }, (_, i) => `10.42.1.${i + 1}`);
const sources: ClusterSources = {
  service: (ns, name) => [web, many].find((s) => s.metadata.namespace === ns && s.metadata.name === name),
  endpointSlices: (_ns, svc) =>
    svc === "many" ? [{ metadata: { name: "many-x" }, addressType: "IPv4", endpoints: manyAddresses.map((a) => ({ addresses: [a] })) }] : [],
  serviceByClusterIP: () => undefined,
};
const noSources: ClusterSources = { service: () => undefined, endpointSlices: () => [], serviceByClusterIP: () => undefined };

/** A decoded reply: dns-packet's decoder also fills the header fields its types leave out. */
type Reply = packet.Packet & { rcode?: string; flag_tc?: boolean; answers?: { data?: unknown }[] };

function tcpQuery(port: number, name: string, type: "A" | "SRV"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const q = packet.encode({ type: "query", id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] });
    let buf = Buffer.alloc(0);
    socket.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      socket.write(Buffer.concat([len, q]));
    });
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        socket.destroy();
        resolve(packet.decode(buf.subarray(2)) as Reply);
      }
    });
    socket.on("error", reject);
  });
}

function udpQuery(port: number, name: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.on("message", (msg) => {
      socket.close();
      resolve(packet.decode(msg) as Reply);
    });
    socket.on("error", reject);
    socket.send(packet.encode({ type: "query", id: 9, flags: packet.RECURSION_DESIRED, questions: [{ type: "A", name }] }), port, "127.0.0.1");
  });
}

describe("cluster DNS server", () => {
  const stop = new AbortController();
  let port = 0;
  let upstreamPort = 0;
  before(async () => {
    // The "node's resolver": another instance, authoritative for example.test.
    const upstream = new ClusterDnsServer({ host: "127.0.0.1", port: 0, zone: "example.test", sources: noSources, upstreams: [] });
    upstreamPort = (await upstream.listen(stop.signal)).port;
    const server = new ClusterDnsServer({ host: "127.0.0.1", port: 0, zone: "cluster.local", sources, upstreams: [{ host: "127.0.0.1", port: upstreamPort }], forwardTimeoutMs: 300 });
    port = (await server.listen(stop.signal)).port;
  });
  after(() => stop.abort());

  it("answers A over UDP to a stock resolver", async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    assert.deepEqual(await resolver.resolve4("web.shop.svc.cluster.local"), ["10.43.0.20"]);
    await assert.rejects(resolver.resolve4("nope.shop.svc.cluster.local"), { code: "ENOTFOUND" });
  });

  it("answers over TCP", async () => {
    const reply = await tcpQuery(port, "web.shop.svc.cluster.local", "A");
    assert.equal(reply.id, 7);
    assert.equal(reply.rcode, "NOERROR");
    assert.deepEqual(reply.answers?.map((a) => (a as { data?: unknown }).data), ["10.43.0.20"]);
  });

  it("truncates a UDP answer that does not fit 512 bytes; TCP carries it whole", async () => {
    const udp = await udpQuery(port, "many.shop.svc.cluster.local");
    assert.equal(udp.flag_tc, true);
    const tcp = await tcpQuery(port, "many.shop.svc.cluster.local", "A");
    assert.equal(tcp.answers?.length, 60);
  });

  it("forwards other names to the node's resolvers", async () => {
    const reply = await udpQuery(port, "example.test");
    assert.equal(reply.rcode, "NOERROR");
    assert.equal(reply.id, 9);
    const nx = await udpQuery(port, "missing.example.test");
    assert.equal(nx.rcode, "NXDOMAIN");
  });

  it("answers SERVFAIL when no upstream answers in time", async () => {
    const dead = new ClusterDnsServer({ host: "127.0.0.1", port: 0, zone: "cluster.local", sources, upstreams: [{ host: "127.0.0.1", port: 9 }], forwardTimeoutMs: 200 });
    const { port: deadPort } = await dead.listen(stop.signal);
    const reply = await udpQuery(deadPort, "example.org");
    assert.equal(reply.rcode, "SERVFAIL");
    await dead.close();
  });
});
