import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prefixEnd, rangeStart } from "./_keys.js";

describe("prefixEnd", () => {
  it("bumps the last character", () => {
    assert.equal(prefixEnd("/registry/pods/"), "/registry/pods0");
    assert.equal(prefixEnd("a"), "b");
  });

  it("has no end for the empty prefix", () => {
    assert.equal(prefixEnd(""), undefined);
  });

  it("bounds every string under the prefix, also past the BMP", () => {
    for (const prefix of ["/x/", "é", "\u{1F680}", "a\u{10FFFF}", "\uD7FF"]) {
      const end = prefixEnd(prefix)!;
      for (const suffix of ["", "z", "\u{10FFFF}\u{10FFFF}", "\uFFFF"]) {
        const key = prefix + suffix;
        assert.ok(Buffer.compare(Buffer.from(key), Buffer.from(end)) < 0, `${JSON.stringify(key)} < ${JSON.stringify(end)}`);
      }
      assert.ok(Buffer.compare(Buffer.from(prefix), Buffer.from(end)) < 0);
    }
    assert.equal(prefixEnd("a\u{10FFFF}"), "b");
    assert.equal(prefixEnd("\uD7FF"), "\uE000");
  });
});

describe("rangeStart", () => {
  it("starts at startKey only when it lies past the prefix", () => {
    assert.equal(rangeStart("/t/", undefined), "/t/");
    assert.equal(rangeStart("/t/", "/a"), "/t/");
    assert.equal(rangeStart("/t/", "/t/k"), "/t/k");
  });
});
