import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyMergePatch, createMergePatch } from "./merge-patch.js";

// RFC 7386 appendix A, plus Kubernetes-shaped cases.
const table: Array<[string, unknown, unknown, unknown]> = [
  ["replaces a member", { a: "b" }, { a: "c" }, { a: "c" }],
  ["adds a member", { a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  ["removes with null", { a: "b" }, { a: null }, {}],
  ["removes one of two", { a: "b", b: "c" }, { a: null }, { b: "c" }],
  ["replaces an array", { a: ["b"] }, { a: "c" }, { a: "c" }],
  ["replaces with an array", { a: "c" }, { a: ["b"] }, { a: ["b"] }],
  ["merges nested objects", { a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
  ["replaces arrays whole", { a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  ["replaces a non-object target", ["a", "b"], ["c", "d"], ["c", "d"]],
  ["turns a non-object into an object", { a: "b" }, ["c"], ["c"]],
  ["drops nulls in added objects", { e: null }, { a: 1 }, { e: null, a: 1 }],
  ["creates nested objects", [1, 2], { a: "b", c: null }, { a: "b" }],
  ["deep null inside a new member", {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ["labels and replicas", { metadata: { labels: { app: "web", tier: "x" } }, spec: { replicas: 1 } }, { metadata: { labels: { tier: null } }, spec: { replicas: 3 } }, { metadata: { labels: { app: "web" } }, spec: { replicas: 3 } }],
];

describe("applyMergePatch", () => {
  for (const [what, target, patch, want] of table) {
    it(what, () => {
      const before = JSON.stringify({ target, patch });
      assert.deepEqual(applyMergePatch(target, patch), want);
      assert.equal(JSON.stringify({ target, patch }), before);
    });
  }
});

describe("createMergePatch", () => {
  it("produces a patch that turns the original into the modified document", () => {
    const original = { metadata: { name: "a", labels: { app: "web", old: "x" } }, spec: { ports: [1], replicas: 1 } };
    const modified = { metadata: { name: "a", labels: { app: "web", new: "y" } }, spec: { ports: [1, 2] } };
    const patch = createMergePatch(original, modified);
    assert.deepEqual(patch, { metadata: { labels: { old: null, new: "y" } }, spec: { replicas: null, ports: [1, 2] } });
    assert.deepEqual(applyMergePatch(original, patch), modified);
    assert.deepEqual(createMergePatch(original, original), {});
  });
});
