// Golden rule sets for the nftables back-end. UPDATE_GOLDEN=1 rewrites testdata/*.nft; review the diff.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureCluster, fixtureNode, slice } from "./_fixtures.js";
import { nftablesModel, nftablesTransaction, renderNftables } from "./nftables-rules.js";
import { buildServiceTable, sliceServiceKey } from "./service-table.js";
import type { EndpointSlice, Service } from "../api/index.js";

export function golden(name: string, got: string): void {
  const path = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, got);
  assert.equal(got, readFileSync(path, "utf8"), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

function table(services: Service[], slices: EndpointSlice[]) {
  return buildServiceTable(services, (ns, name) => slices.filter((s) => sliceServiceKey(s) === `${ns}/${name}`), fixtureNode);
}

describe("nftables rules", () => {
  it("renders the whole table for a cluster of every Service shape", () => {
    const { services, slices } = fixtureCluster();
    golden("cluster.nft", renderNftables(nftablesModel(table(services, slices), fixtureNode)));
  });

  it("changes only what an endpoint change touches", () => {
    const { services, slices } = fixtureCluster();
    const before = nftablesModel(table(services, slices), fixtureNode);
    // web gains a third endpoint; empty gets its first; dns is deleted.
    const web = slices.findIndex((s) => s.metadata.name === "web-1");
    slices[web] = slice("ns1", "web", [{ name: "http", port: 8080 }], [{ ip: "10.244.1.5", node: "node-a" }, { ip: "10.244.2.7" }, { ip: "10.244.2.13" }]);
    slices.push(slice("ns2", "empty", [{ port: 8080 }], [{ ip: "10.244.2.20" }]));
    const after = nftablesModel(
      table(
        services.filter((s) => s.metadata.name !== "dns"),
        slices,
      ),
      fixtureNode,
    );
    const tx = nftablesTransaction(before, after);
    assert.equal(tx.full, false);
    golden("incremental.nft", tx.script);
    assert.ok(tx.staleChains.some((c) => c.includes("kube-system/dns/udp/dns")));
    // Nothing changed: nothing to do.
    assert.equal(nftablesTransaction(after, nftablesModel(table(services.filter((s) => s.metadata.name !== "dns"), slices), fixtureNode)).script, "");
  });

  it("deletes stale chains only in a later transaction", () => {
    const { services, slices } = fixtureCluster();
    const model = nftablesModel(table(services, slices), fixtureNode);
    const tx = nftablesTransaction(model, model, ["service-XXXXXXXX-gone/svc/tcp/"]);
    assert.equal(tx.script, "delete chain ip k8ts-proxy service-XXXXXXXX-gone/svc/tcp/\n");
  });

  it("replaces the whole table when node facts change", () => {
    const { services, slices } = fixtureCluster();
    const a = nftablesModel(table(services, slices), fixtureNode);
    const b = nftablesModel(table(services, slices), { ...fixtureNode, nodeIPs: ["192.168.0.3"] });
    const tx = nftablesTransaction(a, b);
    assert.equal(tx.full, true);
    assert.match(tx.script, /^add table ip k8ts-proxy\ndelete table ip k8ts-proxy\n/);
  });
});
