// Merge and field-set cases from structured-merge-diff's typed/merge_test.go and
// typed/toset_test.go, with the same schemas written as OpenAPI.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Schema } from "../../api/index.js";
import { TypedSchema } from "./_typed.js";

const root: Schema = {
  type: "object",
  properties: {
    numeric: { type: "number" },
    string: { type: "string" },
    bool: { type: "boolean" },
    setStr: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
    atomicList: { type: "array", "x-kubernetes-list-type": "atomic", items: { type: "string" } },
    list: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["key", "id"],
      items: {
        type: "object",
        properties: { key: { type: "string" }, id: { type: "number" }, value: { type: "object", additionalProperties: { type: "string" } }, bv: { type: "boolean" }, nv: { type: "number" } },
      },
    },
  },
};
const typed = new TypedSchema({}, root);

describe("TypedSchema.merge (merge_test.go triplets)", () => {
  const triplets: [string, string, string][] = [
    ['{"numeric":1}', '{"numeric":3.14159}', '{"numeric":3.14159}'],
    ['{"string":"aoeu"}', '{"bool":true}', '{"string":"aoeu","bool":true}'],
    ['{"setStr":["a","b","c"]}', '{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}'],
    ['{"setStr":["a","b","c"]}', '{"setStr":[]}', '{"setStr":["a","b","c"]}'],
    ['{"setStr":[]}', '{"setStr":["a","b","c"]}', '{"setStr":["a","b","c"]}'],
    ['{"setStr":["a","b"]}', '{"setStr":["b","a"]}', '{"setStr":["b","a"]}'],
    ['{"setStr":["a","b","c"]}', '{"setStr":["d","e","f"]}', '{"setStr":["a","b","c","d","e","f"]}'],
    ['{"setStr":["a","b","c","g","f"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","g","d","e","f"]}'],
    ['{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}', '{"setStr":["a","c","d","e","f"]}'],
    ['{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
    ['{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
    ['{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}', '{"setStr":["b","c","d","e","f","a"]}'],
    ['{"setStr":["c","d","e","f","g","h","i","j"]}', '{"setStr":["2","h","3","e","4","k","l"]}', '{"setStr":["c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
    ['{"setStr":["a","b","c","d","e","f","g","h","i","j"]}', '{"setStr":["1","b","2","h","3","e","4","k","l"]}', '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
    ['{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":1}]}', '{"list":[{"key":"a","id":1},{"key":"a","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":1},{"key":"a","id":2}]}'],
    ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"c","id":3},{"key":"b","id":2}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}', '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'],
    ['{"atomicList":["a","a","a"]}', '{"atomicList":null}', '{"atomicList":null}'],
    ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
    ['{"atomicList":["a","a","a"]}', '{"atomicList":["a","a"]}', '{"atomicList":["a","a"]}'],
    [
      '{"list":[{"key":"a","id":1,"bv":true},{"key":"b","id":2},{"key":"a","id":1,"bv":false,"nv":2}]}',
      '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
      '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
    ],
    ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{"list":[]}', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
    ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', "{}", '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
  ];
  for (const [lhs, rhs, want] of triplets) {
    it(`${lhs} + ${rhs}`, () => {
      assert.deepEqual(typed.merge(JSON.parse(lhs), JSON.parse(rhs)), JSON.parse(want));
    });
  }

  it("refuses an applied list with a repeated key", () => {
    assert.throws(() => typed.merge({}, { list: [{ key: "a", id: 1 }, { key: "a", id: 1 }] }), /\.list: duplicate entries for key \[id=1,key="a"\]/);
  });
});

describe("TypedSchema.toFieldSet and compare", () => {
  it("owns set values, keyed items with their fields, atomic lists whole, and empty maps", () => {
    const set = typed.toFieldSet({ setStr: ["a"], atomicList: ["x"], list: [{ key: "a", id: 1, value: {} }], numeric: 1 });
    assert.deepEqual(set.toFieldsV1(), {
      "f:atomicList": {},
      "f:list": { 'k:{"id":1,"key":"a"}': { ".": {}, "f:id": {}, "f:key": {}, "f:value": {} } },
      "f:numeric": {},
      "f:setStr": { 'v:"a"': {} },
    });
  });

  it("reports added, removed and modified fields, lists and maps added as a whole included", () => {
    const c = typed.compare({ numeric: 1, setStr: ["a", "b"], list: [{ key: "a", id: 1, nv: 1 }] }, { numeric: 2, setStr: ["b", "c"], list: [{ key: "a", id: 1, nv: 1, bv: true }], string: "s" });
    assert.deepEqual(c.modified.toFieldsV1(), { "f:numeric": {} });
    assert.deepEqual(c.added.toFieldsV1(), { "f:list": { 'k:{"id":1,"key":"a"}': { "f:bv": {} } }, "f:setStr": { 'v:"c"': {} }, "f:string": {} });
    assert.deepEqual(c.removed.toFieldsV1(), { "f:setStr": { 'v:"a"': {} } });
  });

  it("removes items and fields named by a set, dropping containers left empty", () => {
    const obj = { setStr: ["a", "b"], list: [{ key: "a", id: 1, nv: 1 }, { key: "b", id: 2 }], numeric: 1 };
    const set = typed.toFieldSet({ setStr: ["a"], list: [{ key: "b", id: 2 }] });
    assert.deepEqual(typed.removeItems(obj, set), { setStr: ["b"], list: [{ key: "a", id: 1, nv: 1 }], numeric: 1 });
    assert.deepEqual(typed.removeItems({ setStr: ["a"] }, typed.toFieldSet({ setStr: ["a"] })), undefined);
  });
});
