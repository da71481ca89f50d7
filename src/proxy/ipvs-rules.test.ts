// Golden rule sets for the IPVS back-end (UPDATE_GOLDEN=1 rewrites testdata/*.ipvs; review
// the diff) and the semantics behind them: one virtual server per address and port,
// real servers by traffic policy, weights, persistence, NodePorts on node IPs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fixtureCluster, fixtureNode, slice } from "./_fixtures.js";
import { ours } from "./ipvs-backend.js";
import { ipvsModel, parseIpvsadmSave, renderAddresses, renderIpvsadm, renderIpvsNft, renderIpvsNftDelta, virtualServerKey, type IpvsModel } from "./ipvs-rules.js";
import { golden } from "./nftables-rules.test.js";
import { buildServiceTable, sliceServiceKey } from "./service-table.js";
import type { EndpointSlice, Service } from "../api/index.js";

function table(services: Service[], slices: EndpointSlice[]) {
  return buildServiceTable(services, (ns, name) => slices.filter((s) => sliceServiceKey(s) === `${ns}/${name}`), fixtureNode);
}

function whole(model: IpvsModel): string {
  return `# ip -batch -\n${renderAddresses(undefined, model.addresses)}# ipvsadm-restore\n${renderIpvsadm(undefined, model.virtualServers)}# nft -f -\n${renderIpvsNft(model)}`;
}

function reals(model: IpvsModel, key: string): Record<string, number> {
  const vs = model.virtualServers.get(key);
  assert.ok(vs, `no virtual server ${key}`);
  return Object.fromEntries([...vs.reals.values()].map((r) => [r.address, r.weight]));
}

const nftUsable = process.getuid?.() === 0 && spawnSync("nft", ["--version"]).status === 0;

