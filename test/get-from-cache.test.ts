/**
 * GET with resourceVersion=0 is answered by the watch cache, as upstream's cacher: the
 * kubelet reads its Node that way every 10 s, so 5,000 nodes must not mean 500 store
 * reads a second. A GET without a resourceVersion still reads the store (most recent).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, resources } from "../src/client/index.js";
import { isApiError } from "../src/machinery/index.js";
import { MemoryStore, type Store } from "../src/storage/index.js";
import { startTestApiServer, type TestApiServer } from "./harness/index.js";

class CountingStore extends MemoryStore {
  gets = 0;
  override get(key: string, options?: Parameters<Store["get"]>[1]): ReturnType<Store["get"]> {
    if (key.startsWith("/registry/core/configmaps/")) this.gets++;
    return super.get(key, options);
  }
}

describe("GET resourceVersion=0 from the watch cache", () => {
  const store = new CountingStore();
  let server: TestApiServer;
  let client: Client;
  before(async () => {
    server = await startTestApiServer({ store });
    client = server.client;
  });
  after(() => server.close());

  it("answers from memory with the object's current resourceVersion, and 404 for a name it lacks", async () => {
    const created = await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c1", namespace: "default" }, data: { a: "1" } });
    const updated = await client.update(resources.configmaps, { ...created, data: { a: "2" } });
    // The cache follows the store's watch: wait until it has the update.
    for (let i = 0; i < 100; i++) {
      const got = await client.get(resources.configmaps, "c1", { namespace: "default", resourceVersion: "0" });
      if (got.metadata.resourceVersion === updated.metadata.resourceVersion) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const before = store.gets;
    const got = await client.get(resources.configmaps, "c1", { namespace: "default", resourceVersion: "0" });
    assert.equal(store.gets, before, "a GET at resourceVersion 0 read the store");
    assert.equal(got.metadata.resourceVersion, updated.metadata.resourceVersion);
    assert.deepEqual(got.data, { a: "2" });
    assert.equal(got.kind, "ConfigMap");
    await assert.rejects(client.get(resources.configmaps, "missing", { namespace: "default", resourceVersion: "0" }), (err: unknown) => isApiError(err, "NotFound"));
  });

  it("reads the store without a resourceVersion", async () => {
    const before = store.gets;
    const got = await client.get(resources.configmaps, "c1", { namespace: "default" });
    assert.deepEqual(got.data, { a: "2" });
    assert.ok(store.gets > before);
  });
});
