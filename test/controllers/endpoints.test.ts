// The endpoints controller against the real API server (in-memory store), as
// test/e2e/network/endpointslice.go and service.go check the Endpoints side.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints, KubeObject } from "../../src/api/index.js";
import { InformerFactory, resources, type Client } from "../../src/client/index.js";
import { EndpointsController, repackSubsets } from "../../src/controllers/endpoints/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { createPod, eventually, getOrUndefined, setPodRunning } from "./_controller-helpers.js";

const ns = "default";

function service(name: string, spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns, labels }, spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }], ...spec } };
}

async function endpointsOf(client: Client, name: string): Promise<Endpoints | undefined> {
  return (await getOrUndefined(client, resources.endpoints, name, ns)) as Endpoints | undefined;
}

const ips = (ep: Endpoints | undefined, field: "addresses" | "notReadyAddresses"): string[] => (ep?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip)).sort();

describe("endpoints controller", () => {
  let server: TestApiServer;
  let client: Client;
  const stop = new AbortController();
  let running: Promise<void>;

  before(async () => {
    server = await startTestApiServer({ store: "memory" });
    client = server.client;
    const informers = new InformerFactory({ client });
    running = new EndpointsController({ client, informers }).start(stop.signal);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await running;
    await server.close();
  });

  it("lists ready pods under addresses and unready ones under notReadyAddresses", async () => {
    await client.create(resources.services, service("web", { selector: { app: "web" } }, { tier: "front" }));
    const a = await createPod(client, ns, "web-a", { labels: { app: "web" }, nodeName: "node-1" });
    const b = await createPod(client, ns, "web-b", { labels: { app: "web" }, nodeName: "node-2" });
    const c = await createPod(client, ns, "web-c", { labels: { app: "web" }, nodeName: "node-2" });
    await createPod(client, ns, "other", { labels: { app: "other" } });
    await setPodRunning(client, a, "10.244.0.5", true);
    await setPodRunning(client, b, "10.244.0.6", true);
    await setPodRunning(client, c, "10.244.0.7", false);
    await eventually("three addresses", async () => {
      const ep = await endpointsOf(client, "web");
      return ips(ep, "addresses").length === 2 && ips(ep, "notReadyAddresses").length === 1;
    });
    const ep = (await endpointsOf(client, "web")) as Endpoints;
    assert.deepEqual(ips(ep, "addresses"), ["10.244.0.5", "10.244.0.6"]);
    assert.deepEqual(ips(ep, "notReadyAddresses"), ["10.244.0.7"]);
    assert.equal(ep.subsets?.length, 1);
    assert.deepEqual(ep.subsets?.[0].ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
    const first = ep.subsets?.[0].addresses?.[0];
    assert.deepEqual(first, { ip: "10.244.0.5", nodeName: "node-1", targetRef: { kind: "Pod", namespace: ns, name: "web-a", uid: a.metadata.uid } });
    assert.equal(ep.metadata.labels?.["endpoints.kubernetes.io/managed-by"], "endpoint-controller");
    assert.equal(ep.metadata.labels?.tier, "front", "the Service's labels are copied");
    assert.match(ep.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"] ?? "", /^\d{4}-\d\d-\d\dT/);
  });

  it("resolves a named targetPort per pod and splits pods with different ports into subsets", async () => {
    await client.create(resources.services, service("named", { selector: { app: "named" }, ports: [{ name: "http", port: 80, targetPort: "web" }] }));
    const p1 = await createPod(client, ns, "named-1", { labels: { app: "named" }, ports: [{ name: "web", containerPort: 8080 }] });
    const p2 = await createPod(client, ns, "named-2", { labels: { app: "named" }, ports: [{ name: "web", containerPort: 9090 }] });
    const p3 = await createPod(client, ns, "named-3", { labels: { app: "named" }, ports: [{ name: "metrics", containerPort: 9100 }] });
    await setPodRunning(client, p1, "10.244.1.1", true);
    await setPodRunning(client, p2, "10.244.1.2", true);
    await setPodRunning(client, p3, "10.244.1.3", true);
    await eventually("two subsets", async () => ((await endpointsOf(client, "named"))?.subsets ?? []).length === 2);
    const ep = (await endpointsOf(client, "named")) as Endpoints;
    const byPort = Object.fromEntries((ep.subsets ?? []).map((s) => [s.ports?.[0].port, (s.addresses ?? []).map((a) => a.ip)]));
    assert.deepEqual(byPort, { 8080: ["10.244.1.1"], 9090: ["10.244.1.2"] }, "a pod without the named port is left out");
  });

  it("leaves terminating pods out unless publishNotReadyAddresses, which also lists unready pods as ready", async () => {
    await client.create(resources.services, service("strict", { selector: { app: "term" } }));
    await client.create(resources.services, service("loose", { selector: { app: "term" }, publishNotReadyAddresses: true }));
    const p = await createPod(client, ns, "term-1", { labels: { app: "term" }, nodeName: "node-1" });
    const q = await createPod(client, ns, "term-2", { labels: { app: "term" }, nodeName: "node-1" });
    await setPodRunning(client, p, "10.244.2.1", true);
    await setPodRunning(client, q, "10.244.2.2", false);
    await eventually("loose lists both as ready", async () => ips(await endpointsOf(client, "loose"), "addresses").length === 2);
    await client.delete(resources.pods, "term-1", { namespace: ns }); // bound to a node: stays, terminating
    await eventually("strict drops the terminating pod", async () => {
      const ep = await endpointsOf(client, "strict");
      return ips(ep, "addresses").length === 0 && ips(ep, "notReadyAddresses").join() === "10.244.2.2";
    });
    assert.deepEqual(ips(await endpointsOf(client, "loose"), "addresses"), ["10.244.2.1", "10.244.2.2"]);
  });

  it("sets hostname for pods whose subdomain names the Service", async () => {
    await client.create(resources.services, service("db", { selector: { app: "db" }, clusterIP: "None" }));
    const p = await createPod(client, ns, "db-0", { labels: { app: "db" }, hostname: "db-0", subdomain: "db" });
    await setPodRunning(client, p, "10.244.3.1", true);
    await eventually("hostname set", async () => (await endpointsOf(client, "db"))?.subsets?.[0]?.addresses?.[0]?.hostname === "db-0");
    assert.equal((await endpointsOf(client, "db"))?.metadata.labels?.["service.kubernetes.io/headless"], "");
  });

  it("leaves Services without a selector alone and deletes Endpoints with their Service", async () => {
    await client.create(resources.services, service("manual", {}));
    await client.create(resources.endpoints, { metadata: { name: "manual", namespace: ns }, subsets: [{ addresses: [{ ip: "192.0.2.1" }], ports: [{ port: 80 }] }] });
    await client.create(resources.services, service("gone", { selector: { app: "gone" } }));
    await eventually("gone has Endpoints", async () => !!(await endpointsOf(client, "gone")));
    await client.delete(resources.services, "gone", { namespace: ns });
    await eventually("its Endpoints go", async () => !(await endpointsOf(client, "gone")));
    const manual = await endpointsOf(client, "manual");
    assert.deepEqual(ips(manual, "addresses"), ["192.0.2.1"]);
    assert.equal(manual?.metadata.labels?.["endpoints.kubernetes.io/managed-by"], undefined);
  });

  it("writes the Endpoints again when someone deletes them", async () => {
    await client.create(resources.services, service("again", { selector: { app: "again" } }));
    await eventually("made", async () => !!(await endpointsOf(client, "again")));
    const uid = (await endpointsOf(client, "again"))?.metadata.uid;
    await client.delete(resources.endpoints, "again", { namespace: ns });
    await eventually("made again", async () => {
      const ep = await endpointsOf(client, "again");
      return !!ep && ep.metadata.uid !== uid;
    });
  });
});

describe("repackSubsets", () => {
  it("groups addresses by the ports they offer, ready and not ready apart", () => {
    const a = { ip: "10.0.0.1", targetRef: { uid: "a" } };
    const b = { ip: "10.0.0.2", targetRef: { uid: "b" } };
    const p80 = { name: "http", port: 80, protocol: "TCP" };
    const p443 = { name: "https", port: 443, protocol: "TCP" };
    const out = repackSubsets([
      { addresses: [a], ports: [p80] },
      { addresses: [a], ports: [p443] },
      { addresses: [b], ports: [p80] },
      { notReadyAddresses: [b], ports: [p443] },
    ]);
    assert.deepEqual(out, [
      { addresses: [a, b], ports: [p80] },
      { addresses: [a], notReadyAddresses: [b], ports: [p443] },
    ]);
  });
});
