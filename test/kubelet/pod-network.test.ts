// The pod network reconciler against the real API server (in-memory store), with the
// commands recorded instead of run: it waits for its own Node's IP and CIDR, starts from a
// clean slate, follows Nodes joining and leaving.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "../../src/api/index.js";
import { resource, type Client } from "../../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { commandLine, startPodNetwork, type NetCommand, type RunningPodNetwork } from "../../src/kubelet/network/index.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const node = (name: string, ip: string, podCIDR: string): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  spec: { podCIDR, podCIDRs: [podCIDR] },
  status: { addresses: [{ type: "InternalIP", address: ip }] },
});

async function eventually(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("startPodNetwork", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  const ran: string[] = [];
  let net: RunningPodNetwork;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    await client.create(nodes, node("b", "10.99.0.3", "10.42.1.0/24"));
    net = startPodNetwork({
      client,
      nodeName: "a",
      signal: stop.signal,
      exec: async (c: NetCommand) => void ran.push(commandLine(c)),
      onLink: async (ip) => ip.startsWith("10.99.0."),
    });
  });
  after(async () => {
    stop.abort();
    await net.done;
    await server.close();
  });

  it("does nothing until its own Node has an InternalIP and a pod CIDR", async () => {
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(ran, []);
  });

  it("then clears what an earlier run left and routes to the other nodes", async () => {
    await client.create(nodes, node("a", "10.99.0.2", "10.42.0.0/24"));
    await eventually("routes programmed", () => ran.length >= 3);
    assert.deepEqual(ran, ["ip route flush proto 75", "ip link del k8ts.vxlan", "ip route replace 10.42.1.0/24 via 10.99.0.3 proto 75"]);
  });

  it("adds VXLAN for a node off the link and removes it all when that node goes", async () => {
    ran.length = 0;
    await client.create(nodes, node("c", "172.30.0.9", "10.42.2.0/24"));
    await eventually("c programmed", () => ran.some((l) => l.startsWith("ip route replace 10.42.2.0/24")));
    assert.deepEqual(ran, [
      "ip link add k8ts.vxlan type vxlan id 1 local 10.99.0.2 dstport 8472 nolearning",
      "ip link set k8ts.vxlan address 02:6b:0a:63:00:02 up",
      "ip addr replace 10.42.0.0/32 dev k8ts.vxlan",
      "ip neigh replace 10.42.2.0 lladdr 02:6b:ac:1e:00:09 dev k8ts.vxlan nud permanent",
      "bridge fdb replace 02:6b:ac:1e:00:09 dev k8ts.vxlan dst 172.30.0.9 self permanent",
      "ip route replace 10.42.2.0/24 via 10.42.2.0 dev k8ts.vxlan onlink proto 75",
    ]);
    ran.length = 0;
    await client.delete(nodes, "c");
    await eventually("c removed", () => ran.length > 0);
    assert.deepEqual(ran, ["ip link del k8ts.vxlan"]);
    assert.deepEqual(net.applied()?.routes.map((r) => r.cidr), ["10.42.1.0/24"]);
  });
});
