// Allocation repair when several API servers share one store (etcd): a claim whose object
// another server is still writing must survive a server starting meanwhile.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { builtinRegistry } from "../../api/index.js";
import { MemoryStore } from "../../storage/index.js";
import { allocationsPrefix } from "./allocator.js";
import { repairAllocations } from "./repair.js";

const claim = (uid: string) => JSON.stringify({ resource: "/registry/core/services/", uid });

describe("allocation repair on a shared store (leakGraceMs)", () => {
  it("frees an unheld claim only after the grace, and keeps one whose object was written meanwhile", async () => {
    const store = new MemoryStore();
    const registry = builtinRegistry();
    await store.create(`${allocationsPrefix}service-ipv4/10.43.0.40`, claim("leaked"));
    await store.create(`${allocationsPrefix}service-ipv4/10.43.0.41`, claim("in-flight"));
    assert.deepEqual(await repairAllocations(store, registry, { leakGraceMs: 100 }), { freed: 0, claimed: 0 });
    // The other server finishes its write: the object holding .41 appears.
    await store.create(
      "/registry/core/services/default/web",
      JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", uid: "in-flight" }, spec: { clusterIP: "10.43.0.41", clusterIPs: ["10.43.0.41"], ports: [{ port: 80 }] } }),
    );
    assert.ok((await store.get(`${allocationsPrefix}service-ipv4/10.43.0.40`)).kv, "not freed before the grace");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await store.get(`${allocationsPrefix}service-ipv4/10.43.0.40`)).kv, undefined, "the leak is freed after the grace");
    assert.ok((await store.get(`${allocationsPrefix}service-ipv4/10.43.0.41`)).kv, "the in-flight claim is kept");
    await store.close();
  });
});
