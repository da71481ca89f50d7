import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkTypes, findUnknownFields, pruneUnknownFields, strictDecodingMessage } from "./schema-check.js";
import { patchMetaFor } from "./schema-patch-meta.js";
import { coreV1Definitions } from "./core/v1/definitions.js";
import type { Definitions, Schema } from "./schema.js";

const defs = coreV1Definitions;
const pod = { $ref: "io.k8s.api.core.v1.Pod" };

function aPod(): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", labels: { app: "web" } },
    spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "100m" } } }] },
  };
}

describe("findUnknownFields", () => {
  it("finds nothing in a well-formed pod", () => {
    assert.deepEqual(findUnknownFields(aPod(), pod, defs), []);
  });

  it("names unknown fields with upstream's paths", () => {
    const p = aPod();
    (p.spec as { containers: Record<string, unknown>[] }).containers[0].imagePullPolicyy = "Always";
    (p.spec as Record<string, unknown>).foo = 1;
    p.extra = true;
    assert.deepEqual(findUnknownFields(p, pod, defs), ["spec.containers[0].imagePullPolicyy", "spec.foo", "extra"]);
  });

  it("words the Strict error as upstream", () => {
    assert.equal(strictDecodingMessage(["spec.foo", "spec.bar"]), 'strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
  });

  it("respects x-kubernetes-preserve-unknown-fields but still walks declared properties", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "object", properties: { a: { type: "string" } } } } },
      },
    };
    assert.deepEqual(findUnknownFields({ spec: { anything: 1, known: { a: "x", b: 2 } } }, schema, {}), ["spec.known.b"]);
  });

  it("walks map values", () => {
    const local: Definitions = { T: { type: "object", properties: { v: { type: "string" } } } };
    const schema: Schema = { type: "object", properties: { m: { type: "object", additionalProperties: { $ref: "T" } } } };
    assert.deepEqual(findUnknownFields({ m: { k: { v: "1", w: 2 } } }, schema, local), ["m[k].w"]);
  });
});

describe("pruneUnknownFields", () => {
  it("drops unknown fields in place and reports them", () => {
    const p = aPod();
    (p.spec as Record<string, unknown>).foo = 1;
    const dropped = pruneUnknownFields(p, pod, defs);
    assert.deepEqual(dropped, ["spec.foo"]);
    assert.deepEqual(p, aPod());
  });
});

describe("checkTypes", () => {
  it("accepts a well-formed pod", () => {
    assert.deepEqual(checkTypes(aPod(), pod, defs), []);
  });

  it("reports wrong JSON types as the CRD validator words them", () => {
    const p = aPod();
    const c = (p.spec as { containers: Record<string, unknown>[] }).containers[0];
    c.ports = [{ containerPort: "80" }];
    c.tty = "yes";
    const errors = checkTypes(p, pod, defs);
    assert.deepEqual(
      errors.map((e) => [e.field, e.detail]),
      [
        ["spec.containers[0].ports[0].containerPort", 'spec.containers[0].ports[0].containerPort in body must be of type integer: "string"'],
        ["spec.containers[0].tty", 'spec.containers[0].tty in body must be of type boolean: "string"'],
      ],
    );
  });

  it("checks formats: int-or-string, quantity, date-time, byte", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        port: { $ref: "io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
        cpu: { $ref: "io.k8s.apimachinery.pkg.api.resource.Quantity" },
        at: { $ref: "io.k8s.apimachinery.pkg.apis.meta.v1.Time" },
        data: { type: "string", format: "byte" },
      },
    };
    assert.deepEqual(checkTypes({ port: "http", cpu: "1.5Gi", at: "2024-01-02T03:04:05Z", data: "aGVsbG8=" }, schema, {}), []);
    assert.deepEqual(checkTypes({ port: 8080, cpu: 2 }, schema, {}), []);
    const errors = checkTypes({ port: true, cpu: "lots", at: "yesterday", data: "not base64!" }, schema, {});
    assert.deepEqual(errors.map((e) => e.field), ["port", "cpu", "at", "data"]);
    assert.equal(errors[0].detail, 'port in body must be of type integer,string: "boolean"');
    assert.equal(errors[2].detail, 'at in body must be of type date-time: "yesterday"');
  });

  it("accepts null anywhere, as decoding into Go structs does", () => {
    const p = aPod();
    (p.spec as Record<string, unknown>).nodeName = null;
    assert.deepEqual(checkTypes(p, pod, defs), []);
  });
});

describe("patchMetaFor", () => {
  it("finds the containers merge key and the ports merge key under it", () => {
    const spec = patchMetaFor(pod, defs).lookupStruct("spec");
    assert.ok(spec);
    const containers = spec.lookup.lookupSlice("containers");
    assert.deepEqual(containers?.meta, { strategies: ["merge"], mergeKey: "name" });
    assert.equal(containers?.lookup.name, "io.k8s.api.core.v1.Container");
    const ports = containers?.lookup.lookupSlice("ports");
    assert.deepEqual(ports?.meta, { strategies: ["merge"], mergeKey: "containerPort" });
    assert.deepEqual(containers?.lookup.lookupSlice("args")?.meta, { strategies: [], mergeKey: "" });
    assert.equal(spec.lookup.lookupStruct("nope"), undefined);
  });

  it("reads combined strategies", () => {
    const spec = patchMetaFor(pod, defs).lookupStruct("spec");
    assert.deepEqual(spec?.lookup.lookupSlice("resourceClaims")?.meta.strategies, ["merge", "retainKeys"]);
  });
});
