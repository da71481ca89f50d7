// What admission plugins read (src/apiserver/admission/_lookup.ts) is as current as the
// store whether it comes from the watch cache or from the store itself, and ResourceQuota
// charges an update only for the kinds whose usage an update can grow (upstream's
// evaluators' Handles: Services and claims; object counts only on create).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinRegistry, type Lease, type LimitRange, type Pod, type ResourceQuota, type Service } from "../../src/api/index.js";
import { limitRanger, resourceQuotaAdmission, startApiServer, type RunningApiServer } from "../../src/apiserver/index.js";
import { Client, inProcessTransport, resources } from "../../src/client/index.js";
import { ensurePki } from "../../src/cmd/pki.js";
import { MemoryStore } from "../../src/storage/index.js";
import { createNamespace, expectForbidden, pod } from "./_helpers.js";

const limitRange = (namespace: string): LimitRange => ({
  apiVersion: "v1",
  kind: "LimitRange",
  metadata: { name: "defaults", namespace },
  spec: { limits: [{ type: "Container", defaultRequest: { cpu: "150m" } }] },
});

const lease = (name: string, namespace: string): Lease => ({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace }, spec: { holderIdentity: name, leaseDurationSeconds: 40 } });

/** A quota whose status the test writes itself (no controller runs here). */
async function quotaWithStatus(client: Client, namespace: string, name: string, hard: Record<string, string>, used?: Record<string, string>): Promise<void> {
  const q = await client.create(resources.resourcequotas, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name, namespace }, spec: { hard } } as ResourceQuota);
  await client.updateStatus(resources.resourcequotas, { ...q, status: { hard, ...(used ? { used } : {}) } });
}

for (const watchCache of [true, false]) {
  describe(`admission reads (watch cache ${watchCache ? "on" : "off"})`, () => {
    let dataDir: string;
    let store: MemoryStore;
    let running: RunningApiServer;
    let client: Client;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), "k8ts-admission-reads-"));
      const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
      store = new MemoryStore();
      running = await startApiServer({
        store,
        registry: builtinRegistry(),
        tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert },
        host: "127.0.0.1",
        port: 0,
        admission: [limitRanger, resourceQuotaAdmission],
        watchCache,
      });
      client = new Client({ transport: inProcessTransport(running.handler) });
    });
    after(async () => {
      await running.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("applies a LimitRange to the very next pod after it is created", async () => {
      for (let i = 0; i < 10; i++) {
        const ns = `lr-${i}`;
        await createNamespace(client, ns);
        await client.create(resources.limitranges, limitRange(ns));
        const p = (await client.create(resources.pods, pod("p", ns))) as Pod;
        assert.equal(p.spec?.containers[0]?.resources?.requests?.cpu, "150m", `namespace ${ns}`);
      }
    });

    it("refuses the very next create once a quota is full, and sees each charge before the next check", async () => {
      await createNamespace(client, "rq");
      await quotaWithStatus(client, "rq", "cms", { "count/configmaps": "3" }, { "count/configmaps": "0" });
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace: "rq" } })));
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
      const q = (await client.get(resources.resourcequotas, "cms", { namespace: "rq" })) as ResourceQuota;
      assert.equal(q.status?.used?.["count/configmaps"], "3");
    });

    it("does not charge (or even check) an update of a kind that counts only objects", async () => {
      await createNamespace(client, "leases");
      const held = (await client.create(resources.leases, lease("node-1", "leases"))) as Lease;
      // A quota whose usage is unknown refuses what it tracks, so a create is refused…
      await quotaWithStatus(client, "leases", "count", { "count/leases.coordination.k8s.io": "10" });
      await expectForbidden(() => client.create(resources.leases, lease("node-2", "leases")), 'leases.coordination.k8s.io "node-2" is forbidden: status unknown for quota: count, resources: count/leases.coordination.k8s.io');
      // …while a renewal passes: an update never adds an object.
      const renewed = (await client.update(resources.leases, { ...held, spec: { ...held.spec, renewTime: "2026-01-01T00:00:00.000000Z" } })) as Lease;
      assert.equal(renewed.spec?.renewTime, "2026-01-01T00:00:00.000000Z");
    });

    it("charges an update that grows a Service's usage", async () => {
      await createNamespace(client, "svc");
      const svc = (await client.create(resources.services, { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "svc" }, spec: { ports: [{ port: 80 }] } } as Service)) as Service;
      await quotaWithStatus(client, "svc", "ports", { "services.nodeports": "0" }, { "services.nodeports": "0" });
      await expectForbidden(
        () => client.update(resources.services, { ...svc, spec: { ...svc.spec, type: "NodePort" } }),
        'services "web" is forbidden: exceeded quota: ports, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0',
      );
    });
  });
}
