import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseLabelSelector } from "./label-parser.js";
import { LabelSelector, labelRequirement, labelSelectorFromObject, labelSelectorFromSet } from "./labels.js";
import { isApiError } from "./status.js";

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (err) {
    assert.ok(isApiError(err, "BadRequest"), `expected BadRequest for ${s}`);
    assert.equal(err.code, 400);
    return err.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to fail`);
}

describe("parseLabelSelector", () => {
  it("re-serialises good selectors without their spaces", () => {
    for (const s of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]) {
      assert.equal(parseLabelSelector(s).toString(), s.replaceAll(" ", ""), s);
    }
  });

  it("sorts requirements by key and set values alphabetically, dropping duplicates", () => {
    const table: Array<[string, string]> = [
      ["x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"],
      ["x in (a,,a,,a,,a,,)", "x in (,a)"],
      ["x in (abc,abc)", "x in (abc)"],
      ["x notin ( )", "x notin ()"],
      ["x notin (, a)", "x notin (,a)"],
      ["foo  in\t (abc)", "foo in (abc)"],
      ["x notin\n (abc)", "x notin (abc)"],
      ["\rx", "x"],
      ["a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"],
      ["0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"],
      ["x==a", "x==a"],
    ];
    for (const [input, out] of table) assert.equal(parseLabelSelector(input).toString(), out, input);
  });

  it("rejects bad syntax with upstream's messages", () => {
    const table: Array<[string, string]> = [
      ["x==a==b", "found '==', expected: ',' or 'end of string'"],
      ["!x=a", "found '=', expected: ',' or 'end of string'"],
      ["x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
      ["x,,y", "found ',', expected: identifier after ','"],
      [",x,y", "found ',', expected: !, identifier, or 'end of string'"],
      ["x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"],
      ["a in (xyz),", "found '', expected: identifier after ','"],
      ["a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"],
      ["x in y", "unable to parse requirement: found 'y' expected: '('"],
      ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ];
    for (const [input, msg] of table) assert.equal(parseError(input), msg, input);
  });

  it("reports an invalid key with the nil field path upstream prints", () => {
    assert.equal(
      parseError("foo_/bar=x"),
      "unable to parse requirement: <nil>: Invalid value: \"foo_/bar\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  });

  it("reports an invalid value under values[i][key]", () => {
    assert.match(parseError("x=a||y=b"), /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\|\|y": /);
    assert.match(parseError("app=a$b"), /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a\$b": a valid label must be an empty string/);
  });
});

describe("LabelSelector.matches", () => {
  const table: Array<[string, Record<string, string>, boolean]> = [
    ["x=foo", { x: "foo" }, true],
    ["x=foo", { x: "bar" }, false],
    ["x=foo", {}, false],
    ["x!=foo", {}, true],
    ["x!=foo", { x: "foo" }, false],
    ["x in (foo),y notin (alpha)", { x: "foo", y: "baz" }, true],
    ["x in (foo),y in (alpha)", { x: "foo", y: "baz" }, false],
    ["x notin (),y", { y: "" }, true],
    ["!x,y", { y: "" }, true],
    ["x notin (),!y", { y: "" }, false],
    ["x in ()", { y: "baz" }, false],
    ["z>1", { z: "2" }, true],
    ["z>1", { z: "v2" }, false],
    ["z<1", { z: "-3" }, true],
    ["z>1", {}, false],
    ["x,y in (a)", { x: "1" }, false],
    ["", { anything: "x" }, true],
  ];
  for (const [sel, labels, want] of table) {
    it(`${JSON.stringify(sel)} ${want ? "matches" : "does not match"} ${JSON.stringify(labels)}`, () => {
      assert.equal(parseLabelSelector(sel).matches(labels), want);
    });
  }

  it("does not see inherited properties as labels", () => {
    assert.equal(parseLabelSelector("constructor").matches({}), false);
  });
});

describe("everything and nothing", () => {
  it("everything is empty and matches all; nothing matches none", () => {
    assert.equal(LabelSelector.everything().empty, true);
    assert.equal(LabelSelector.everything().matches({ a: "b" }), true);
    assert.equal(LabelSelector.nothing().empty, false);
    assert.equal(LabelSelector.nothing().matches({}), false);
    assert.equal(LabelSelector.nothing().toString(), "");
  });
});

describe("labelSelectorFromObject (LabelSelectorAsSelector)", () => {
  it("turns a missing selector into nothing and an empty one into everything", () => {
    assert.equal(labelSelectorFromObject(undefined), LabelSelector.nothing());
    assert.equal(labelSelectorFromObject(null), LabelSelector.nothing());
    assert.equal(labelSelectorFromObject({}), LabelSelector.everything());
  });

  it("combines matchLabels and matchExpressions", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front", "back"] },
        { key: "env", operator: "NotIn", values: ["prod"] },
        { key: "track", operator: "Exists" },
        { key: "canary", operator: "DoesNotExist" },
      ],
    });
    assert.equal(sel.toString(), "app=web,!canary,env notin (prod),tier in (back,front),track");
    assert.equal(sel.matches({ app: "web", tier: "front", track: "x" }), true);
    assert.equal(sel.matches({ app: "web", tier: "front", track: "x", canary: "1" }), false);
  });

  it("rejects an unknown operator and invalid requirements", () => {
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }), {
      message: '"Gt" is not a valid label selector operator',
    });
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }), {
      message: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    });
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }), {
      message: 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    });
  });
});

describe("labelRequirement", () => {
  it("aggregates several errors in brackets", () => {
    assert.throws(() => labelRequirement("a/b/c", "=", ["x", "y"]), (err: Error) => err.message.startsWith("[key: Invalid value: \"a/b/c\": a valid label key") && err.message.includes(", values: Invalid value: [\"x\",\"y\"]: exact-match compatibility requires one single value]"));
  });

  it("names the supported operators", () => {
    assert.throws(() => labelRequirement("a", "like", ["x"]), {
      message: 'operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    });
  });
});

describe("labelSelectorFromSet", () => {
  it("selects by equality, sorted by key, and exposes exact matches", () => {
    const sel = labelSelectorFromSet({ b: "2", a: "1" });
    assert.equal(sel.toString(), "a=1,b=2");
    assert.equal(sel.requiresExactMatch("a"), "1");
    assert.equal(sel.requiresExactMatch("c"), undefined);
    assert.equal(labelSelectorFromSet({}).empty, true);
  });
});
