// Cluster DNS against a real API server: informers feed it, a stock resolver asks it.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import type { EndpointSlice, Service } from "../../src/api/index.js";
import { InformerFactory, resource, resources } from "../../src/client/index.js";
import { ensureKubeDnsService, startClusterDns } from "../../src/dns/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const slices = resource<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe("cluster DNS fed by the API", () => {
  let api: TestApiServer;
  const stop = new AbortController();
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  let port = 0;

  before(async () => {
    api = await startTestApiServer({ store: "memory" });
    const { client } = api;
    await client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    await client.create(services, { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80 }] } });
    await client.create(services, { apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "shop" }, spec: { clusterIP: "None", selector: { app: "db" }, ports: [{ name: "pg", port: 5432 }] } });
    await client.create(slices, {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "db-1", namespace: "shop", labels: { "kubernetes.io/service-name": "db" } },
      addressType: "IPv4",
      ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
      endpoints: [{ addresses: ["10.42.0.5"], hostname: "db-0", conditions: { ready: true } }],
    });
    const informers = new InformerFactory({ client });
    const dns = await startClusterDns({ informers, host: "127.0.0.1", port: 0, upstreams: [] }, stop.signal);
    informers.start(stop.signal);
    await informers.waitForSync(stop.signal);
    port = dns.port;
    resolver.setServers([`127.0.0.1:${port}`]);
  });
  after(async () => {
    stop.abort();
    await api?.close();
  });

  it("resolves a Service to its allocated ClusterIP", async () => {
    const web = await api.client.get(services, "web", { namespace: "shop" });
    assert.deepEqual(await resolver.resolve4("web.shop.svc.cluster.local"), [web.spec!.clusterIP]);
  });

  it("resolves the kubernetes Service to the first address of the range", async () => {
    assert.deepEqual(await resolver.resolve4("kubernetes.default.svc.cluster.local"), ["10.43.0.1"]);
  });

  it("answers a headless Service and its endpoint hostnames, and SRV for named ports", async () => {
    assert.deepEqual(await resolver.resolve4("db.shop.svc.cluster.local"), ["10.42.0.5"]);
    assert.deepEqual(await resolver.resolve4("db-0.db.shop.svc.cluster.local"), ["10.42.0.5"]);
    assert.deepEqual(await resolver.resolveSrv("_pg._tcp.db.shop.svc.cluster.local"), [{ name: "db-0.db.shop.svc.cluster.local", port: 5432, priority: 0, weight: 100 }]);
    assert.deepEqual(await resolver.resolveSrv("_http._tcp.web.shop.svc.cluster.local"), [{ name: "web.shop.svc.cluster.local", port: 80, priority: 0, weight: 100 }]);
  });

  it("follows changes: a new ExternalName Service is a CNAME, a deleted Service is NXDOMAIN", async () => {
    await api.client.create(services, { apiVersion: "v1", kind: "Service", metadata: { name: "ext", namespace: "shop" }, spec: { type: "ExternalName", externalName: "example.com" } });
    assert.deepEqual(await eventually(() => resolver.resolveCname("ext.shop.svc.cluster.local")), ["example.com"]);
    await api.client.delete(services, "ext", { namespace: "shop" });
    await eventually(() => assert.rejects(resolver.resolveCname("ext.shop.svc.cluster.local"), { code: "ENOTFOUND" }));
  });

  it("answers pod names", async () => {
    assert.deepEqual(await resolver.resolve4("10-42-0-9.shop.pod.cluster.local"), ["10.42.0.9"]);
  });

  it("publishes itself as kube-dns at 10.43.0.10 with Endpoints at its address", async () => {
    await ensureKubeDnsService(api.client, { clusterIP: "10.43.0.10", address: "127.0.0.1", port });
    const svc = await api.client.get(services, "kube-dns", { namespace: "kube-system" });
    assert.equal(svc.spec?.clusterIP, "10.43.0.10");
    assert.deepEqual(svc.spec?.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort]), [["dns", 53, "UDP", port], ["dns-tcp", 53, "TCP", port]]);
    const ep = await api.client.get(resources.endpoints, "kube-dns", { namespace: "kube-system" });
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "dns", port, protocol: "UDP" }, { name: "dns-tcp", port, protocol: "TCP" }] }]);
    // Again after a restart on another port: the objects follow.
    await ensureKubeDnsService(api.client, { clusterIP: "10.43.0.10", address: "127.0.0.1", port: port + 1 });
    const again = await api.client.get(resources.endpoints, "kube-dns", { namespace: "kube-system" });
    assert.equal((again.subsets as { ports: { port: number }[] }[])[0]!.ports[0]!.port, port + 1);
    assert.deepEqual(await eventually(() => resolver.resolve4("kube-dns.kube-system.svc.cluster.local")), ["10.43.0.10"]);
  });
});
