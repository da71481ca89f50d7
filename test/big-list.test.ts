/**
 * A LIST too big for one JSON string (150,000 pods are ~500 MB) is written item by item,
 * chunked: over HTTPS it must read back exactly as the in-process answer, with the List's
 * own fields (resourceVersion) intact.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { httpTransport, resources, type HttpTransport } from "../src/client/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

describe("big LIST over HTTPS", () => {
  let server: TestApiServer;
  let transport: HttpTransport;
  before(async () => {
    server = await startTestApiServer();
    transport = httpTransport({ server: server.url, ca: server.pki.ca.cert, cert: server.pki.admin.cert, key: server.pki.admin.key });
  });
  after(async () => {
    transport.close();
    await server.close();
  });

  it("reads back 2,500 ConfigMaps exactly as the in-process list", async () => {
    const local = server.client;
    const value = "x".repeat(600); // ~1.6 MB in all: several large writes
    for (let i = 0; i < 2500; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => local.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i + j}`, namespace: "default" }, data: { value } })));
    }
    const response = await transport({ method: "GET", path: "/api/v1/namespaces/default/configmaps", query: { resourceVersion: "" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers?.["content-length"], undefined, "a big list is chunked");
    const body = response.body as { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: Array<{ metadata: { name: string }; data: { value: string } }> };
    const expected = await local.list(resources.configmaps, { namespace: "default" });
    assert.equal(body.kind, "ConfigMapList");
    assert.equal(body.apiVersion, "v1");
    assert.ok(Number(body.metadata.resourceVersion) > 0);
    assert.ok(body.items.length >= 2500);
    assert.deepEqual(body.items.map((c) => c.metadata.name), expected.items.map((c) => c.metadata.name));
    assert.ok(body.items.every((c) => !c.metadata.name.startsWith("c") || c.data.value === value));
    // The connection still carries the next request (nothing left needing drain).
    const again = await transport({ method: "GET", path: "/api/v1/namespaces/default/configmaps/c7", query: {} });
    assert.equal(again.status, 200);
  });
});
