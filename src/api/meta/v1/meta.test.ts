import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { metaNames as m, metaV1Definitions } from "./index.js";

describe("metaV1Definitions", () => {
  it("defines every apimachinery type the API refers to", () => {
    for (const name of Object.values(m)) assert.ok(metaV1Definitions[name], name);
  });

  it("merges finalizers as a set and owner references by uid, as upstream's struct tags", () => {
    const props = metaV1Definitions[m.ObjectMeta]!.properties!;
    assert.equal(props.finalizers!["x-kubernetes-patch-strategy"], "merge");
    assert.equal(props.finalizers!["x-kubernetes-list-type"], "set");
    assert.equal(props.ownerReferences!["x-kubernetes-patch-merge-key"], "uid");
    assert.deepEqual(props.ownerReferences!["x-kubernetes-list-map-keys"], ["uid"]);
    assert.deepEqual(Object.keys(props).sort(), ["annotations", "creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp", "finalizers", "generateName", "generation", "labels", "managedFields", "name", "namespace", "ownerReferences", "resourceVersion", "selfLink", "uid"]);
  });

  it("keeps ListMeta's continue under its JSON name", () => {
    assert.ok(metaV1Definitions[m.ListMeta]!.properties!.continue);
  });

  it("shapes the scalar types as upstream's OpenAPI v3", () => {
    assert.deepEqual({ ...metaV1Definitions[m.Time], description: undefined }, { type: "string", format: "date-time", description: undefined });
    assert.equal(metaV1Definitions[m.Quantity]!.format, "quantity");
    assert.equal(metaV1Definitions[m.IntOrString]!["x-kubernetes-int-or-string"], true);
    assert.equal(metaV1Definitions[m.RawExtension]!["x-kubernetes-preserve-unknown-fields"], true);
    assert.equal(metaV1Definitions[m.FieldsV1]!.type, "object");
  });

  it("names the kinds of Status and DeleteOptions for every built-in group", () => {
    assert.deepEqual(metaV1Definitions[m.Status]!["x-kubernetes-group-version-kind"], [{ group: "", version: "v1", kind: "Status" }]);
    const groups = metaV1Definitions[m.DeleteOptions]!["x-kubernetes-group-version-kind"]!.map((g) => g.group);
    assert.ok(groups.includes("apps") && groups.includes(""));
  });
});
