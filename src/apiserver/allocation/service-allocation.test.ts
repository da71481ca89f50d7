// Service ClusterIP and NodePort allocation through the real API server verbs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { builtinRegistry, type RestRequest, type RestResponse, type Service } from "../../api/index.js";
import { MemoryStore } from "../../storage/index.js";
import { bootstrapCluster } from "../bootstrap.js";
import { createApiServer } from "../start.js";
import { allocationsPrefix } from "./allocator.js";
import { repairAllocations } from "./repair.js";
import { servicePoolsOf } from "./service-pools.js";

const admin = { username: "admin", groups: ["system:masters"] };

async function newServer(network: { clusterIPRange?: string; nodePortRange?: string } = {}) {
  const store = new MemoryStore();
  const registry = builtinRegistry();
  const server = createApiServer({ store, registry, allocationPools: servicePoolsOf(network) });
  await bootstrapCluster(server.handle);
  const call = (method: RestRequest["method"], path: string, body?: unknown, extra: Partial<RestRequest> = {}): Promise<RestResponse> =>
    server.handle({ method, path, query: {}, body, user: admin, ...extra });
  const services = "/api/v1/namespaces/default/services";
  const create = (spec: Service["spec"], name = "web") => call("POST", services, svc(name, spec));
  const claims = async () => (await store.range(allocationsPrefix)).kvs.map((kv) => kv.key.slice(allocationsPrefix.length)).sort();
  return { store, registry, server, call, create, claims, services };
}

const svc = (name: string, spec: Service["spec"]): Service => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec });
const specOf = (res: RestResponse) => (res.body as Service).spec!;
const message = (res: RestResponse) => (res.body as { message: string }).message;

