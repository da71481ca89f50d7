// Golden iptables-restore inputs for NetworkPolicy enforcement on nodes without nftables,
// from the same fixtures as the nftables rule sets. UPDATE_GOLDEN=1 rewrites
// testdata/*.iptables; review the diff.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureInput, fixturePods, fixturePolicies } from "./_fixtures.js";
import { iptablesChainName, iptablesNetpolModels, renderIptablesNetpol, subtractCidrs } from "./iptables-rules.js";

function golden(name: string, got: string): void {
  const path = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, got);
  assert.equal(got, readFileSync(path, "utf8"), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

describe("network policy rules for iptables", () => {
  it("renders the filter table for pods of this node: selectors, namespaces, ipBlocks with except, named ports, ranges, protocols, egress", () => {
    const { v4, v6 } = iptablesNetpolModels(fixtureInput());
    golden("cluster.iptables", renderIptablesNetpol(undefined, v4));
    golden("cluster.ip6tables", renderIptablesNetpol(undefined, v6));
  });

  it("a default-deny ingress policy alone: every local pod's chain drops, only replies pass", () => {
    const { v4 } = iptablesNetpolModels(fixtureInput({ policies: [fixturePolicies[0]!] }));
    golden("default-deny.iptables", renderIptablesNetpol(undefined, v4));
    for (const rules of v4.chains.values()) assert.deepEqual(rules, ["-j DROP"]);
    assert.equal(v4.forward[0], "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
  });

  it("no policies: only the established rule, and leftover chains of an earlier run are deleted", () => {
    const { v4 } = iptablesNetpolModels(fixtureInput({ policies: [] }));
    assert.equal(v4.chains.size, 0);
    assert.equal(
      renderIptablesNetpol(undefined, v4, { deleteChains: ["K8TS-NP-FORWARD", "K8TS-NP-ING-0123456789ABCD"] }),
      "*filter\n:K8TS-NP-FORWARD - [0:0]\n:K8TS-NP-ING-0123456789ABCD - [0:0]\n-A K8TS-NP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-X K8TS-NP-ING-0123456789ABCD\nCOMMIT\n",
    );
  });

  it("an ipBlock's exceptions leave the CIDRs that cover the rest of the block", () => {
    const cases: Array<[string, string[], string[]]> = [
      ["10.0.0.0/8", [], ["10.0.0.0/8"]],
      ["10.0.0.0/24", ["10.0.0.0/25"], ["10.0.0.128/25"]],
      ["10.0.0.0/24", ["10.0.0.64/26"], ["10.0.0.0/26", "10.0.0.128/25"]],
      ["192.168.0.0/16", ["192.168.1.0/24", "192.168.2.0/24"], ["192.168.0.0/24", "192.168.3.0/24", "192.168.4.0/22", "192.168.8.0/21", "192.168.16.0/20", "192.168.32.0/19", "192.168.64.0/18", "192.168.128.0/17"]],
      ["10.0.0.0/24", ["10.0.0.0/16"], []],
      ["10.0.0.0/24", ["172.16.0.0/12", "fd00::/8"], ["10.0.0.0/24"]],
      ["fd00::/64", ["fd00::/65"], ["fd00::8000:0:0:0/65"]],
      ["2001:db8::/32", ["2001:db8:1::/48"], ["2001:db8::/48", "2001:db8:2::/47", "2001:db8:4::/46", "2001:db8:8::/45", "2001:db8:10::/44", "2001:db8:20::/43", "2001:db8:40::/42", "2001:db8:80::/41", "2001:db8:100::/40", "2001:db8:200::/39", "2001:db8:400::/38", "2001:db8:800::/37", "2001:db8:1000::/36", "2001:db8:2000::/35", "2001:db8:4000::/34", "2001:db8:8000::/33"]],
    ];
    for (const [cidr, except, want] of cases) assert.deepEqual(subtractCidrs(cidr, except), want, `${cidr} except ${except.join(",")}`);
  });

  it("chain names fit iptables' 28 characters and differ per pod and direction", () => {
    const long = `${"n".repeat(63)}/${"p".repeat(253)}`;
    const names = [iptablesChainName({ pod: long, direction: "ingress", rules: [] }), iptablesChainName({ pod: long, direction: "egress", rules: [] }), iptablesChainName({ pod: "default/server", direction: "ingress", rules: [] })];
    for (const n of names) assert.ok(n.length <= 28 && /^K8TS-NP-(ING|EGR)-[0-9A-F]+$/.test(n), n);
    assert.equal(new Set(names).size, 3);
  });

  it("changes only the chains a pod or policy change touches, and deletes the chains that go", () => {
    const before = iptablesNetpolModels(fixtureInput()).v4;
    assert.equal(renderIptablesNetpol(before, iptablesNetpolModels(fixtureInput()).v4), "");
    const pods = [...fixturePods, { namespace: "default", name: "client-2", labels: { app: "client" }, ips: ["10.42.1.7"], nodeName: "node-2", namedPorts: [] }];
    const after = iptablesNetpolModels(fixtureInput({ pods, policies: fixturePolicies.filter((p) => p.metadata.name !== "client-egress") })).v4;
    golden("incremental.iptables", renderIptablesNetpol(before, after));
  });
});
