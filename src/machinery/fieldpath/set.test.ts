import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldSet } from "./set.js";
import { keyElement, parseElement, pathString, serializeElement, type Path } from "./path.js";

const f = (field: string) => ({ field });

describe("field paths", () => {
  // Cases after structured-merge-diff fieldpath/serialize-pe_test.go and element.go String().
  const cases: { pe: ReturnType<typeof parseElement>; serialized: string; str: string }[] = [
    { pe: f("spec"), serialized: "f:spec", str: ".spec" },
    { pe: keyElement([["name", "nginx"]]), serialized: 'k:{"name":"nginx"}', str: '[name="nginx"]' },
    { pe: keyElement([["protocol", "TCP"], ["containerPort", 80]]), serialized: 'k:{"containerPort":80,"protocol":"TCP"}', str: '[containerPort=80,protocol="TCP"]' },
    { pe: { value: "foregroundDeletion" }, serialized: 'v:"foregroundDeletion"', str: '[="foregroundDeletion"]' },
    { pe: { value: 3 }, serialized: "v:3", str: "[=3]" },
    { pe: { index: 2 }, serialized: "i:2", str: "[2]" },
  ];
  for (const c of cases) {
    it(`serializes ${c.serialized} and parses it back`, () => {
      assert.equal(serializeElement(c.pe), c.serialized);
      assert.deepEqual(parseElement(c.serialized), c.pe);
      assert.equal(pathString([c.pe]), c.str);
    });
  }

  it("refuses unknown prefixes and malformed keys", () => {
    assert.throws(() => parseElement("x:foo"), /unknown prefix/);
    assert.throws(() => parseElement("k:{}"), /at least one key/);
    assert.throws(() => parseElement("k:[1]"), /expected key value pairs/);
    assert.throws(() => parseElement("i:-1"), /unknown index/);
  });

  it("names nested paths as upstream's conflict messages do", () => {
    const p: Path = [f("spec"), f("template"), f("spec"), f("containers"), keyElement([["name", "web"]]), f("image")];
    assert.equal(pathString(p), '.spec.template.spec.containers[name="web"].image');
  });
});

describe("FieldSet", () => {
  const labels: Path = [f("metadata"), f("labels"), f("app")];
  const replicas: Path = [f("spec"), f("replicas")];
  const item: Path = [f("spec"), f("containers"), keyElement([["name", "web"]])];
  const image: Path = [...item, f("image")];

  it("writes FieldsV1 with '.' for a member that has children, sorted as upstream", () => {
    const s = FieldSet.of(replicas, labels, [f("metadata"), f("labels")], item, image);
    assert.equal(
      JSON.stringify(s.toFieldsV1()),
      JSON.stringify({
        "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
        "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {} } }, "f:replicas": {} },
      }),
    );
  });

  it("reads FieldsV1 back into the same set", () => {
    const doc = { "f:metadata": { "f:finalizers": { ".": {}, 'v:"a"': {} } }, "f:spec": { "f:replicas": {}, "f:selector": {} } };
    const s = FieldSet.fromFieldsV1(doc);
    assert.deepEqual(s.toFieldsV1(), doc);
    assert.ok(s.has([f("metadata"), f("finalizers")]));
    assert.ok(s.has([f("metadata"), f("finalizers"), { value: "a" }]));
    assert.ok(!s.has([f("spec")]));
  });

  it("refuses malformed FieldsV1", () => {
    assert.throws(() => FieldSet.fromFieldsV1({ "f:a": 1 }));
    assert.throws(() => FieldSet.fromFieldsV1({ "q:a": {} }));
  });

  const a = FieldSet.of(replicas, labels, item);
  const b = FieldSet.of(replicas, image, [f("spec")]);
  const table: { name: string; got: FieldSet; want: Path[] }[] = [
    { name: "union", got: a.union(b), want: [[f("spec")], labels, replicas, item, image] },
    { name: "intersection", got: a.intersection(b), want: [replicas] },
    { name: "difference keeps paths below a removed member", got: a.difference(b), want: [labels, item] },
    { name: "recursive difference drops them", got: a.recursiveDifference(b), want: [labels] },
  ];
  for (const t of table) {
    it(`computes the ${t.name}`, () => {
      assert.deepEqual(t.got.paths().map(pathString).sort(), t.want.map(pathString).sort());
    });
  }

  it("is empty when only empty prefixes are left", () => {
    assert.ok(FieldSet.of(replicas).difference(FieldSet.of(replicas)).empty());
    assert.ok(!FieldSet.of(replicas).empty());
    assert.deepEqual(FieldSet.of(replicas).difference(FieldSet.of(replicas)).toFieldsV1(), {});
  });

  it("lists members before deeper paths, each level sorted (Set.Iterate)", () => {
    const s = FieldSet.of([f("b")], [f("a"), f("x")], [f("a")], [f("c"), f("y")]);
    assert.deepEqual(s.paths().map(pathString), [".a", ".b", ".a.x", ".c.y"]);
  });
});