describe("IPVS rules", () => {
  it("renders the whole state for a cluster of every Service shape", () => {
    const { services, slices } = fixtureCluster();
    golden("cluster.ipvs", whole(ipvsModel(table(services, slices), fixtureNode)));
  });

  it("programs each Service the way upstream's IPVS proxier does", () => {
    const { services, slices } = fixtureCluster();
    const m = ipvsModel(table(services, slices), fixtureNode);
    // Every ClusterIP, external IP and LoadBalancer IP is on the dummy interface.
    assert.deepEqual([...m.addresses].sort(), ["10.43.0.10", "10.43.0.41", "10.43.0.42", "10.43.0.43", "10.43.0.44", "10.43.0.45", "10.43.0.46", "198.51.100.7"]);
    // The LoadBalancer IP is the node's own address: local already, never on the dummy, but served.
    assert.deepEqual(reals(m, "tcp 192.168.0.2:443"), { "10.244.1.6:8443": 1 });
    // ClusterIP: both ready endpoints, weight 1, round robin, no persistence.
    assert.deepEqual(reals(m, virtualServerKey("tcp", "10.43.0.41:80")), { "10.244.1.5:8080": 1, "10.244.2.7:8080": 1 });
    assert.equal(m.virtualServers.get("tcp 10.43.0.41:80")!.scheduler, "rr");
    assert.equal(m.virtualServers.get("tcp 10.43.0.41:80")!.persistence, undefined);
    // ClientIP affinity: persistence with its timeout; the not-ready endpoint is left out; the NodePort is on the node IP.
    assert.equal(m.virtualServers.get("tcp 10.43.0.42:80")!.persistence, 600);
    assert.deepEqual(reals(m, "tcp 10.43.0.42:80"), { "10.244.2.8:80": 1 });
    assert.deepEqual(reals(m, "tcp 192.168.0.2:30080"), { "10.244.2.8:80": 1 });
    assert.equal(m.virtualServers.get("tcp 192.168.0.2:30080")!.persistence, 600);
    // externalTrafficPolicy Local: the ClusterIP reaches both, the NodePort only the local one.
    assert.deepEqual(reals(m, "tcp 10.43.0.43:443"), { "10.244.1.6:8443": 1, "10.244.3.2:8443": 1 });
    assert.deepEqual(reals(m, "tcp 192.168.0.2:30443"), { "10.244.1.6:8443": 1 });
    assert.ok(m.sets.get("nodeports-local")!.has("tcp . 30443"));
    assert.ok(m.sets.get("firewall-allow")!.has("192.168.0.2 . tcp . 443 . 203.0.113.0/24"));
    // No endpoints: a virtual server without real servers.
    assert.deepEqual(reals(m, "tcp 10.43.0.44:8080"), {});
    // internalTrafficPolicy Local with only a remote endpoint: nothing to send to.
    assert.deepEqual(reals(m, "tcp 10.43.0.45:9000"), {});
    // Only serving-and-terminating endpoints: they are used (the fallback), the non-serving one is not.
    assert.deepEqual(reals(m, "tcp 10.43.0.46:80"), { "10.244.2.11:80": 1 });
    // UDP and an external IP.
    assert.deepEqual(reals(m, "udp 10.43.0.10:53"), { "10.244.1.2:53": 1 });
    assert.deepEqual(reals(m, "udp 198.51.100.7:53"), { "10.244.1.2:53": 1 });
    // Not proxied: headless and ExternalName.
    assert.equal([...m.virtualServers.keys()].filter((k) => k.includes("None")).length, 0);
  });

  it("keeps a terminating endpoint at weight 0 while ready ones take new connections", () => {
    const { services, slices } = fixtureCluster();
    const i = slices.findIndex((s) => s.metadata.name === "web-1");
    slices[i] = slice("ns1", "web", [{ name: "http", port: 8080 }], [{ ip: "10.244.1.5", node: "node-a" }, { ip: "10.244.2.7", ready: false, serving: true, terminating: true }]);
    const before = ipvsModel(table(fixtureCluster().services, fixtureCluster().slices), fixtureNode);
    const after = ipvsModel(table(services, slices), fixtureNode);
    assert.deepEqual(reals(after, "tcp 10.43.0.41:80"), { "10.244.1.5:8080": 1, "10.244.2.7:8080": 0 });
    assert.equal(renderIpvsadm(before.virtualServers, after.virtualServers), "-e -t 10.43.0.41:80 -r 10.244.2.7:8080 -m -w 0\n");
  });

  it("changes only what an endpoint change touches", () => {
    const { services, slices } = fixtureCluster();
    const before = ipvsModel(table(services, slices), fixtureNode);
    const web = slices.findIndex((s) => s.metadata.name === "web-1");
    slices[web] = slice("ns1", "web", [{ name: "http", port: 8080 }], [{ ip: "10.244.1.5", node: "node-a" }, { ip: "10.244.2.7" }, { ip: "10.244.2.13" }]);
    slices.push(slice("ns2", "empty", [{ port: 8080 }], [{ ip: "10.244.2.20" }]));
    const after = ipvsModel(table(services.filter((s) => s.metadata.name !== "dns"), slices), fixtureNode);
    const delta = `# ip -batch -\n${renderAddresses(before.addresses, after.addresses)}# ipvsadm-restore\n${renderIpvsadm(before.virtualServers, after.virtualServers)}# nft -f -\n${renderIpvsNftDelta(before, after)}`;
    golden("incremental.ipvs", delta);
    assert.match(delta, /^address del 10\.43\.0\.10\/32 dev k8ts-ipvs0$/m);
    assert.match(delta, /^-D -u 10\.43\.0\.10:53$/m);
    assert.match(delta, /^-a -t 10\.43\.0\.41:80 -r 10\.244\.2\.13:8080 -m -w 1$/m);
    // Nothing changed: nothing to do.
    const again = ipvsModel(table(services.filter((s) => s.metadata.name !== "dns"), slices), fixtureNode);
    assert.equal(renderAddresses(after.addresses, again.addresses) + renderIpvsadm(after.virtualServers, again.virtualServers) + renderIpvsNftDelta(after, again), "");
  });

  it("edits a virtual server whose affinity changes instead of re-creating it", () => {
    const { services, slices } = fixtureCluster();
    const before = ipvsModel(table(services, slices), fixtureNode);
    services.find((s) => s.metadata.name === "web")!.spec!.sessionAffinity = "ClientIP";
    const after = ipvsModel(table(services, slices), fixtureNode);
    assert.equal(renderIpvsadm(before.virtualServers, after.virtualServers), "-E -t 10.43.0.41:80 -s rr -p 10800\n");
  });

  it("reads ipvsadm-save back, and a full sync from the kernel's state changes nothing", () => {
    const { services, slices } = fixtureCluster();
    const m = ipvsModel(table(services, slices), fixtureNode);
    // ipvsadm-save prints what -A/-a made (weights, persistence) in the same shape.
    const saved = renderIpvsadm(undefined, m.virtualServers) + "-A -t 172.17.0.1:22 -s wlc\n-a -t 172.17.0.1:22 -r 10.0.0.9:22 -m -w 1\n";
    const kernel = parseIpvsadmSave(saved);
    assert.equal(kernel.size, m.virtualServers.size + 1);
    const mine = ours(kernel, m.addresses, new Set(fixtureNode.nodeIPs), new Set(["tcp 30080", "tcp 30443", "tcp 30088"]), new Set(["tcp 192.168.0.2:443"]));
    // Someone else's virtual server is not ours: a full sync never touches it.
    assert.equal(mine.has("tcp 172.17.0.1:22"), false);
    assert.equal(renderIpvsadm(mine, m.virtualServers), "");
    // Clean-up deletes exactly ours.
    const cleanup = renderIpvsadm(mine, new Map());
    assert.equal(cleanup.split("\n").filter(Boolean).length, m.virtualServers.size);
    assert.doesNotMatch(cleanup, /172\.17\.0\.1/);
  });

  it("renders an nft table that nft accepts", { skip: nftUsable ? false : "needs root and nft (nft --check)" }, () => {
    const { services, slices } = fixtureCluster();
    const m = ipvsModel(table(services, slices), fixtureNode);
    const script = renderIpvsNft(m);
    // `--check` parses and validates against the kernel without committing; in a fresh namespace.
    const ns = `ipvs-check-${process.pid}`;
    assert.equal(spawnSync("ip", ["netns", "add", ns]).status, 0);
    try {
      const r = spawnSync("ip", ["netns", "exec", ns, "nft", "-c", "-f", "-"], { input: script.replace(/^delete table.*\n/m, ""), encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const delta = renderIpvsNftDelta(m, ipvsModel(table(services.filter((s) => s.metadata.name !== "dns"), slices), fixtureNode));
      const r2 = spawnSync("ip", ["netns", "exec", ns, "nft", "-c", "-f", "-"], { input: script.replace(/^delete table.*\n/m, "") + delta, encoding: "utf8" });
      assert.equal(r2.status, 0, r2.stderr);
    } finally {
      spawnSync("ip", ["netns", "del", ns]);
    }
  });
});
