import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorMessage } from "../../machinery/index.js";
import type { JSONSchemaProps } from "../apiextensions/v1/crd-types.js";
import type { KubeObject } from "../object.js";
import { findUnknownFields, pruneUnknownFields } from "../schema-check.js";
import { metaV1Definitions } from "../meta/v1/index.js";
import { applyDefaults } from "./_defaults.js";
import { validateValue } from "./_validate-value.js";
import { customResourceTypes, validateCustomResource } from "./custom-resource.js";
import { validateStructuralSchema } from "./structural.js";
import { evaluateJsonPath, parseJsonPath } from "./_json-path.js";
import { rootSchemaV2Of } from "./_to-schema.js";

const schema: JSONSchemaProps = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["host"],
      "x-kubernetes-validations": [
        { rule: "self.minReplicas <= self.replicas", message: "replicas should be no less than minReplicas" },
        { rule: "self.replicas < 100", messageExpression: "'replicas ' + string(self.replicas) + ' is too many'" },
        { rule: "self.host == oldSelf.host", reason: "FieldValueForbidden", message: "host is immutable" },
        { rule: "!has(self.mode) || self.mode != 'x'", fieldPath: ".mode" },
      ],
      properties: {
        host: { type: "string", maxLength: 10, pattern: "^[a-z.]+$" },
        replicas: { type: "integer", minimum: 1, maximum: 200, default: 1 },
        minReplicas: { type: "integer", default: 1 },
        ratio: { type: "number", exclusiveMaximum: true, maximum: 1 },
        mode: { type: "string", enum: ["a", "b", "x"] },
        when: { type: "string", format: "date-time" },
        port: { "x-kubernetes-int-or-string": true },
        items: { type: "array", maxItems: 2, minItems: 1, items: { type: "string" } },
        ports: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["port"],
          items: { type: "object", properties: { port: { type: "integer" }, name: { type: "string", default: "http" } } },
        },
        labels: { type: "object", additionalProperties: { type: "string" } },
        nullableText: { type: "string", nullable: true },
        template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      },
    },
  },
};

const obj = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: "x.io/v1", kind: "Foo", metadata: { name: "f" }, spec });
const messages = (o: KubeObject, old?: KubeObject) => validateCustomResource(o, old, schema).map(fieldErrorMessage);

