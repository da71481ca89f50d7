// Golden rule sets for NetworkPolicy enforcement. UPDATE_GOLDEN=1 rewrites testdata/*.nft; review the diff.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureInput, fixturePods, fixturePolicies } from "./_fixtures.js";
import { netpolModel, netpolTransaction, renderNetpol } from "./rules.js";

function golden(name: string, got: string): void {
  const path = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, got);
  assert.equal(got, readFileSync(path, "utf8"), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

describe("network policy rules", () => {
  it("renders the table for pods of this node: selectors, namespaces, ipBlocks, named ports, ranges, protocols", () => {
    golden("cluster.nft", renderNetpol(netpolModel(fixtureInput())));
  });

  it("isolates only the pods some policy selects, per direction", () => {
    const model = netpolModel(fixtureInput());
    assert.deepEqual([...model.chains.keys()].sort(), ["egr-default/client", "ing-default/client", "ing-default/other", "ing-default/server"]);
    // team/local is on this node but no policy of its namespace selects it; team/web is on node-2.
    assert.ok(!model.forward.join("\n").includes("10.42.0.20"));
    assert.ok(!model.forward.join("\n").includes("10.42.1.6 :"));
  });

  it("a default-deny policy alone leaves only the drop", () => {
    const model = netpolModel(fixtureInput({ policies: [fixturePolicies[0]!] }));
    assert.deepEqual(model.chains.get("ing-default/server"), ["drop"]);
    assert.deepEqual(model.forward, ["ct state established,related accept", "ip daddr vmap { 10.42.0.10 : jump ing-default/server, 10.42.0.11 : jump ing-default/client, 10.42.0.12 : jump ing-default/other }", "ip6 daddr vmap { fd00:42::a : jump ing-default/server }"]);
  });

  it("no policies: only the established rule", () => {
    assert.equal(renderNetpol(netpolModel(fixtureInput({ policies: [] }))), readFileSync(fileURLToPath(new URL("./testdata/empty.nft", import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`), "utf8"));
  });

  it("changes only the chains a pod or policy change touches", () => {
    const before = netpolModel(fixtureInput());
    assert.deepEqual(netpolTransaction(before, netpolModel(fixtureInput())), { script: "", full: false });
    // A second client appears on node-2 (the server's allow-client rule gains its address),
    // and the egress policy goes (its chain and dispatch go).
    const pods = [...fixturePods, { namespace: "default", name: "client-2", labels: { app: "client" }, ips: ["10.42.1.7"], nodeName: "node-2", namedPorts: [] }];
    const after = netpolModel(fixtureInput({ pods, policies: fixturePolicies.filter((p) => p.metadata.name !== "client-egress") }));
    const tx = netpolTransaction(before, after);
    assert.equal(tx.full, false);
    golden("incremental.nft", tx.script);
  });
});
