import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { resources } from "../../src/client/index.js";
import { startFakeNodes, startTestApiServer, type FakeNodes, type TestApiServer } from "./index.js";

describe("fake nodes (test stand-ins for kubelets)", () => {
  let server: TestApiServer;
  let nodes: FakeNodes;
  before(async () => {
    server = await startTestApiServer();
    nodes = await startFakeNodes({ client: server.client, names: ["n1", "n2"], podOutcome: (p) => (p.metadata.name === "job" ? "succeed" : "run"), runMs: 20 });
  });
  after(async () => {
    await nodes.close();
    await server.close();
  });

  it("register Ready nodes with Leases and run bound pods", async () => {
    const node = await server.client.get(resources.nodes, "n1");
    assert.equal((node.status as { conditions: { type: string; status: string }[] }).conditions[0].status, "True");
    assert.ok(await server.client.get(resources.leases, "n2", { namespace: "kube-node-lease" }));
    for (const name of ["web", "job"]) {
      await server.client.create(resources.pods, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { nodeName: "n1", restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } });
    }
    const phase = async (name: string) => ((await server.client.get(resources.pods, name, { namespace: "default" })).status as { phase: string }).phase;
    for (let i = 0; i < 100 && ((await phase("web")) !== "Running" || (await phase("job")) !== "Succeeded"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await phase("web"), "Running");
    assert.equal(await phase("job"), "Succeeded");
    await server.client.delete(resources.pods, "web", { namespace: "default" });
    for (let i = 0; i < 100; i++) {
      const left = await server.client.list(resources.pods, { namespace: "default", fieldSelector: "metadata.name=web" });
      if (left.items.length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail("the graceful deletion was not finished by the fake node");
  });
});
