import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KindRegistry, compareVersionPriority } from "./registry.js";
import type { ResourceType } from "./resource-type.js";

function widget(version: string, plural = "widgets"): ResourceType {
  const name = `com.example.${version}.Widget`;
  return {
    group: "example.com",
    version,
    kind: "Widget",
    plural,
    singular: "widget",
    namespaced: true,
    definition: name,
    definitions: { [name]: { type: "object", properties: { size: { type: "integer" } } } },
  };
}

describe("KindRegistry", () => {
  it("finds an entry by plural and by kind", () => {
    const r = new KindRegistry({ resources: [widget("v1")] });
    assert.equal(r.get("example.com", "v1", "widgets")?.kind, "Widget");
    assert.equal(r.byKind("example.com", "v1", "Widget")?.plural, "widgets");
    assert.equal(r.get("example.com", "v2", "widgets"), undefined);
  });

  it("refuses a second entry for the same plural unless told to replace it", () => {
    const r = new KindRegistry({ resources: [widget("v1")] });
    assert.throws(() => r.add(widget("v1")), /already registered/);
    r.add({ ...widget("v1"), shortNames: ["wd"] }, { replace: true });
    assert.deepEqual(r.get("example.com", "v1", "widgets")?.shortNames, ["wd"]);
  });

  it("tells listeners about additions and removals, and refreshes definitions", () => {
    const r = new KindRegistry({ definitions: { base: { type: "string" } } });
    let changes = 0;
    const off = r.onChange(() => changes++);
    assert.deepEqual(Object.keys(r.definitions()), ["base"]);
    r.add(widget("v1"));
    assert.ok(r.definitions()["com.example.v1.Widget"]);
    assert.equal(r.remove("example.com", "v1", "widgets"), true);
    assert.equal(r.remove("example.com", "v1", "widgets"), false);
    assert.equal(r.definitions()["com.example.v1.Widget"], undefined);
    assert.equal(changes, 2);
    off();
    r.add(widget("v1"));
    assert.equal(changes, 2);
  });

  it("lists groups with the preferred version first and the core group apart", () => {
    const core: ResourceType = { ...widget("v1", "things"), group: "", kind: "Thing" };
    const r = new KindRegistry({ resources: [widget("v1beta1"), core, widget("v1"), widget("v2alpha1")] });
    const { core: coreGroup, named } = r.groups();
    assert.deepEqual(coreGroup, { name: "", versions: ["v1"], preferredVersion: "v1" });
    assert.deepEqual(named, [{ name: "example.com", versions: ["v1", "v1beta1", "v2alpha1"], preferredVersion: "v1" }]);
  });
});

describe("compareVersionPriority", () => {
  it("orders as upstream: GA, then beta, then alpha, higher first, other names last", () => {
    const sorted = ["v1alpha1", "foo", "v1", "v11alpha2", "v2", "v10beta3", "v3beta1", "v12alpha1", "bar"].sort(compareVersionPriority);
    assert.deepEqual(sorted, ["v2", "v1", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "v1alpha1", "bar", "foo"]);
  });
});
