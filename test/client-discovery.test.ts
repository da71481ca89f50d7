// discoverResources against the real API server, over both transports.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { discoverResources } from "../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

describe("discoverResources on the API server", () => {
  let server: TestApiServer;
  before(async () => {
    server = await startTestApiServer({ store: "memory" });
  });
  after(async () => {
    await server.close();
  });

  for (const transport of ["in-process", "https"] as const) {
    it(`finds the built-in resources with their scope and verbs (${transport})`, async () => {
      const found = await discoverResources(transport === "https" ? server.httpClient : server.client);
      const byName = new Map(found.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));
      const pods = byName.get("/v1/pods");
      assert.ok(pods);
      assert.equal(pods.kind, "Pod");
      assert.equal(pods.namespaced, true);
      assert.ok(pods.verbs.includes("deletecollection"));
      assert.equal(byName.get("/v1/namespaces")?.namespaced, false);
      assert.equal(byName.get("apps/v1/replicasets")?.kind, "ReplicaSet");
      assert.ok(found.every((r) => !r.resource.includes("/")));
    });
  }
});
