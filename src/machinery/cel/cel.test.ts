import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { celOptional, celValue, compileCel, evaluateCel, jsonFromCel } from "./index.js";

function run(expr: string, vars: Record<string, unknown> = {}): unknown {
  const decls = { variables: Object.fromEntries(Object.keys(vars).map((k) => [k, "dyn"])) };
  const c = compileCel(expr, decls);
  if (!c.ok) throw new Error(c.error);
  const r = evaluateCel(c.program, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, celValue(v)])));
  if (!r.ok) throw new Error(r.error);
  return jsonFromCel(r.value);
}

describe("CEL wrapper", () => {
  it("evaluates rules over JSON values, integers as CEL ints", () => {
    assert.equal(run("self.replicas <= self.maxReplicas", { self: { replicas: 3, maxReplicas: 5 } }), true);
    assert.equal(run("self.replicas + 1", { self: { replicas: 3 } }), 4);
    assert.equal(run("has(self.foo)", { self: {} }), false);
    assert.equal(run("self.items.all(x, x.startsWith('a'))", { self: { items: ["ab", "ac"] } }), true);
    assert.equal(run("self == oldSelf", { self: { a: 1 }, oldSelf: { a: 1 } }), true);
    assert.equal(run("self.?missing.orValue('d')", { self: {} }), "d");
  });

  it("refuses undeclared variables and syntax errors at compile time", () => {
    const unknown = compileCel("foo > 1", { variables: { self: "dyn" } });
    assert.equal(unknown.ok, false);
    const syntax = compileCel("self.a +", { variables: { self: "dyn" } });
    assert.equal(syntax.ok, false);
    assert.match((syntax as { error: string }).error, /unexpected token/i);
  });

  it("reports evaluation errors as values", () => {
    const c = compileCel("self.missing == 1", { variables: { self: "dyn" } });
    assert.ok(c.ok);
    const r = evaluateCel(c.program, { self: {} });
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /no such key: missing/);
  });

  it("has the Kubernetes list, regex and string libraries", () => {
    assert.equal(run("[1, 2, 3].isSorted()"), true);
    assert.equal(run("['b', 'a'].isSorted()"), false);
    assert.equal(run("[1, 2, 3].sum()"), 6);
    assert.equal(run("[3, 1, 2].min()"), 1);
    assert.equal(run("[3, 1, 2].max()"), 3);
    assert.equal(run("[1, 2, 3].indexOf(2)"), 1);
    assert.equal(run("'abc 123 def 456'.find('[0-9]+')"), "123");
    assert.deepEqual(run("'abc 123 def 456'.findAll('[0-9]+')"), ["123", "456"]);
    assert.equal(run("'hello'.charAt(1)"), "e");
    assert.equal(run("'a.b.c'.replace('.', '-')"), "a-b-c");
    assert.equal(run("'abc'.reverse()"), "cba");
  });

  it("compares quantities", () => {
    assert.equal(run("quantity('1Gi').isGreaterThan(quantity('1G'))"), true);
    assert.equal(run("quantity('500m').isLessThan(quantity('1'))"), true);
    assert.equal(run("isQuantity('1.5Gi') && !isQuantity('abc')"), true);
    assert.equal(run("quantity('1k').add(quantity('24')).asInteger()"), 1024);
  });

  it("offers optional values for transition rules", () => {
    const c = compileCel("!oldSelf.hasValue() || self >= oldSelf.value()", { variables: { self: "dyn", oldSelf: "OptionalValue" } });
    assert.ok(c.ok, c.ok ? "" : c.error);
    assert.deepEqual(evaluateCel(c.program, { self: 1n, oldSelf: celOptional(undefined) }), { ok: true, value: true });
    assert.deepEqual(evaluateCel(c.program, { self: 1n, oldSelf: celOptional(2n) }), { ok: true, value: false });
  });

  it("refuses fields a closed structure does not declare, through macros too", () => {
    const structures = { self: { fields: { spec: { fields: { replicas: {}, items: { items: { fields: { name: {} } } }, labels: { values: {} }, free: { fields: {}, open: true } } } } } };
    const compile = (expr: string) => compileCel(expr, { variables: { self: "dyn" }, structures });
    assert.ok(compile("self.spec.replicas > 1 && self.spec.labels.app == 'x' && self.spec.free.anything == 1").ok);
    assert.ok(compile("self.spec.items.all(i, i.name != '')").ok);
    assert.deepEqual(compile("self.spce.replicas > 1"), { ok: false, error: "<input>:1:5: undefined field 'spce'" });
    assert.deepEqual(compile("self.spec.items.exists(i, i.nmae == 'a')"), { ok: false, error: "<input>:1:28: undefined field 'nmae'" });
    assert.deepEqual(compile("has(self.spec.bogus)"), { ok: false, error: "<input>:1:14: undefined field 'bogus'" });
  });

  it("matches with RE2: linear time on a pattern that backtracks exponentially in JavaScript", () => {
    const started = Date.now();
    assert.equal(run("self.s.matches('^(a+)+$')", { self: { s: "a".repeat(5000) + "b" } }), false);
    assert.equal(run("matches(self.s, '^a+$') && self.s.matches('a')", { self: { s: "aaa" } }), true);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    const lookahead = compileCel("self.s.matches('(?=a)')", { variables: { self: "dyn" } });
    assert.equal(lookahead.ok, false);
    assert.match((lookahead as { error: string }).error, /invalid or unsupported Perl syntax/);
  });
});
