// Golden command sets for the pod network between nodes. UPDATE_GOLDEN=1 rewrites
// testdata/*.cmds; review the diff.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Node } from "../../api/index.js";
import { commandLine, masqueradeRuleset, networkCommands, planPodNetwork, podMtuFor, vtepMacOf, vxlanMtuFor, type NetworkBackend, type NetworkPlan } from "./plan.js";

function golden(name: string, got: string): void {
  const path = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, got);
  }
  assert.equal(got, readFileSync(path, "utf8"), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

const node = (name: string, ip: string | undefined, podCIDR: string | undefined): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
  status: { addresses: [...(ip ? [{ type: "InternalIP", address: ip }] : []), { type: "Hostname", address: name }] },
});

const a = node("a", "10.99.0.2", "10.42.0.0/24");
const b = node("b", "10.99.0.3", "10.42.1.0/24");
const c = node("c", "172.30.5.9", "10.42.2.0/24");
const self = { name: "a", ip: "10.99.0.2", podCIDR: "10.42.0.0/24" };
// b shares a's link (10.99.0.0/24); c is behind a router.
const onLink = (ip: string): boolean => ip.startsWith("10.99.0.");
const plan = (nodes: Node[], backend: NetworkBackend = "auto"): NetworkPlan => planPodNetwork({ self, nodes, backend, onLink });
const lines = (p: NetworkPlan, before?: NetworkPlan): string => networkCommands(p, before).map(commandLine).join("\n") + "\n";

describe("planPodNetwork", () => {
  it("routes to an on-link peer's pod CIDR via its node IP and to the others over VXLAN (auto)", () => {
    const p = plan([a, b, c]);
    assert.deepEqual(p.routes, [
      { kind: "host-gw", cidr: "10.42.1.0/24", via: "10.99.0.3" },
      { kind: "vxlan", cidr: "10.42.2.0/24", nodeIP: "172.30.5.9", vtepIP: "10.42.2.0", vtepMac: "02:6b:ac:1e:05:09" },
    ]);
    assert.deepEqual(p.vxlan, { localIP: "10.99.0.2", vtepIP: "10.42.0.0", vtepMac: "02:6b:0a:63:00:02" });
  });
  it("skips itself, nodes without an InternalIP or a pod CIDR yet, and a peer claiming its own CIDR", () => {
    const p = plan([a, node("x", undefined, "10.42.5.0/24"), node("y", "10.99.0.9", undefined), node("z", "10.99.0.10", "10.42.0.0/24")]);
    assert.deepEqual(p, { routes: [] });
  });
  it("uses only VXLAN with the vxlan backend, only routes with host-gw, nothing with none", () => {
    assert.ok(plan([a, b, c], "vxlan").routes.every((r) => r.kind === "vxlan"));
    assert.ok(plan([a, b, c], "host-gw").routes.every((r) => r.kind === "host-gw"));
    assert.equal(plan([a, b, c], "host-gw").vxlan, undefined);
    assert.deepEqual(plan([a, b, c], "none"), { routes: [] });
  });
  it("derives a locally administered unicast VTEP MAC from the node IP", () => {
    assert.equal(vtepMacOf("192.168.1.254"), "02:6b:c0:a8:01:fe");
  });
});

describe("networkCommands (golden)", () => {
  it("at start: the VXLAN device, then a route per peer", () => {
    golden("start-auto.cmds", lines(plan([a, b, c])));
  });
  it("at start with host-gw peers only: routes and no device", () => {
    golden("start-host-gw.cmds", lines(plan([a, b, c], "host-gw")));
  });
  it("a node joining over VXLAN adds its neighbour, FDB entry and route only", () => {
    const d = node("d", "172.30.7.1", "10.42.3.0/24");
    golden("join-vxlan.cmds", lines(plan([a, b, c, d]), plan([a, b, c])));
  });
  it("a node leaving takes its route and VXLAN entries with it", () => {
    golden("leave.cmds", lines(plan([a, c]), plan([a, b, c], "vxlan")));
  });
  it("the last VXLAN peer leaving removes the device", () => {
    golden("leave-last-vxlan.cmds", lines(plan([a, b]), plan([a, b, c])));
  });
  it("at start with the vxlan backend on a 1500-byte link: the device at 1450", () => {
    golden("start-vxlan-mtu.cmds", networkCommands(plan([a, b, c], "vxlan"), undefined, { mtu: vxlanMtuFor(1500) }).map(commandLine).join("\n") + "\n");
  });
  it("nothing changed: no commands", () => {
    assert.deepEqual(networkCommands(plan([a, b, c]), plan([a, b, c])), []);
  });
});

describe("MTU", () => {
  it("gives pods the link MTU less VXLAN's 50 bytes with the vxlan backend only", () => {
    const table: Array<[NetworkBackend, number | undefined, number | undefined]> = [
      ["vxlan", 1500, 1450],
      ["vxlan", 9000, 8950],
      ["host-gw", 1500, 1500],
      ["auto", 1500, 1500],
      ["none", 1500, undefined],
      ["vxlan", undefined, undefined],
    ];
    for (const [backend, link, want] of table) assert.equal(podMtuFor(backend, link), want, `${backend} on a ${link} link`);
  });
  it("sizes the VXLAN device so an encapsulated packet fits the link", () => {
    assert.equal(vxlanMtuFor(1500), 1450);
    assert.equal(vxlanMtuFor(undefined), undefined);
  });
});

describe("masqueradeRuleset (golden)", () => {
  it("masquerades the node's pods only towards non-pod destinations, replacing the table in one transaction", () => {
    golden("masquerade.nft", masqueradeRuleset("10.42.0.0/24", ["10.42.2.0/24", "10.42.0.0/24", "10.42.1.0/24"]));
  });
});
