// The EndpointSlice controller against the real API server (in-memory store), as
// test/e2e/network/endpointslice.go checks: names, labels, owner, conditions, zones,
// ports per pod, 100 endpoints a slice, and the placeholder slice.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice, KubeObject } from "../../src/api/index.js";
import { InformerFactory, resources, type Client } from "../../src/client/index.js";
import { EndpointSliceController } from "../../src/controllers/endpointslice/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createNode, createPod, eventually, setPodRunning } from "./_controller-helpers.js";

const ns = "default";

function service(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns, labels: { team: "x" } }, spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }], ...spec } };
}

async function slicesOf(client: Client, svc: string): Promise<EndpointSlice[]> {
  return (await client.list(resources.endpointslices, { namespace: ns, labelSelector: `kubernetes.io/service-name=${svc}` })).items as EndpointSlice[];
}

const endpointCount = (slices: EndpointSlice[]): number => slices.reduce((n, s) => n + (s.endpoints ?? []).length, 0);

describe("endpointslice controller", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    await createNode(client, "node-a", { labels: { "topology.kubernetes.io/zone": "zone-1" } });
    await createNode(client, "node-b");
    const informers = new InformerFactory({ client });
    running = new EndpointSliceController({ client, informers }).start(stop.signal);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("makes one slice named <svc>-<random> with labels, owner, endpoints and named ports", async () => {
    const svc = await client.create(resources.services, service("web", { selector: { app: "web" } }));
    const a = await createPod(client, ns, "web-a", { labels: { app: "web" }, nodeName: "node-a" });
    const b = await createPod(client, ns, "web-b", { labels: { app: "web" }, nodeName: "node-b" });
    await setPodRunning(client, a, "10.244.0.5", true);
    await setPodRunning(client, b, "10.244.0.6", false);
    await eventually("two endpoints", async () => endpointCount(await slicesOf(client, "web")) === 2);
    const [slice, ...others] = await slicesOf(client, "web");
    assert.equal(others.length, 0);
    assert.match(slice.metadata.name ?? "", /^web-[a-z0-9]{5}$/);
    assert.equal(slice.addressType, "IPv4");
    assert.deepEqual(slice.metadata.labels, { team: "x", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" });
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
    const byName = Object.fromEntries((slice.endpoints ?? []).map((e) => [e.targetRef?.name, e]));
    assert.deepEqual(byName["web-a"], {
      addresses: ["10.244.0.5"],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: "Pod", namespace: ns, name: "web-a", uid: a.metadata.uid },
      nodeName: "node-a",
      zone: "zone-1",
    });
    assert.deepEqual(byName["web-b"].conditions, { ready: false, serving: false, terminating: false });
    assert.equal(byName["web-b"].zone, undefined);
  });

  it("marks terminating pods terminating, not ready", async () => {
    await client.create(resources.services, service("term", { selector: { app: "term" } }));
    const p = await createPod(client, ns, "term-1", { labels: { app: "term" }, nodeName: "node-a" });
    await setPodRunning(client, p, "10.244.1.1", true);
    await eventually("listed", async () => endpointCount(await slicesOf(client, "term")) === 1);
    await client.delete(resources.pods, "term-1", { namespace: ns });
    await eventually("terminating", async () => (await slicesOf(client, "term"))[0]?.endpoints?.[0]?.conditions?.terminating === true);
    assert.deepEqual((await slicesOf(client, "term"))[0].endpoints?.[0].conditions, { ready: false, serving: true, terminating: true });
  });

  it("keeps an empty placeholder slice while no pod backs the Service, and drops it when one does", async () => {
    await client.create(resources.services, service("empty", { selector: { app: "empty" } }));
    await eventually("placeholder", async () => (await slicesOf(client, "empty")).length === 1);
    const [placeholder] = await slicesOf(client, "empty");
    assert.deepEqual(placeholder.endpoints ?? [], []);
    assert.deepEqual(placeholder.ports ?? [], []);
    const p = await createPod(client, ns, "empty-1", { labels: { app: "empty" }, nodeName: "node-b" });
    await setPodRunning(client, p, "10.244.2.1", true);
    await eventually("one real slice", async () => {
      const slices = await slicesOf(client, "empty");
      return slices.length === 1 && endpointCount(slices) === 1;
    });
  });

  it("puts pods whose named port resolves differently into different slices", async () => {
    await client.create(resources.services, service("named", { selector: { app: "named" }, ports: [{ name: "http", port: 80, targetPort: "web" }] }));
    const p1 = await createPod(client, ns, "named-1", { labels: { app: "named" }, ports: [{ name: "web", containerPort: 8080 }] });
    const p2 = await createPod(client, ns, "named-2", { labels: { app: "named" }, ports: [{ name: "web", containerPort: 9090 }] });
    await setPodRunning(client, p1, "10.244.3.1", true);
    await setPodRunning(client, p2, "10.244.3.2", true);
    await eventually("two slices", async () => endpointCount(await slicesOf(client, "named")) === 2);
    const slices = await slicesOf(client, "named");
    assert.deepEqual(slices.map((s) => [s.ports?.[0].port, s.endpoints?.[0].addresses[0]]).sort(), [
      [8080, "10.244.3.1"],
      [9090, "10.244.3.2"],
    ]);
  });

  it("holds at most 100 endpoints a slice", async () => {
    await client.create(resources.services, service("big", { selector: { app: "big" } }));
    for (let i = 0; i < 230; i++) {
      const p = await createPod(client, ns, `big-${i}`, { labels: { app: "big" }, nodeName: "node-b" });
      await setPodRunning(client, p, `10.245.${Math.floor(i / 200)}.${(i % 200) + 1}`, true);
    }
    await eventually("230 endpoints", async () => endpointCount(await slicesOf(client, "big")) === 230, 15_000);
    const sizes = (await slicesOf(client, "big")).map((s) => s.endpoints?.length ?? 0).sort((x, y) => y - x);
    assert.deepEqual(sizes, [100, 100, 30]);
  });

  it("writes a deleted slice again and removes the slices of a deleted Service", async () => {
    await client.create(resources.services, service("again", { selector: { app: "again" } }));
    const p = await createPod(client, ns, "again-1", { labels: { app: "again" }, nodeName: "node-a" });
    await setPodRunning(client, p, "10.244.4.1", true);
    await eventually("listed", async () => endpointCount(await slicesOf(client, "again")) === 1);
    const [first] = await slicesOf(client, "again");
    await client.delete(resources.endpointslices, first.metadata.name ?? "", { namespace: ns });
    await eventually("a new slice", async () => {
      const slices = await slicesOf(client, "again");
      return slices.length === 1 && slices[0].metadata.uid !== first.metadata.uid && endpointCount(slices) === 1;
    });
    await client.delete(resources.services, "again", { namespace: ns });
    await eventually("slices gone", async () => (await slicesOf(client, "again")).length === 0);
  });

  it("leaves Services without a selector alone", async () => {
    await client.create(resources.services, service("manual", {}));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await slicesOf(client, "manual")).length, 0);
  });
});
