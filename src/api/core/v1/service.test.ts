import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../../../machinery/index.js";
import type { Service } from "./service-types.js";
import { servicesResource } from "./service.js";

const strategy = servicesResource.strategy!;
const svc = (spec: Service["spec"], name = "web"): Service => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec });
const defaulted = (s: Service): Service => {
  strategy.defaults!(s);
  return s;
};
const messages = (s: Service, old?: Service): string[] =>
  strategy.validate!(s, old, { operation: old ? "update" : "create", subresource: "" }).map(fieldErrorMessage);

describe("service defaults", () => {
  it("defaults type, affinity, traffic policy, protocol and targetPort", () => {
    const s = defaulted(svc({ selector: { app: "web" }, ports: [{ port: 80 }] }));
    assert.equal(s.spec?.type, "ClusterIP");
    assert.equal(s.spec?.sessionAffinity, "None");
    assert.equal(s.spec?.internalTrafficPolicy, "Cluster");
    assert.deepEqual(s.spec?.ports, [{ port: 80, protocol: "TCP", targetPort: 80 }]);
    assert.equal(s.spec?.externalTrafficPolicy, undefined);
  });

  it("defaults what externally reachable types need", () => {
    const lb = defaulted(svc({ type: "LoadBalancer", ports: [{ port: 443, targetPort: "https" }] }));
    assert.equal(lb.spec?.externalTrafficPolicy, "Cluster");
    assert.equal(lb.spec?.allocateLoadBalancerNodePorts, true);
    assert.equal(lb.spec?.ports?.[0].targetPort, "https");
  });

  it("gives ClientIP affinity its 3h timeout", () => {
    const s = defaulted(svc({ sessionAffinity: "ClientIP", ports: [{ port: 80 }] }));
    assert.deepEqual(s.spec?.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  });

  it("fills clusterIPs from clusterIP on create (IP families come with allocation)", () => {
    const s = defaulted(svc({ clusterIP: "10.43.0.9", ports: [{ port: 80 }] }));
    strategy.prepareForCreate!(s);
    assert.deepEqual(s.spec?.clusterIPs, ["10.43.0.9"]);
    assert.equal(s.spec?.ipFamilyPolicy, undefined);
  });

  it("keeps allocated values an update leaves out and wipes node ports when NodePort turns ClusterIP", () => {
    const old = svc({ type: "NodePort", clusterIP: "10.43.0.9", clusterIPs: ["10.43.0.9"], externalTrafficPolicy: "Cluster", ports: [{ port: 80, nodePort: 30080 }] });
    const kept = svc({ type: "NodePort", ports: [{ port: 80 }] });
    strategy.prepareForUpdate!(kept, old);
    assert.equal(kept.spec?.clusterIP, "10.43.0.9");
    assert.deepEqual(kept.spec?.clusterIPs, ["10.43.0.9"]);
    assert.equal(kept.spec?.ports?.[0]?.nodePort, 30080);
    const turned = structuredClone(old);
    turned.spec!.type = "ClusterIP";
    strategy.prepareForUpdate!(turned, old);
    assert.equal(turned.spec?.ports?.[0]?.nodePort, undefined);
    assert.equal(turned.spec?.externalTrafficPolicy, undefined);
  });
});

describe("service validation", () => {
  it("accepts a defaulted service", () => assert.deepEqual(messages(defaulted(svc({ ports: [{ port: 80 }] }))), []));

  const cases: [string, Service, string[]][] = [
    ["a name that is not a DNS-1035 label", svc({ ports: [{ port: 80, protocol: "TCP" }] }, "1web"), ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
    ["no ports", svc({ type: "ClusterIP" }), ["spec.ports: Required value"]],
    ["a port out of range", svc({ ports: [{ port: 0, protocol: "TCP" }] }), ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["unnamed ports when there are several", svc({ ports: [{ name: "a", port: 80 }, { port: 81 }] }), ["spec.ports[1].name: Required value"]],
    ["duplicate port names", svc({ ports: [{ name: "a", port: 80 }, { name: "a", port: 81 }] }), ["spec.ports[1].name: Duplicate value: \"a\""]],
    ["an unknown type", svc({ type: "Magic", ports: [{ port: 80 }] }), ["spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]],
    ["ExternalName without a name", svc({ type: "ExternalName" }), ["spec.externalName: Required value"]],
  ];
  for (const [what, s, want] of cases) it(`refuses ${what}`, () => assert.deepEqual(messages(s), want));

  it("allows headless services without ports", () => assert.deepEqual(messages(svc({ clusterIP: "None", clusterIPs: ["None"] })), []));

  it("refuses a clusterIP that is not an IP, and clusterIPs out of step with clusterIP", () => {
    assert.deepEqual(messages(svc({ clusterIP: "10.0.0.300", clusterIPs: ["10.0.0.300"], ports: [{ port: 80 }] })), [
      "spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
    ]);
    assert.deepEqual(messages(svc({ clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.2"], ports: [{ port: 80 }] })), ['spec.clusterIPs: Invalid value: ["10.0.0.2"]: first value must match `clusterIP`']);
  });

  it("refuses IP fields on ExternalName services", () => {
    assert.deepEqual(messages(svc({ type: "ExternalName", externalName: "example.com.", clusterIPs: ["10.0.0.1"], ipFamilyPolicy: "SingleStack" })), [
      "spec.clusterIPs: Forbidden: may not be set for ExternalName services",
      "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services",
    ]);
  });

  it("refuses changing the cluster IP", () => {
    const old = svc({ clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.1"], ports: [{ port: 80 }] });
    const next = svc({ clusterIP: "10.0.0.2", clusterIPs: ["10.0.0.2"], ports: [{ port: 80 }] });
    assert.deepEqual(messages(next, old), ['spec.clusterIPs[0]: Invalid value: ["10.0.0.2"]: may not change once set']);
  });
});

describe("service table", () => {
  const now = new Date("2024-01-01T00:10:00Z");
  it("shows type, IPs, ports and selector", () => {
    const s = svc({ type: "NodePort", clusterIP: "10.96.0.10", selector: { app: "web", tier: "fe" }, ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }, { port: 53, protocol: "UDP" }] });
    s.metadata.creationTimestamp = "2024-01-01T00:00:00Z";
    assert.deepEqual(servicesResource.strategy!.table!.cells(s, now), ["web", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP,53/UDP", "10m", "app=web,tier=fe"]);
  });

  it("shows <pending> for a load balancer without ingress", () => {
    const s = svc({ type: "LoadBalancer", clusterIP: "10.96.0.11", ports: [{ port: 80, protocol: "TCP" }] });
    assert.equal(servicesResource.strategy!.table!.cells(s, now)[3], "<pending>");
  });

  it("has upstream's columns", () => {
    assert.deepEqual(servicesResource.strategy!.table!.columns.map((c) => c.name), ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]);
  });
});
