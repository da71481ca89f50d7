import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Container } from "../../../api/index.js";
import { filterSummary, makeNode, makePod, makeSnapshot } from "../../_testing.js";
import { nodePorts } from "./node-ports.js";

const withPort = (hostPort: number, o: { hostIP?: string; protocol?: string } = {}): Container[] => [
  { name: "c", image: "x", ports: [{ containerPort: 80, hostPort, hostIP: o.hostIP, protocol: o.protocol }] },
];

describe("NodePorts", () => {
  const busy = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
  const snapshot = makeSnapshot(
    [makeNode("n1"), makeNode("n2")],
    [
      makePod("web", { nodeName: "n1", containers: withPort(8080) }),
      makePod("dns", { nodeName: "n2", containers: withPort(53, { hostIP: "10.0.0.1", protocol: "UDP" }) }),
    ],
  );
  const cases = [
    { name: "the same port and protocol on 0.0.0.0 conflicts", containers: withPort(8080), want: { n1: busy, n2: "ok" } },
    { name: "another protocol does not conflict", containers: withPort(8080, { protocol: "UDP" }), want: { n1: "ok", n2: "ok" } },
    { name: "a specific address conflicts with a wildcard one", containers: withPort(8080, { hostIP: "10.0.0.2" }), want: { n1: busy, n2: "ok" } },
    { name: "a wildcard conflicts with a specific address", containers: withPort(53, { protocol: "UDP" }), want: { n1: "ok", n2: busy } },
    { name: "different specific addresses do not conflict", containers: withPort(53, { hostIP: "10.0.0.2", protocol: "UDP" }), want: { n1: "ok", n2: "ok" } },
    { name: "a pod without host ports fits anywhere", containers: undefined, want: { n1: "ok", n2: "ok" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(filterSummary(nodePorts, makePod("p", { containers: c.containers }), snapshot), c.want);
    });
  }
});