describe("service ClusterIP allocation", () => {
  it("gives a ClusterIP from the range, with single-stack IPv4 family fields", async () => {
    const { create } = await newServer();
    const res = await create({ selector: { app: "web" }, ports: [{ port: 80 }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const spec = specOf(res);
    assert.match(spec.clusterIP!, /^10\.43\.\d+\.\d+$/);
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.deepEqual(spec.ipFamilies, ["IPv4"]);
    assert.equal(spec.ipFamilyPolicy, "SingleStack");
    // Dynamic allocation stays above the static band (the first 256 addresses of a /16).
    const [, , c] = spec.clusterIP!.split(".").map(Number);
    assert.ok(c! >= 1, `${spec.clusterIP} is outside the static band`);
  });

  it("never gives two of 50 concurrent creates the same IP", async () => {
    const { create } = await newServer({ clusterIPRange: "10.96.0.0/24" });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create({ ports: [{ port: 80 }] }, `s${i}`)));
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    const ips = results.map((r) => specOf(r).clusterIP);
    assert.equal(new Set(ips).size, 50);
  });

  it("honours a requested IP and refuses it a second time with upstream's 422", async () => {
    const { create } = await newServer();
    const first = await create({ clusterIP: "10.43.0.5", ports: [{ port: 80 }] }, "a");
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(specOf(first).clusterIP, "10.43.0.5");
    const second = await create({ clusterIP: "10.43.0.5", ports: [{ port: 80 }] }, "b");
    assert.equal(second.status, 422);
    assert.match(message(second), /^Service "b" is invalid: spec\.clusterIPs: Invalid value: .*"10\.43\.0\.5".*: failed to allocate IP 10\.43\.0\.5: provided IP is already allocated$/);
  });

  it("refuses an IP outside the range", async () => {
    const { create } = await newServer();
    const res = await create({ clusterIP: "1.1.1.1", ports: [{ port: 80 }] });
    assert.equal(res.status, 422);
    assert.match(message(res), /failed to allocate IP 1\.1\.1\.1: the provided IP \(1\.1\.1\.1\) is not in the valid range\. The range of valid IPs is 10\.43\.0\.0\/16$/);
  });

  it("releases the IP on delete, so it can be requested again", async () => {
    const { create, call, services, claims } = await newServer();
    assert.equal((await create({ clusterIP: "10.43.0.7", ports: [{ port: 80 }] }, "a")).status, 201);
    assert.deepEqual(await claims(), ["service-ipv4/10.43.0.7"]);
    assert.equal((await call("DELETE", `${services}/a`)).status, 200);
    assert.deepEqual(await claims(), []);
    assert.equal((await create({ clusterIP: "10.43.0.7", ports: [{ port: 80 }] }, "b")).status, 201);
  });

  it("gives back what a refused create claimed", async () => {
    const { create, claims } = await newServer();
    // The IP is claimed, then the node port is refused: nothing stays claimed.
    const res = await create({ type: "NodePort", clusterIP: "10.43.0.9", ports: [{ port: 80, nodePort: 80 }] });
    assert.equal(res.status, 422);
    assert.match(message(res), /spec\.ports\[0\]\.nodePort: Invalid value: 80: provided port is not in the valid range\. The range of valid ports is 30000-32767$/);
    assert.deepEqual(await claims(), []);
  });

  it("gives back the claims of a create whose name is taken", async () => {
    const { create, claims } = await newServer();
    assert.equal((await create({ ports: [{ port: 80 }] }, "a")).status, 201);
    const before = await claims();
    assert.equal((await create({ ports: [{ port: 80 }] }, "a")).status, 409);
    assert.deepEqual(await claims(), before);
  });

  it("allocates nothing for headless and ExternalName services", async () => {
    const { create, claims } = await newServer();
    const headless = await create({ clusterIP: "None", selector: { app: "db" }, ports: [{ port: 5432 }] }, "db");
    assert.equal(headless.status, 201, JSON.stringify(headless.body));
    assert.deepEqual(specOf(headless).clusterIPs, ["None"]);
    assert.deepEqual(specOf(headless).ipFamilies, ["IPv4"]);
    const selectorless = await create({ clusterIP: "None" }, "raw");
    assert.equal(specOf(selectorless).ipFamilyPolicy, "RequireDualStack");
    assert.deepEqual(specOf(selectorless).ipFamilies, ["IPv4", "IPv6"]);
    const ext = await create({ type: "ExternalName", externalName: "example.com" }, "ext");
    assert.equal(ext.status, 201, JSON.stringify(ext.body));
    assert.equal(specOf(ext).clusterIP, undefined);
    assert.equal(specOf(ext).ipFamilies, undefined);
    assert.deepEqual(await claims(), []);
  });

  it("refuses dual-stack where only IPv4 is served", async () => {
    const { create } = await newServer();
    const res = await create({ ipFamilyPolicy: "RequireDualStack", ports: [{ port: 80 }] });
    assert.equal(res.status, 422);
    assert.match(message(res), /spec\.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services/);
    const v6 = await create({ ipFamilies: ["IPv6"], ports: [{ port: 80 }] });
    assert.match(message(v6), /spec\.ipFamilies\[0\]: Invalid value: "IPv6": not configured on this cluster/);
    const prefer = await create({ ipFamilyPolicy: "PreferDualStack", ports: [{ port: 80 }] }, "prefer");
    assert.equal(prefer.status, 201);
    assert.deepEqual(specOf(prefer).ipFamilies, ["IPv4"]);
  });

  it("keeps the ClusterIP when an update leaves it out, and refuses changing it", async () => {
    const { create, call, services } = await newServer();
    const created = specOf(await create({ ports: [{ port: 80 }] }));
    const put = await call("PUT", `${services}/web`, svc("web", { ports: [{ port: 81 }] }));
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(specOf(put).clusterIP, created.clusterIP);
    assert.deepEqual(specOf(put).clusterIPs, created.clusterIPs);
    // As `kubectl edit` sends it: clusterIP changed, clusterIPs as read.
    const change = await call("PUT", `${services}/web`, svc("web", { clusterIP: "10.43.0.99", clusterIPs: created.clusterIPs, ports: [{ port: 81 }] }));
    assert.equal(change.status, 422);
    assert.match(message(change), /^Service "web" is invalid: spec\.clusterIPs\[0\]: Invalid value: .*"10\.43\.0\.99".*: may not change once set$/);
  });

  it("turning a ClusterIP service into ExternalName releases its IP, and back allocates one", async () => {
    const { create, call, services, claims } = await newServer();
    await create({ clusterIP: "10.43.0.20", ports: [{ port: 80 }] });
    const patch = (p: unknown) => call("PATCH", `${services}/web`, p, { contentType: "application/merge-patch+json" });
    const ext = await patch({ spec: { type: "ExternalName", externalName: "example.com" } });
    assert.equal(ext.status, 200, JSON.stringify(ext.body));
    assert.equal(specOf(ext).clusterIP, undefined);
    assert.deepEqual(await claims(), []);
    const back = await patch({ spec: { type: "ClusterIP", externalName: null } });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.match(specOf(back).clusterIP!, /^10\.43\./);
    assert.deepEqual(await claims(), [`service-ipv4/${specOf(back).clusterIP}`]);
  });

  it("dry run picks an IP but keeps nothing", async () => {
    const { call, services, claims } = await newServer();
    const res = await call("POST", services, svc("web", { ports: [{ port: 80 }] }), { query: { dryRun: "All" } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(specOf(res).clusterIP!, /^10\.43\./);
    assert.deepEqual(await claims(), []);
  });
});

describe("service NodePort allocation", () => {
  it("allocates a node port in 30000-32767 for each port, shared by TCP and UDP on one number", async () => {
    const { create } = await newServer();
    const res = await create({ type: "NodePort", ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }, { name: "http", port: 80 }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [udp, tcp, http] = specOf(res).ports!.map((p) => p.nodePort!);
    for (const p of [udp!, http!]) assert.ok(p >= 30000 && p <= 32767, String(p));
    assert.equal(udp, tcp);
    assert.notEqual(udp, http);
  });

  it("honours a requested node port and refuses it twice", async () => {
    const { create } = await newServer();
    const a = await create({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }, "a");
    assert.equal(specOf(a).ports![0]!.nodePort, 30080);
    const b = await create({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }, "b");
    assert.equal(b.status, 422);
    assert.equal(message(b), 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  });

  it("uses the configured range", async () => {
    const { create } = await newServer({ nodePortRange: "31000-31001" });
    assert.match(String(specOf(await create({ type: "NodePort", ports: [{ port: 80 }] }, "a")).ports![0]!.nodePort), /^3100[01]$/);
    assert.match(String(specOf(await create({ type: "NodePort", ports: [{ port: 80 }] }, "b")).ports![0]!.nodePort), /^3100[01]$/);
    const full = await create({ type: "NodePort", ports: [{ port: 80 }] }, "c");
    assert.equal(full.status, 500);
    assert.equal(message(full), "Internal error occurred: failed to allocate a nodePort: range is full");
  });

  it("keeps node ports when an update leaves them out; NodePort → ClusterIP releases them", async () => {
    const { create, call, services, claims } = await newServer();
    const created = specOf(await create({ type: "NodePort", ports: [{ port: 80 }] }));
    const nodePort = created.ports![0]!.nodePort!;
    const put = await call("PUT", `${services}/web`, svc("web", { type: "NodePort", ports: [{ port: 80 }] }));
    assert.equal(specOf(put).ports![0]!.nodePort, nodePort);
    const patched = await call("PATCH", `${services}/web`, { spec: { type: "ClusterIP" } }, { contentType: "application/merge-patch+json" });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(specOf(patched).ports![0]!.nodePort, undefined);
    assert.equal(specOf(patched).externalTrafficPolicy, undefined);
    assert.deepEqual(await claims(), [`service-ipv4/${created.clusterIP}`]);
    // The port is free again.
    const again = await create({ type: "NodePort", ports: [{ port: 80, nodePort }] }, "other");
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });

  it("a health check node port for LoadBalancer with externalTrafficPolicy Local", async () => {
    const { create } = await newServer();
    const res = await create({ type: "LoadBalancer", externalTrafficPolicy: "Local", ports: [{ port: 80 }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const spec = specOf(res);
    assert.ok(spec.healthCheckNodePort! >= 30000);
    assert.notEqual(spec.healthCheckNodePort, spec.ports![0]!.nodePort);
  });
});

describe("allocation repair at start", () => {
  it("frees claims nothing holds and claims values objects hold", async () => {
    const { store, registry, create, claims } = await newServer();
    const made = specOf(await create({ clusterIP: "10.43.0.30", ports: [{ port: 80 }] }));
    assert.equal(made.clusterIP, "10.43.0.30");
    await store.create(`${allocationsPrefix}service-ipv4/10.43.0.31`, JSON.stringify({ resource: "/registry/core/services/", uid: "gone" }));
    await store.delete(`${allocationsPrefix}service-ipv4/10.43.0.30`);
    assert.deepEqual(await repairAllocations(store, registry), { freed: 1, claimed: 1 });
    assert.deepEqual(await claims(), ["service-ipv4/10.43.0.30"]);
  });
});

