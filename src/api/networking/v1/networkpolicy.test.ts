import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../../../machinery/index.js";
import type { NetworkPolicy } from "./networkpolicy-types.js";
import { networkPoliciesResource } from "./networkpolicy.js";

const strategy = networkPoliciesResource.strategy!;
const np = (spec: NetworkPolicy["spec"]): NetworkPolicy => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace: "default" }, spec });
const defaulted = (p: NetworkPolicy): NetworkPolicy => {
  strategy.defaults!(p);
  return p;
};
const messages = (p: NetworkPolicy): string[] => strategy.validate!(p, undefined, { operation: "create", subresource: "" }).map(fieldErrorMessage);

describe("networkpolicy defaults", () => {
  it("policyTypes is Ingress, plus Egress when egress rules are given; ports are TCP", () => {
    assert.deepEqual(defaulted(np({ podSelector: {} })).spec?.policyTypes, ["Ingress"]);
    const p = defaulted(np({ egress: [{ ports: [{ port: 53 }, { port: 53, protocol: "UDP" }] }] }));
    assert.deepEqual(p.spec?.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(p.spec?.egress?.[0]?.ports, [{ port: 53, protocol: "TCP" }, { port: 53, protocol: "UDP" }]);
    assert.deepEqual(p.spec?.podSelector, {});
    assert.deepEqual(defaulted(np({ policyTypes: ["Egress"] })).spec?.policyTypes, ["Egress"]);
  });
});

describe("networkpolicy validation", () => {
  const cases: Array<[string, NetworkPolicy["spec"], string[]]> = [
    ["a valid policy", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: {}, podSelector: {} }, { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: "http" }, { port: 8000, endPort: 9000 }] }] }, []],
    ["an empty peer", { ingress: [{ from: [{}] }] }, ["spec.ingress[0].from[0]: Required value: must specify a peer"]],
    ["ipBlock with a selector", { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] }, ["spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"]],
    ["a bad cidr", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] }, ["spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]],
    ["an except outside the cidr", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24", "10.0.0.0/16"] } }] }] }, [
      "spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`",
      "spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: \"10.0.0.0/16\": must be a strict subset of `cidr`",
    ]],
    ["a bad protocol", { ingress: [{ ports: [{ protocol: "ICMP" }] }] }, ["spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\""]],
    ["endPort below port", { ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }, ["spec.ingress[0].ports[0].endPort: Invalid value: 90: must be greater than or equal to `port`"]],
    ["endPort with a named port", { ingress: [{ ports: [{ port: "http", endPort: 80 }] }] }, ["spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is non-numeric"]],
    ["endPort without port", { ingress: [{ ports: [{ endPort: 80 }] }] }, ["spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is not specified"]],
    ["port out of range", { egress: [{ ports: [{ port: 0 }] }] }, ["spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["bad policy type", { policyTypes: ["Ingress", "Sideways" as "Egress"] }, ["spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\""]],
    ["In without values", { podSelector: { matchExpressions: [{ key: "a", operator: "In", values: [] }] } }, ["spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => assert.deepEqual(messages(np(spec)), want));
  }
});

describe("networkpolicy table", () => {
  it("prints NAME POD-SELECTOR AGE", () => {
    const t = strategy.table!;
    assert.deepEqual(t.columns.map((c) => c.name), ["Name", "Pod-Selector", "Age"]);
    const p = np({ podSelector: { matchLabels: { app: "db" } } });
    assert.equal(t.cells(p, new Date())[1], "app=db");
    assert.equal(t.cells(np({ podSelector: {} }), new Date())[1], "<none>");
  });
});