describe("custom resource schema validation (upstream's messages)", () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["a valid object", { host: "a.b", replicas: 2, minReplicas: 1 }, []],
    ["a wrong type", { host: "a", replicas: "2", minReplicas: 1 }, ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"', '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']],
    ["a missing required field", { replicas: 1, minReplicas: 1 }, ["spec.host: Required value", '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']],
    ["too long, and not matching its pattern", { host: "ABCDEFGHIJKL", replicas: 1, minReplicas: 1 }, ["spec.host: Too long: may not be more than 10 bytes", `spec.host: Invalid value: "ABCDEFGHIJKL": spec.host in body should match '^[a-z.]+$'`]],
    ["above maximum", { host: "a", replicas: 300, minReplicas: 1 }, ["spec.replicas: Invalid value: 300: spec.replicas in body should be less than or equal to 200", 'spec: Invalid value: "object": replicas 300 is too many']],
    ["below minimum", { host: "a", replicas: 0, minReplicas: 0 }, ["spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"]],
    ["at an exclusive maximum", { host: "a", replicas: 1, minReplicas: 1, ratio: 1 }, ["spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1"]],
    ["not in the enum", { host: "a", replicas: 1, minReplicas: 1, mode: "c" }, ['spec.mode: Unsupported value: "c": supported values: "a", "b", "x"']],
    ["not a date-time", { host: "a", replicas: 1, minReplicas: 1, when: "yesterday" }, ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"']],
    ["int-or-string given a bool", { host: "a", replicas: 1, minReplicas: 1, port: true }, ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"', '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']],
    ["too many items", { host: "a", replicas: 1, minReplicas: 1, items: ["a", "b", "c"] }, ["spec.items: Too many: 3: must have at most 2 items"]],
    ["too few items", { host: "a", replicas: 1, minReplicas: 1, items: [] }, ["spec.items: Invalid value: []: spec.items in body should have at least 1 items"]],
    ["a duplicate list-map key", { host: "a", replicas: 1, minReplicas: 1, ports: [{ port: 80 }, { port: 80 }] }, ['spec.ports[1]: Duplicate value: {"port":80}']],
    ["a map value of the wrong type", { host: "a", replicas: 1, minReplicas: 1, labels: { a: 1 } }, ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"', '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']],
    ["null where nullable", { host: "a", replicas: 1, minReplicas: 1, nullableText: null }, []],
    ["an embedded resource without apiVersion and kind", { host: "a", replicas: 1, minReplicas: 1, template: { metadata: {} } }, ["spec.template.apiVersion: Required value: must not be empty", "spec.template.kind: Required value: must not be empty", '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']],
    ["a failed CEL rule with message", { host: "a", replicas: 1, minReplicas: 3 }, ['spec: Invalid value: "object": replicas should be no less than minReplicas']],
    ["a CEL rule with fieldPath and no message", { host: "a", replicas: 1, minReplicas: 1, mode: "x" }, [`spec.mode: Invalid value: "object": failed rule: !has(self.mode) || self.mode != 'x'`]],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => assert.deepEqual(messages(obj(spec)), want));
  }

  it("evaluates transition rules against the stored object only on update", () => {
    assert.deepEqual(messages(obj({ host: "b", replicas: 1, minReplicas: 1 }), obj({ host: "a", replicas: 1, minReplicas: 1 })), ["spec: Forbidden: host is immutable"]);
    assert.deepEqual(messages(obj({ host: "a", replicas: 1, minReplicas: 1 }), obj({ host: "a", replicas: 5, minReplicas: 1 })), []);
  });

  it("reports a rule that fails to evaluate as upstream does", () => {
    const s: JSONSchemaProps = { type: "object", properties: { spec: { type: "object", "x-kubernetes-validations": [{ rule: "self.b > 1" }], properties: { a: { type: "string" }, b: { type: "integer" } } } } };
    assert.deepEqual(validateCustomResource(obj({ a: "x" }), undefined, s).map(fieldErrorMessage), ['spec: Invalid value: "object": no such key: b evaluating rule: self.b > 1']);
  });

  it("gives optionalOldSelf rules an optional oldSelf, on create too", () => {
    const s: JSONSchemaProps = { type: "object", properties: { spec: { type: "object", properties: { n: { type: "integer", "x-kubernetes-validations": [{ rule: "!oldSelf.hasValue() || self >= oldSelf.value()", message: "n may only grow", optionalOldSelf: true }, { rule: "oldSelf.hasValue() || self < 10", message: "starts below 10", optionalOldSelf: true }] } } } } };
    assert.deepEqual(validateCustomResource(obj({ n: 12 }), undefined, s).map(fieldErrorMessage), ['spec.n: Invalid value: "integer": starts below 10']);
    assert.deepEqual(validateCustomResource(obj({ n: 3 }), obj({ n: 5 }), s).map(fieldErrorMessage), ['spec.n: Invalid value: "integer": n may only grow']);
    assert.deepEqual(validateCustomResource(obj({ n: 30 }), obj({ n: 5 }), s), []);
  });

  it("sees date-time strings as timestamps", () => {
    const s: JSONSchemaProps = { type: "object", properties: { spec: { type: "object", "x-kubernetes-validations": [{ rule: "self.end > self.start && self.start > timestamp('2020-01-01T00:00:00Z')", message: "end after start" }], properties: { start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } } } } };
    assert.deepEqual(validateCustomResource(obj({ start: "2024-05-01T10:00:00Z", end: "2024-05-01T09:00:00+00:00" }), undefined, s).map(fieldErrorMessage), ['spec: Invalid value: "object": end after start']);
    assert.deepEqual(validateCustomResource(obj({ start: "2024-05-01T10:00:00Z", end: "2024-05-02T00:00:00Z" }), undefined, s), []);
  });

  it("ratchets: an update is not refused for values it leaves as they were stored", () => {
    const tight: JSONSchemaProps = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            name: { type: "string", maxLength: 3 },
            size: { type: "integer", "x-kubernetes-validations": [{ rule: "self < 10", message: "too big" }] },
            other: { type: "string" },
            child: { type: "object", required: ["must"], properties: { must: { type: "string" }, x: { type: "string" } } },
          },
        },
      },
    };
    const stored = obj({ name: "longer", size: 20, other: "a", child: { x: "1" } });
    const errs = (o: KubeObject, old?: KubeObject) => validateCustomResource(o, old, tight).map(fieldErrorMessage);
    assert.deepEqual(errs(obj({ name: "longer", size: 20, other: "b", child: { x: "1" } }), stored), []);
    assert.deepEqual(errs(obj({ name: "longest", size: 20, other: "a", child: { x: "1" } }), stored), ["spec.name: Too long: may not be more than 3 bytes"]);
    assert.deepEqual(errs(obj({ name: "longer", size: 21, other: "a", child: { x: "1" } }), stored), ['spec.size: Invalid value: "integer": too big']);
    assert.deepEqual(errs(obj({ name: "longer", size: 20, other: "a", child: { x: "2" } }), stored), ["spec.child.must: Required value", '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']);
    // On create nothing ratchets: too long, required, and the rules blocked by the required error.
    assert.equal(errs(obj({ name: "longer", size: 20, other: "a", child: { x: "1" } })).length, 3);
  });

  it("lets a root rule read metadata.name", () => {
    const s: JSONSchemaProps = { type: "object", "x-kubernetes-validations": [{ rule: "self.metadata.name.startsWith('ok-')", message: "name must start with ok-" }], properties: { spec: { type: "object" } } };
    assert.deepEqual(validateCustomResource(obj({}), undefined, s).map(fieldErrorMessage), ['<nil>: Invalid value: "object": name must start with ok-']);
  });
});

