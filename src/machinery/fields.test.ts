import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldSelector, escapeFieldValue, fieldLabelNotSupported, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue } from "./fields.js";
import { isApiError } from "./status.js";

describe("parseFieldSelector", () => {
  it("round-trips good selectors (terms sorted as upstream sorts them)", () => {
    const table: Array<[string, string]> = [
      ["", ""],
      ["metadata.name=x", "metadata.name=x"],
      ["spec.nodeName!=y,metadata.name=x", "metadata.name=x,spec.nodeName!=y"],
      ["x==a", "x=a"],
      ["x=", "x="],
      ["x=a,,y=b", "x=a,y=b"],
      ["x=a\\,b", "x=a\\,b"],
      ["x=a\\=b\\\\", "x=a\\=b\\\\"],
    ];
    for (const [input, out] of table) assert.equal(parseFieldSelector(input).toString(), out, input);
  });

  it("rejects terms without an operator and bad escapes with upstream's messages", () => {
    const table: Array<[string, string]> = [
      ["foo", "invalid selector: 'foo'; can't understand 'foo'"],
      ["x=a,foo", "invalid selector: 'x=a,foo'; can't understand 'foo'"],
      ["x=a\\b", "invalid field selector: invalid escape sequence: \\b"],
      ["x=a\\", "invalid field selector: invalid escape sequence: \\"],
      ["x=a=b", "invalid field selector: unescaped character in value: 61"],
    ];
    for (const [input, msg] of table) {
      assert.throws(() => parseFieldSelector(input), (err: unknown) => isApiError(err, "BadRequest") && err.message === msg, input);
    }
  });

  it("lists the fields it uses", () => {
    assert.deepEqual(parseFieldSelector("status.phase!=Failed,metadata.name=a,status.phase!=Succeeded").fields(), ["metadata.name", "status.phase"]);
  });
});

describe("FieldSelector.matches", () => {
  const pod: Record<string, string> = { "metadata.name": "web-1", "spec.nodeName": "node-1", "status.phase": "Running" };
  const get = (f: string): string | undefined => pod[f];
  const table: Array<[string, boolean]> = [
    ["", true],
    ["metadata.name=web-1", true],
    ["metadata.name==web-1", true],
    ["metadata.name=web-2", false],
    ["spec.nodeName!=node-1", false],
    ["spec.nodeName!=", true],
    ["spec.nodeName=node-1,status.phase!=Succeeded", true],
    ["spec.nodeName=node-1,status.phase=Pending", false],
    ["spec.schedulerName=", true], // a missing field reads as ""
  ];
  for (const [sel, want] of table) {
    it(`${JSON.stringify(sel)} ${want ? "matches" : "does not match"}`, () => {
      assert.equal(parseFieldSelector(sel).matches(get), want);
    });
  }
});

describe("FieldSelector helpers", () => {
  it("everything, nothing, exact match, from a set", () => {
    assert.equal(FieldSelector.everything().empty, true);
    assert.equal(FieldSelector.nothing().matches(() => ""), false);
    assert.equal(parseFieldSelector("spec.nodeName=n1").requiresExactMatch("spec.nodeName"), "n1");
    assert.equal(parseFieldSelector("spec.nodeName!=n1").requiresExactMatch("spec.nodeName"), undefined);
    assert.equal(fieldSelectorFromSet({ "metadata.name": "a" }).toString(), "metadata.name=a");
  });

  it("transforms and drops terms", () => {
    const sel = parseFieldSelector("name=a,drop=x").transform((f, v) => (f === "drop" ? undefined : { field: `metadata.${f}`, value: v }));
    assert.equal(sel.toString(), "metadata.name=a");
  });

  it("escapes and unescapes values", () => {
    assert.equal(escapeFieldValue("a,b=c\\"), "a\\,b\\=c\\\\");
    assert.equal(unescapeFieldValue("a\\,b\\=c\\\\"), "a,b=c\\");
  });

  it("builds upstream's unsupported-field error", () => {
    const err = fieldLabelNotSupported("foo");
    assert.equal(err.code, 400);
    assert.equal(err.message, "field label not supported: foo");
  });
});
