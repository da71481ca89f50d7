// The serviceaccounts controller against the real API server (in-memory store): every
// namespace gets a "default" ServiceAccount, made again when deleted.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InformerFactory, resources, type Client } from "../../src/client/index.js";
import { ServiceAccountsController } from "../../src/controllers/serviceaccount/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { eventually, getOrUndefined } from "./_controller-helpers.js";

describe("serviceaccounts controller", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    const informers = new InformerFactory({ client });
    running = new ServiceAccountsController({ client, informers }).start(stop.signal);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("gives the system namespaces and a new namespace a default ServiceAccount", async () => {
    await client.create(resources.namespaces, { metadata: { name: "team-a" } });
    for (const ns of ["default", "kube-system", "team-a"]) {
      await eventually(`${ns} has default`, async () => !!(await getOrUndefined(client, resources.serviceaccounts, "default", ns)));
    }
  });

  it("makes the default ServiceAccount again when it is deleted", async () => {
    await client.create(resources.namespaces, { metadata: { name: "team-b" } });
    await eventually("team-b has default", async () => !!(await getOrUndefined(client, resources.serviceaccounts, "default", "team-b")));
    const first = await client.get(resources.serviceaccounts, "default", { namespace: "team-b" });
    await client.delete(resources.serviceaccounts, "default", { namespace: "team-b" });
    await eventually("default is back", async () => {
      const sa = await getOrUndefined(client, resources.serviceaccounts, "default", "team-b");
      return !!sa && sa.metadata.uid !== first.metadata.uid;
    });
  });

  it("leaves other ServiceAccounts alone", async () => {
    await client.create(resources.serviceaccounts, { metadata: { name: "robot", namespace: "team-a" } });
    await client.delete(resources.serviceaccounts, "robot", { namespace: "team-a" });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await getOrUndefined(client, resources.serviceaccounts, "robot", "team-a"), undefined);
  });
});