describe("custom resource defaulting", () => {
  it("fills absent fields at every depth, in list items, and drops non-nullable nulls", () => {
    const value = { spec: { host: "a", ports: [{ port: 80 }, { port: 81, name: "m" }], mode: null } };
    applyDefaults(value, schema);
    assert.deepEqual(value, { spec: { host: "a", replicas: 1, minReplicas: 1, ports: [{ port: 80, name: "http" }, { port: 81, name: "m" }] } });
  });

  it("defaults objects read from storage without changing them", () => {
    const [rt] = customResourceTypes({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "foos.x.io" }, spec: { group: "x.io", scope: "Namespaced", names: { plural: "foos", kind: "Foo" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }] } });
    const stored = obj({ host: "a" });
    const read = rt.strategy!.fromStorage!(stored);
    assert.equal((read.spec as { replicas: number }).replicas, 1);
    assert.equal((stored.spec as { replicas?: number }).replicas, undefined);
  });
});

describe("custom resource pruning (through the published schema)", () => {
  it("finds and prunes unknown fields, keeping preserved and embedded ones", () => {
    const [rt] = customResourceTypes({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "foos.x.io" }, spec: { group: "x.io", scope: "Namespaced", names: { plural: "foos", kind: "Foo" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }] } });
    const defs = { ...metaV1Definitions, ...rt.definitions };
    const value = obj({ host: "a", bogus: 1, free: { anything: { deep: true } }, template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", unknownMeta: 1 }, spec: { x: 1 } }, ports: [{ port: 1, extra: 2 }] });
    (value.metadata as Record<string, unknown>).unknownRoot = 1;
    assert.deepEqual(findUnknownFields(value, defs[rt.definition], defs), ["metadata.unknownRoot", "spec.bogus", "spec.template.metadata.unknownMeta", "spec.ports[0].extra"]);
    pruneUnknownFields(value, defs[rt.definition], defs);
    assert.deepEqual(value.spec, { host: "a", free: { anything: { deep: true } }, template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { x: 1 } }, ports: [{ port: 1 }] });
  });
});

