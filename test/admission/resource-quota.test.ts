// ResourceQuota: the controller fills status.hard/used, admission refuses what would exceed
// a quota with upstream's 403, requires requests/limits a quota tracks, and usage follows
// deletions (test/e2e/apimachinery/resource_quota.go's expectations).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ResourceQuota } from "../../src/api/index.js";
import { resourceQuotaAdmission } from "../../src/apiserver/index.js";
import { EventRecorder, InformerFactory, resources, type Client } from "../../src/client/index.js";
import { ReplicaSetController } from "../../src/controllers/replicaset/index.js";
import { ResourceQuotaController } from "../../src/controllers/resourcequota/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNamespace, eventually, expectForbidden, pod } from "./_helpers.js";

const quota = (name: string, namespace: string, hard: Record<string, string>, extra: Partial<NonNullable<ResourceQuota["spec"]>> = {}): ResourceQuota => ({
  apiVersion: "v1",
  kind: "ResourceQuota",
  metadata: { name, namespace },
  spec: { hard, ...extra },
});

async function usedOf(client: Client, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  return ((await client.get(resources.resourcequotas, name, { namespace })) as ResourceQuota).status?.used;
}

const withResources = (name: string, namespace: string, requests?: Record<string, string>, limits?: Record<string, string>) =>
  pod(name, namespace, { containers: [{ name: "app", image: "busybox", resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } }] });

