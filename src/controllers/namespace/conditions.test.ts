import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { updateNamespaceConditions, type DeletionReport } from "./conditions.js";

const clean: DeletionReport = { contentErrors: [], remaining: new Map(), finalizers: new Map() };

describe("updateNamespaceConditions", () => {
  it("sets every condition to False with upstream's ok reasons when all content is gone", () => {
    const { conditions, changed } = updateNamespaceConditions([], clean, "2026-01-01T00:00:00Z");
    assert.equal(changed, true);
    assert.deepEqual(
      conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ["NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered"],
        ["NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions"],
        ["NamespaceDeletionContentFailure", "False", "ContentDeleted"],
        ["NamespaceContentRemaining", "False", "ContentRemoved"],
        ["NamespaceFinalizersRemaining", "False", "ContentRemoved"],
      ],
    );
  });

  it("names remaining resources and finalizers as upstream does, sorted", () => {
    const report: DeletionReport = {
      contentErrors: ["b failed", "a failed"],
      remaining: new Map([["pods.", 2], ["configmaps.", 1]]),
      finalizers: new Map([["example.com/hold", 3]]),
    };
    const { conditions } = updateNamespaceConditions([], report, "t0");
    const by = new Map(conditions.map((c) => [c.type, c]));
    assert.equal(by.get("NamespaceContentRemaining")?.message, "Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances");
    assert.equal(by.get("NamespaceContentRemaining")?.reason, "SomeResourcesRemain");
    assert.equal(by.get("NamespaceFinalizersRemaining")?.message, "Some finalizers are remaining: example.com/hold in 3 resource instances");
    assert.equal(by.get("NamespaceFinalizersRemaining")?.reason, "SomeFinalizerRemain");
    assert.equal(by.get("NamespaceDeletionContentFailure")?.message, "Failed to delete all resource types, 2 remaining: a failed, b failed");
    assert.equal(by.get("NamespaceDeletionContentFailure")?.status, "True");
  });

  it("reports no change when nothing differs, and moves lastTransitionTime only on a flip", () => {
    const first = updateNamespaceConditions([], { ...clean, remaining: new Map([["pods.", 1]]) }, "t0").conditions;
    assert.equal(updateNamespaceConditions(first, { ...clean, remaining: new Map([["pods.", 1]]) }, "t1").changed, false);
    const second = updateNamespaceConditions(first, { ...clean, remaining: new Map([["pods.", 2]]) }, "t1").conditions;
    assert.equal(second.find((c) => c.type === "NamespaceContentRemaining")?.lastTransitionTime, "t0");
    const third = updateNamespaceConditions(second, clean, "t2").conditions;
    assert.equal(third.find((c) => c.type === "NamespaceContentRemaining")?.lastTransitionTime, "t2");
    assert.equal(third.find((c) => c.type === "NamespaceContentRemaining")?.status, "False");
  });
});