describe("structural schema checks of a CRD", () => {
  const p = "spec.versions[0].schema.openAPIV3Schema";
  it("requires types, items, and compilable rules", () => {
    const errs = validateStructuralSchema(
      {
        type: "object",
        properties: {
          spec: { properties: { list: { type: "array" } }, "x-kubernetes-validations": [{ rule: "self.a >" }] },
          m: { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "string" } },
          d: { type: "integer", default: "x" },
        },
      },
      p,
    ).map(fieldErrorMessage);
    assert.ok(errs.includes(`${p}.properties[spec].type: Required value: must not be empty for specified object fields`), errs.join("\n"));
    assert.ok(errs.includes(`${p}.properties[spec].properties[list].items: Required value: must be specified`));
    assert.ok(errs.includes(`${p}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`));
    assert.ok(errs.some((e) => e.startsWith(`${p}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "self.a >": compilation failed`)));
    assert.ok(errs.some((e) => e.startsWith(`${p}.properties[d].default: Invalid value: "x"`)));
    const typo = validateStructuralSchema({ type: "object", properties: { spec: { type: "object", properties: { replicas: { type: "integer" } }, "x-kubernetes-validations": [{ rule: "self.replicsa > 0" }] } } }, p).map(fieldErrorMessage);
    assert.deepEqual(typo, [`${p}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "self.replicsa > 0": compilation failed: ERROR: <input>:1:5: undefined field 'replicsa'`]);
  });
  it("requires patterns RE2 can compile, and matches them in linear time", () => {
    assert.deepEqual(validateStructuralSchema({ type: "object", properties: { a: { type: "string", pattern: "^(?!x)" } } }, p).map(fieldErrorMessage), [
      `${p}.properties[a].pattern: Invalid value: "^(?!x)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?!\``,
    ]);
    const started = Date.now();
    assert.equal(validateValue("a".repeat(10000) + "!", { type: "string", pattern: "^(a+)+$" }, "x").length, 1);
    assert.ok(Date.now() - started < 2000);
  });
  it("requires list-map keys to be required or defaulted, and metadata to restrict only name and generateName", () => {
    const errs = validateStructuralSchema(
      {
        type: "object",
        properties: {
          metadata: { type: "object", properties: { labels: { type: "object" } } },
          ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"], items: { type: "object", required: ["port"], properties: { port: { type: "integer" }, protocol: { type: "string" } } } },
        },
      },
      p,
    ).map(fieldErrorMessage);
    assert.deepEqual(errs, [
      `${p}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      `${p}.properties[ports].items.properties[protocol]: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ]);
  });
  it("requires an object at the root", () => {
    assert.deepEqual(validateStructuralSchema({ type: "string" }, p).map(fieldErrorMessage), [`${p}.type: Invalid value: "string": must be object at the root`]);
  });
});

describe("printer-column JSONPath", () => {
  it("selects fields, indexes, quoted keys and filters", () => {
    const o = { status: { conditions: [{ type: "Ready", status: "True" }, { type: "Synced", status: "False" }] }, metadata: { labels: { "app.io/name": "x" } }, spec: { list: [1, 2] } };
    assert.deepEqual(evaluateJsonPath(parseJsonPath('.status.conditions[?(@.type=="Ready")].status'), o), ["True"]);
    assert.deepEqual(evaluateJsonPath(parseJsonPath(".metadata.labels['app.io/name']"), o), ["x"]);
    assert.deepEqual(evaluateJsonPath(parseJsonPath(".spec.list[1]"), o), [2]);
    assert.deepEqual(evaluateJsonPath(parseJsonPath(".spec.list[*]"), o), [1, 2]);
    assert.deepEqual(evaluateJsonPath(parseJsonPath(".spec.missing"), o), []);
  });
});

describe("validateValue", () => {
  it("accepts integers for number fields", () => assert.deepEqual(validateValue(3, { type: "number" }, "x"), []));
});

describe("OpenAPI v2 form of a CRD schema (ToStructuralOpenAPIV2)", () => {
  const gvk = { group: "x.io", version: "v1", kind: "Foo" };
  it("publishes a schema that preserves unknown fields at its root as a bare object", () => {
    assert.deepEqual(rootSchemaV2Of({ type: "object", "x-kubernetes-preserve-unknown-fields": true }, gvk), { type: "object", "x-kubernetes-group-version-kind": [gvk] });
  });
  it("drops what kubectl's v2 reader cannot take, keeps value validations", () => {
    const v2 = rootSchemaV2Of(
      {
        type: "object",
        description: "Foo",
        properties: {
          spec: {
            type: "object",
            required: ["a", "n"],
            properties: {
              a: { type: "string", pattern: "^x", enum: ["x", "xy"] },
              n: { type: "string", nullable: true },
              free: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { k: { type: "string" } } },
            },
          },
        },
      },
      gvk,
    );
    const spec = v2.properties!.spec;
    assert.deepEqual(spec.required, ["a"]);
    assert.deepEqual(spec.properties!.a, { type: "string", pattern: "^x", enum: ["x", "xy"] });
    assert.deepEqual(spec.properties!.n, {});
    assert.deepEqual(spec.properties!.free, { "x-kubernetes-preserve-unknown-fields": true });
    assert.ok(v2.properties!.metadata && v2.properties!.apiVersion && v2.properties!.kind);
    assert.equal(v2.description, "Foo");
  });
});
