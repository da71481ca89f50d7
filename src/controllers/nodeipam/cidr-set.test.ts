import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CidrSet, parseCidr } from "./cidr-set.js";

describe("CidrSet (upstream's cidrset)", () => {
  it("hands out the /24s of 10.42.0.0/16 in order", () => {
    const set = new CidrSet("10.42.0.0/16");
    assert.equal(set.capacity, 256);
    assert.deepEqual([set.allocateNext(), set.allocateNext(), set.allocateNext()], ["10.42.0.0/24", "10.42.1.0/24", "10.42.2.0/24"]);
  });
  it("skips CIDRs nodes already hold and tracks only its own node-sized subnets", () => {
    const set = new CidrSet("10.42.0.0/16");
    assert.equal(set.occupy("10.42.0.0/24"), true);
    assert.equal(set.occupy("10.42.2.0/24"), true);
    assert.equal(set.occupy("10.244.0.0/24"), false, "outside the cluster CIDR");
    assert.equal(set.occupy("10.42.3.0/25"), false, "not the node mask size");
    assert.deepEqual([set.allocateNext(), set.allocateNext()], ["10.42.1.0/24", "10.42.3.0/24"]);
  });
  it("searches on from the last CIDR given, wrapping to released ones, and is exhausted when full", () => {
    const set = new CidrSet("10.42.0.0/22");
    assert.deepEqual([0, 1, 2, 3].map(() => set.allocateNext()), ["10.42.0.0/24", "10.42.1.0/24", "10.42.2.0/24", "10.42.3.0/24"]);
    assert.equal(set.allocateNext(), undefined);
    set.release("10.42.1.0/24");
    assert.equal(set.allocateNext(), "10.42.1.0/24");
  });
  it("normalises the cluster CIDR and honours the node mask size", () => {
    const set = new CidrSet("10.42.7.9/16", 26);
    assert.equal(set.clusterCidr, "10.42.0.0/16");
    assert.deepEqual([set.allocateNext(), set.allocateNext()], ["10.42.0.0/26", "10.42.0.64/26"]);
  });
  it("rejects bad CIDRs and mask sizes", () => {
    assert.throws(() => parseCidr("10.42.0.0"), /is not an IPv4 CIDR/);
    assert.throws(() => parseCidr("10.300.0.0/16"), /is not an IPv4 CIDR/);
    assert.throws(() => new CidrSet("10.42.0.0/16", 8), /smaller than the cluster CIDR/);
  });
});
