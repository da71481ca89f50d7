// The disruption controller and the eviction API's budget check against the in-memory
// API server: status arithmetic for minAvailable/maxUnavailable (ints and percentages,
// against the owning controller's replicas), evictions that spend the budget, the 429
// with a DisruptionBudget cause when it is spent, and pods that need no budget.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod, PodDisruptionBudget, ReplicaSet } from "../../src/api/index.js";
import { InformerFactory, resource, resources } from "../../src/client/index.js";
import { systemUser } from "../../src/apiserver/index.js";
import { DisruptionController } from "../../src/controllers/disruption/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { eventually } from "./_controller-helpers.js";

const pdbs = resource<PodDisruptionBudget>("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true);
const pods = resource<Pod>("", "v1", "pods", "Pod", true);
const ns = "budgets";

describe("disruption controller and evictions", () => {
  let api: TestApiServer;
  const stop = new AbortController();
  let done: Promise<void>;

  async function runningPod(name: string, labels: Record<string, string>, owner?: ReplicaSet, ready = true): Promise<Pod> {
    const created = await api.client.create(pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: ns, labels, ownerReferences: owner ? [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }] : undefined },
      spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }] },
    });
    return api.client.updateStatus(pods, { ...created, status: { ...created.status, phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
  }

  async function evict(name: string) {
    return api.handler({ method: "POST", path: `/api/v1/namespaces/${ns}/pods/${name}/eviction`, query: {}, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: ns } }, user: systemUser });
  }

  async function settled(name: string, check: (s: NonNullable<PodDisruptionBudget["status"]>) => boolean): Promise<NonNullable<PodDisruptionBudget["status"]>> {
    let got: NonNullable<PodDisruptionBudget["status"]> | undefined;
    await eventually(`${name} status`, async () => {
      const p = await api.client.get(pdbs, name, { namespace: ns });
      got = p.status && p.status.observedGeneration === p.metadata.generation && check(p.status) ? p.status : undefined;
      return got !== undefined;
    });
    return got!;
  }

  before(async () => {
    api = await startTestApiServer({ store: "memory" });
    await api.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    await api.client.create(resources.serviceaccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } });
    const informers = new InformerFactory({ client: api.client });
    done = new DisruptionController({ client: api.client, informers }).start(stop.signal);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await done;
    await api.close();
  });

  it("minAvailable 2 of three ready pods allows one eviction, then answers 429 with the budget's numbers", async () => {
    for (const n of ["web-1", "web-2", "web-3"]) await runningPod(n, { app: "web" });
    await api.client.create(pdbs, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: ns }, spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } } });
    const s = await settled("web", (st) => st.currentHealthy === 3);
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed], [3, 2, 3, 1]);
    assert.equal(s.conditions?.find((c) => c.type === "DisruptionAllowed")?.reason, "SufficientPods");

    const first = await evict("web-1");
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const after1 = await api.client.get(pdbs, "web", { namespace: ns });
    assert.equal(after1.status?.disruptionsAllowed, 0, "the eviction spent the budget");
    assert.ok(after1.status?.disruptedPods?.["web-1"]);

    const second = await evict("web-2");
    assert.equal(second.status, 429);
    const body = second.body as { message: string; details: { causes: { reason: string; message: string }[] } };
    assert.equal(body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(body.details.causes, [{ reason: "DisruptionBudget", message: "The disruption budget web needs 2 healthy pods and has 2 currently" }]);
    assert.ok(await api.client.get(resources.pods, "web-2", { namespace: ns }), "the pod stays");
  });

  it("maxUnavailable as a percentage counts the owning ReplicaSet's replicas, not just the pods there are", async () => {
    const rs = await api.client.create(resources.replicasets, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "api", namespace: ns },
      spec: { replicas: 4, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
    });
    for (const n of ["api-1", "api-2", "api-3"]) await runningPod(n, { app: "api" }, rs);
    await api.client.create(pdbs, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "api", namespace: ns }, spec: { maxUnavailable: "25%", selector: { matchLabels: { app: "api" } } } });
    const s = await settled("api", (st) => st.currentHealthy === 3);
    // 4 expected, 25% of 4 = 1 may be unavailable: 3 must be healthy; 3 are: none may go.
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.disruptionsAllowed], [4, 3, 0]);
    assert.equal((await evict("api-1")).status, 429);
  });

  it("pods that are not running, and pods no budget selects, are evicted at once", async () => {
    const pending = await api.client.create(pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "web-pending", namespace: ns, labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "busybox" }] } });
    assert.equal(pending.status?.phase, "Pending");
    assert.equal((await evict("web-pending")).status, 201);
    await runningPod("loner", { app: "loner" });
    assert.equal((await evict("loner")).status, 201);
  });
});
