// DefaultTolerationSeconds: not-ready and unreachable NoExecute tolerations for 300 s.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../src/api/index.js";
import { defaultTolerationSecondsAdmission } from "../../src/apiserver/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNamespace, pod } from "./_helpers.js";

const ns = "tol";
const notReady = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };
const unreachable = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };

describe("DefaultTolerationSeconds admission", () => {
  let server: TestApiServer;
  let client: Client;
  before(async () => {
    server = await startTestApiServer({ store: "memory", admission: [defaultTolerationSecondsAdmission()] });
    client = server.client;
    await createNamespace(client, ns);
  });
  after(() => server.close());

  it("adds both tolerations to a pod that has neither", async () => {
    const created = (await client.create(resources.pods, pod("plain", ns))) as Pod;
    assert.deepEqual(created.spec!.tolerations, [notReady, unreachable]);
  });

  it("keeps the pod's own toleration of a taint and adds only the other", async () => {
    const own = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 6000 };
    const created = (await client.create(resources.pods, pod("own", ns, { tolerations: [own] }))) as Pod;
    assert.deepEqual(created.spec!.tolerations, [own, notReady]);
  });

  it("adds nothing when the pod tolerates every taint", async () => {
    const created = (await client.create(resources.pods, pod("all", ns, { tolerations: [{ operator: "Exists" }] }))) as Pod;
    assert.deepEqual(created.spec!.tolerations, [{ operator: "Exists" }]);
  });
});
