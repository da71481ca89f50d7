// The service load balancer controller against the in-memory API server.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Node, Service } from "../../src/api/index.js";
import { InformerFactory, resource, resources } from "../../src/client/index.js";
import { ServiceLbController, desiredIngress } from "../../src/controllers/servicelb/index.js";
import { startTestApiServer, type TestApiServer } from "../harness/index.js";
import { eventually } from "./_controller-helpers.js";

const services = resource<Service>("", "v1", "services", "Service", true);
const nodes = resource<Node>("", "v1", "nodes", "Node", false);

function node(name: string, ip: string, ready: boolean): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    status: { addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: name }], conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  } as Node;
}

describe("service load balancer controller", () => {
  let api: TestApiServer;
  const stop = new AbortController();
  let done: Promise<void>;

  before(async () => {
    api = await startTestApiServer({ store: "memory" });
    for (const n of [node("n2", "10.0.0.12", true), node("n1", "10.0.0.11", true), node("n3", "10.0.0.13", false)]) {
      const created = await api.client.create(nodes, { ...n, status: undefined });
      await api.client.updateStatus(nodes, { ...created, status: n.status });
    }
    const informers = new InformerFactory({ client: api.client });
    const controller = new ServiceLbController({ client: api.client, informers });
    done = controller.start(stop.signal);
    informers.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await done;
    await api?.close();
  });

  it("takes the Ready nodes' InternalIPs, sorted; all nodes' while none is Ready", () => {
    assert.deepEqual(desiredIngress([node("a", "10.0.0.2", true), node("b", "10.0.0.10", true), node("c", "10.0.0.3", false)]).map((i) => i.ip), ["10.0.0.2", "10.0.0.10"]);
    assert.deepEqual(desiredIngress([node("c", "10.0.0.3", false)]).map((i) => i.ip), ["10.0.0.3"]);
  });

  it("sets status.loadBalancer.ingress of a LoadBalancer Service to the nodes' addresses", async () => {
    await api.client.create(services, { apiVersion: "v1", kind: "Service", metadata: { name: "lb", namespace: "default" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } });
    await eventually("ingress set", async () => {
      const svc = await api.client.get(services, "lb", { namespace: "default" });
      return JSON.stringify(svc.status?.loadBalancer?.ingress?.map((i) => i.ip)) === JSON.stringify(["10.0.0.11", "10.0.0.12"]);
    });
  });

  it("follows a node becoming Ready", async () => {
    const n3 = await api.client.get(nodes, "n3");
    await api.client.updateStatus(nodes, { ...n3, status: { ...n3.status, conditions: [{ type: "Ready", status: "True" }] } });
    await eventually("n3 added", async () => {
      const svc = await api.client.get(services, "lb", { namespace: "default" });
      return (svc.status?.loadBalancer?.ingress ?? []).length === 3;
    });
  });

  it("leaves a Service with another loadBalancerClass alone", async () => {
    await api.client.create(services, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "other", namespace: "default" },
      spec: { type: "LoadBalancer", loadBalancerClass: "example.com/lb", ports: [{ port: 80 }] },
    });
    await new Promise((r) => setTimeout(r, 300));
    const svc = await api.client.get(services, "other", { namespace: "default" });
    assert.deepEqual(svc.status?.loadBalancer?.ingress ?? [], []);
  });
});
