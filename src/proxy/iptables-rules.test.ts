// Golden rule sets for the iptables back-end. UPDATE_GOLDEN=1 rewrites testdata/*.iptables; review the diff.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { EndpointSlice, Service } from "../api/index.js";
import { fixtureCluster, fixtureNode, slice } from "./_fixtures.js";
import { iptablesModel, probability, renderIptables } from "./iptables-rules.js";
import { buildServiceTable, sliceServiceKey } from "./service-table.js";

function golden(name: string, got: string): void {
  const path = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)).replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, got);
  assert.equal(got, readFileSync(path, "utf8"), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

function table(services: Service[], slices: EndpointSlice[]) {
  return buildServiceTable(services, (ns, name) => slices.filter((s) => sliceServiceKey(s) === `${ns}/${name}`), fixtureNode);
}

describe("iptables rules", () => {
  it("uses upstream's probabilities: 1/n, 1/(n-1), …, the last endpoint unconditional", () => {
    assert.deepEqual([3, 2].map(probability), ["0.3333333333", "0.5000000000"]);
  });

  it("renders every chain for a cluster of every Service shape", () => {
    const { services, slices } = fixtureCluster();
    golden("cluster.iptables", renderIptables(undefined, iptablesModel(table(services, slices), fixtureNode)));
  });

  it("rewrites the dispatch chains and only the service chains that changed", () => {
    const { services, slices } = fixtureCluster();
    const before = iptablesModel(table(services, slices), fixtureNode);
    const web = slices.findIndex((s) => s.metadata.name === "web-1");
    slices[web] = slice("ns1", "web", [{ name: "http", port: 8080 }], [{ ip: "10.244.1.5", node: "node-a" }, { ip: "10.244.2.7" }, { ip: "10.244.2.13" }]);
    const after = iptablesModel(
      table(
        services.filter((s) => s.metadata.name !== "dns"),
        slices,
      ),
      fixtureNode,
    );
    golden("incremental.iptables", renderIptables(before, after));
  });
});