describe("ResourceQuota admission and controller", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;
  before(async () => {
    server = await startTestApiServer({ store: "memory", admission: [resourceQuotaAdmission] });
    client = server.client;
    const informers = new InformerFactory({ client });
    running = Promise.all([
      new ResourceQuotaController({ client, informers }).start(stop.signal),
      new ReplicaSetController({ client, informers, kind: "ReplicationController", events: new EventRecorder({ client, component: "replication-controller" }) }).start(stop.signal),
    ]).then(() => undefined);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("calculates status promptly: hard from spec, used per resource", async () => {
    await createNamespace(client, "q1");
    await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "before", namespace: "q1" } });
    await client.create(resources.resourcequotas, quota("counts", "q1", { pods: "2", configmaps: "5", "count/secrets": "3", services: "1", "requests.cpu": "1" }));
    const status = await eventually("status", async () => ((await client.get(resources.resourcequotas, "counts", { namespace: "q1" })) as ResourceQuota).status?.used && (await client.get(resources.resourcequotas, "counts", { namespace: "q1" })));
    assert.deepEqual((status as ResourceQuota).status, {
      hard: { pods: "2", configmaps: "5", "count/secrets": "3", services: "1", "requests.cpu": "1" },
      used: { configmaps: "1", "count/secrets": "0", pods: "0", "requests.cpu": "0", services: "0" },
    });
  });

  it("stops the pod over the limit with upstream's message and counts the admitted ones", async () => {
    const p = (name: string) => withResources(name, "q1", { cpu: "100m" });
    await client.create(resources.pods, p("a"));
    await client.create(resources.pods, p("b"));
    assert.equal((await usedOf(client, "q1", "counts"))?.pods, "2", "admission charges at once");
    await expectForbidden(() => client.create(resources.pods, p("c")), 'pods "c" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2');
    await assert.rejects(client.get(resources.pods, "c", { namespace: "q1" }), /not found/);
    await eventually("requests.cpu counted", async () => (await usedOf(client, "q1", "counts"))?.["requests.cpu"] === "200m");
  });

  it("gives quota back when objects go away", async () => {
    await client.delete(resources.pods, "a", { namespace: "q1", gracePeriodSeconds: 0 });
    await eventually("pods back to 1", async () => (await usedOf(client, "q1", "counts"))?.pods === "1");
    await client.create(resources.pods, withResources("c", "q1", { cpu: "100m" }));
  });

  it("requires the requests and limits a quota tracks", async () => {
    await expectForbidden(() => client.create(resources.pods, pod("bare", "q1")), 'pods "bare" is forbidden: failed quota: counts: must specify requests.cpu for: app');
  });

  it("charges requested resources against their hard limits", async () => {
    await createNamespace(client, "q2");
    await client.create(resources.resourcequotas, quota("compute", "q2", { "requests.memory": "1Gi", "limits.memory": "2Gi" }));
    await eventually("status", async () => (await usedOf(client, "q2", "compute")) !== undefined);
    await client.create(resources.pods, withResources("m1", "q2", { memory: "768Mi" }, { memory: "1Gi" }));
    await expectForbidden(
      () => client.create(resources.pods, withResources("m2", "q2", { memory: "512Mi" }, { memory: "512Mi" })),
      'pods "m2" is forbidden: exceeded quota: compute, requested: requests.memory=512Mi, used: requests.memory=768Mi, limited: requests.memory=1Gi',
    );
  });

  it("counts object kinds and services by type", async () => {
    await client.create(resources.services, { apiVersion: "v1", kind: "Service", metadata: { name: "s1", namespace: "q1" }, spec: { ports: [{ port: 80 }] } });
    await expectForbidden(
      () => client.create(resources.services, { apiVersion: "v1", kind: "Service", metadata: { name: "s2", namespace: "q1" }, spec: { ports: [{ port: 80 }] } }),
      'services "s2" is forbidden: exceeded quota: counts, requested: services=1, used: services=1, limited: services=1',
    );
    for (const n of ["x", "y", "z"]) await client.create(resources.secrets, { apiVersion: "v1", kind: "Secret", metadata: { name: n, namespace: "q1" } });
    await expectForbidden(() => client.create(resources.secrets, { apiVersion: "v1", kind: "Secret", metadata: { name: "w", namespace: "q1" } }), 'secrets "w" is forbidden: exceeded quota: counts, requested: count/secrets=1, used: count/secrets=3, limited: count/secrets=3');
  });

  it("applies scoped quotas only to the pods they select", async () => {
    await createNamespace(client, "q3");
    await client.create(resources.resourcequotas, quota("best-effort", "q3", { pods: "1" }, { scopes: ["BestEffort"] }));
    await eventually("status", async () => (await usedOf(client, "q3", "best-effort")) !== undefined);
    await client.create(resources.pods, pod("be1", "q3"));
    await expectForbidden(() => client.create(resources.pods, pod("be2", "q3")), 'pods "be2" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1');
    // A pod with requests is not BestEffort: the quota does not apply.
    await client.create(resources.pods, withResources("burst", "q3", { cpu: "10m" }));
  });

  it("puts back a status someone else wrote, as the conformance test's status patches expect", async () => {
    const q = (await client.get(resources.resourcequotas, "compute", { namespace: "q2" })) as ResourceQuota;
    const patched = (await client.updateStatus(resources.resourcequotas, { ...q, status: { hard: { "requests.memory": "2Gi", "limits.memory": "4Gi" } } })) as ResourceQuota;
    assert.equal(patched.status?.hard?.["requests.memory"], "2Gi");
    assert.equal(patched.spec?.hard?.["requests.memory"], "1Gi", "a status write leaves spec alone");
    await eventually("status reset", async () => {
      const now = (await client.get(resources.resourcequotas, "compute", { namespace: "q2" })) as ResourceQuota;
      return now.status?.hard?.["requests.memory"] === "1Gi" && now.status?.used?.["requests.memory"] === "768Mi";
    });
  });

  it("surfaces exceeded quota on a ReplicationController as ReplicaFailure, cleared once it fits (test/e2e/apps/rc.go)", async () => {
    await createNamespace(client, "q4");
    await client.create(resources.resourcequotas, quota("condition-test", "q4", { pods: "2" }));
    await eventually("status", async () => (await usedOf(client, "q4", "condition-test")) !== undefined);
    const rc = (replicas: number) => ({
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "condition-test", namespace: "q4" },
      spec: { replicas, selector: { name: "condition-test" }, template: { metadata: { labels: { name: "condition-test" } }, spec: { containers: [{ name: "httpd", image: "busybox" }] } } },
    });
    await client.create(resources.replicationcontrollers, rc(3));
    type Rc = { spec: { replicas: number }; status?: { conditions?: { type: string; reason?: string; message?: string }[] } };
    const failure = await eventually("ReplicaFailure", async () => ((await client.get(resources.replicationcontrollers, "condition-test", { namespace: "q4" })) as unknown as Rc).status?.conditions?.find((c) => c.type === "ReplicaFailure"));
    assert.equal(failure.reason, "FailedCreate");
    assert.match(failure.message ?? "", /exceeded quota: condition-test, requested: pods=1, used: pods=2, limited: pods=2/);
    const current = (await client.get(resources.replicationcontrollers, "condition-test", { namespace: "q4" })) as unknown as Rc & { metadata: object };
    await client.update(resources.replicationcontrollers, { ...(current as object), spec: { ...current.spec, replicas: 2 } } as never);
    await eventually("condition cleared", async () => !((await client.get(resources.replicationcontrollers, "condition-test", { namespace: "q4" })) as unknown as Rc).status?.conditions?.some((c) => c.type === "ReplicaFailure"), 15_000);
  });

  it("admits exactly as many concurrent creates as the quota allows", async () => {
    await createNamespace(client, "q5");
    await client.create(resources.resourcequotas, quota("ten", "q5", { "count/configmaps": "10" }));
    await eventually("status", async () => (await usedOf(client, "q5", "ten")) !== undefined);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => server.httpClient.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i}`, namespace: "q5" } })),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 10);
    for (const r of results) if (r.status === "rejected") assert.match(String(r.reason), /exceeded quota: ten, requested: count\/configmaps=1, used: count\/configmaps=10, limited: count\/configmaps=10/);
    assert.equal((await usedOf(client, "q5", "ten"))?.["count/configmaps"], "10");
  });

  it("follows spec changes to hard", async () => {
    const q = (await client.get(resources.resourcequotas, "best-effort", { namespace: "q3" })) as ResourceQuota;
    await client.update(resources.resourcequotas, { ...q, spec: { ...q.spec, hard: { pods: "3" } } });
    await eventually("hard updated", async () => ((await client.get(resources.resourcequotas, "best-effort", { namespace: "q3" })) as ResourceQuota).status?.hard?.pods === "3");
    await client.create(resources.pods, pod("be2", "q3"));
  });
});
