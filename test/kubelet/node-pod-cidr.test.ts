// A real agent's Node gets its pod CIDR from the controller manager's node IPAM controller
// (as upstream's kubelet, it does not pick one), and keeps it when it registers again.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "../../src/api/index.js";
import { InformerFactory, resource, type Client } from "../../src/client/index.js";
import { NodeIpamController } from "../../src/controllers/nodeipam/index.js";
import { NodeAgent } from "../../src/kubelet/node/node-agent.js";
import type { MachineInfo } from "../../src/kubelet/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const nodes = resource<Node>("", "v1", "nodes", "Node", false);
const machine: MachineInfo = {
  cpus: 2,
  memoryBytes: 4 << 30,
  ephemeralStorageBytes: 20 << 30,
  machineID: "m",
  systemUUID: "u",
  bootID: "b",
  kernelVersion: "6.1.0",
  osImage: "Debian GNU/Linux 12 (bookworm)",
  operatingSystem: "linux",
  architecture: "amd64",
  hostname: "n1",
  internalIP: "10.98.0.11",
};
const health = { runtimeReady: true, networkReady: true, memoryPressure: false, diskPressure: false, pidPressure: false };

describe("NodeAgent with podCidrFromController", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
  });
  after(async () => {
    stop.abort();
    await server.close();
  });

  const agent = (name: string) => new NodeAgent({ client, nodeName: name, machine: { ...machine, hostname: name }, health: () => health, containerRuntimeVersion: () => "containerd://1.6", podCidrFromController: true });

  it("creates the Node without spec.podCIDR and waits until the node IPAM controller sets it", async () => {
    const registering = agent("n1").register(stop.signal);
    let done = false;
    void registering.then(() => (done = true));
    const end = Date.now() + 5000;
    while (!(await client.list(nodes)).items.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await client.get(nodes, "n1")).spec?.podCIDR, undefined, "the agent does not pick one");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(done, false, "register waits for the CIDR");
    const informers = new InformerFactory({ client });
    void new NodeIpamController({ client, informers, clusterCidr: "10.42.0.0/16" }).start(stop.signal);
    informers.start(stop.signal);
    const node = await registering;
    assert.equal(node.spec?.podCIDR, "10.42.0.0/24");
  });

  it("keeps the Node's CIDR when it registers again", async () => {
    const node = await agent("n1").register(stop.signal);
    assert.equal(node.spec?.podCIDR, "10.42.0.0/24");
    assert.deepEqual(node.spec?.podCIDRs, ["10.42.0.0/24"]);
  });
});
