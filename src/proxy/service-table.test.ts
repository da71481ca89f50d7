import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fixtureCluster, fixtureNode, slice } from "./_fixtures.js";
import { conntrackDeletions } from "./conntrack.js";
import { buildServiceTable, categorizeEndpoints, sliceServiceKey } from "./service-table.js";
import { userspacePlan } from "./userspace-rules.js";
import type { EndpointSlice, Service } from "../api/index.js";

function table(services: Service[], slices: EndpointSlice[]) {
  return buildServiceTable(services, (ns, name) => slices.filter((s) => sliceServiceKey(s) === `${ns}/${name}`), fixtureNode);
}

describe("service table", () => {
  const { services, slices } = fixtureCluster();
  const t = table(services, slices);
  const port = (name: string) => t.find((sp) => sp.name === name)!;

  it("leaves out headless, ExternalName and unproxied Services", () => {
    assert.deepEqual([...new Set(t.map((sp) => sp.name))], ["dns", "sticky", "web", "empty", "lb", "local-only", "draining"]);
  });

  it("uses ready endpoints only, and serving terminating ones when none is ready", () => {
    assert.deepEqual(categorizeEndpoints(port("sticky")).clusterEndpoints.map((e) => e.ip), ["10.244.2.8"]);
    assert.deepEqual(categorizeEndpoints(port("draining")).clusterEndpoints.map((e) => e.ip), ["10.244.2.11"]);
  });

  it("gives externalTrafficPolicy Local only this node's endpoints for external traffic", () => {
    const c = categorizeEndpoints(port("lb"));
    assert.deepEqual(c.localEndpoints.map((e) => e.ip), ["10.244.1.6"]);
    assert.deepEqual(c.clusterEndpoints.map((e) => e.ip), ["10.244.1.6", "10.244.3.2"]);
  });

  it("has endpoints for internalTrafficPolicy Local elsewhere, but none here", () => {
    const c = categorizeEndpoints(port("local-only"));
    assert.equal(c.hasEndpoints, true);
    assert.deepEqual(c.localEndpoints, []);
  });

  it("plans userspace listeners only where there are endpoints, but keeps every service address", () => {
    const plan = userspacePlan(t, fixtureNode);
    assert.ok(plan.addresses.includes("10.43.0.44"), "the empty Service's address stays, so connections are refused");
    assert.ok(!plan.listeners.some((l) => l.ip === "10.43.0.44"));
    assert.ok(plan.listeners.some((l) => l.key === "192.168.0.2:30080/tcp"));
    assert.ok(plan.listeners.some((l) => l.key === "10.43.0.10:53/udp"));
  });
});

describe("conntrack clean-up", () => {
  it("deletes UDP entries NATed to a removed endpoint, and entries of a UDP port that gains endpoints", () => {
    const { services, slices } = fixtureCluster();
    const before = table(services, slices);
    const dns = slices.findIndex((s) => s.metadata.name === "dns-1");
    slices[dns] = slice("kube-system", "dns", [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }], [{ ip: "10.244.1.9", node: "node-a" }]);
    assert.deepEqual(conntrackDeletions(before, table(services, slices)), [
      ["-D", "-p", "udp", "--orig-dst", "10.43.0.10", "--dst-nat", "10.244.1.2"],
      ["-D", "-p", "udp", "--orig-dst", "198.51.100.7", "--dst-nat", "10.244.1.2"],
    ]);
    const none = table(services, slices.filter((s) => s.metadata.name !== "dns-1"));
    assert.deepEqual(conntrackDeletions(none, table(services, slices)), [
      ["-D", "-p", "udp", "--orig-dst", "10.43.0.10", "--orig-port-dst", "53"],
      ["-D", "-p", "udp", "--orig-dst", "198.51.100.7", "--orig-port-dst", "53"],
    ]);
  });

  it("leaves TCP alone", () => {
    const { services, slices } = fixtureCluster();
    assert.deepEqual(conntrackDeletions(table(services, slices), table(services, slices.filter((s) => s.metadata.name !== "web-1"))), []);
  });
});
