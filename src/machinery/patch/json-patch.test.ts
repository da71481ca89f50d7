import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyJsonPatch } from "./json-patch.js";
import { isApiError } from "../status.js";

const deployment = () => ({ metadata: { name: "web", labels: { app: "web" } }, spec: { replicas: 1, template: { spec: { containers: [{ name: "web", image: "nginx:1" }] } } } });

describe("applyJsonPatch", () => {
  it("applies RFC 6902 operations without touching its inputs", () => {
    const doc = deployment();
    const patch = [
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/metadata/labels/tier", value: "front" },
      { op: "remove", path: "/metadata/labels/app" },
      { op: "add", path: "/spec/template/spec/containers/-", value: { name: "sidecar", image: "busybox" } },
      { op: "copy", from: "/metadata/name", path: "/metadata/annotations" },
      { op: "move", from: "/metadata/annotations", path: "/metadata/generateName" },
      { op: "test", path: "/spec/replicas", value: 3 },
    ];
    const before = JSON.stringify({ doc, patch });
    const out = applyJsonPatch(doc, patch) as ReturnType<typeof deployment> & { metadata: { generateName?: string } };
    assert.equal(JSON.stringify({ doc, patch }), before);
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(out.metadata.labels, { tier: "front" });
    assert.equal(out.metadata.generateName, "web");
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ["web", "sidecar"]);
  });

  const unprocessable: Array<[string, unknown[]]> = [
    ["a failed test", [{ op: "test", path: "/spec/replicas", value: 2 }]],
    ["replace at a missing path", [{ op: "replace", path: "/spec/paused", value: true }]],
    ["remove of a missing member", [{ op: "remove", path: "/metadata/annotations" }]],
    ["add under a missing parent", [{ op: "add", path: "/status/x/y", value: 1 }]],
    ["an index past the end", [{ op: "add", path: "/spec/template/spec/containers/5", value: {} }]],
    ["an unknown op", [{ op: "increment", path: "/spec/replicas" }]],
    ["fast-json-patch's private _get op", [{ op: "_get", path: "/spec" }]],
    ["a prototype path", [{ op: "add", path: "/__proto__/polluted", value: 1 }]],
  ];
  for (const [what, patch] of unprocessable) {
    it(`answers ${what} with upstream's 422`, () => {
      assert.throws(
        () => applyJsonPatch(deployment(), patch),
        (err: unknown) => isApiError(err, "Invalid") && err.code === 422 && err.message === "the server rejected our request due to an error in our request",
      );
    });
  }

  it("answers a body that is not a list of operations with 400", () => {
    assert.throws(() => applyJsonPatch(deployment(), { op: "add" }), {
      message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
    });
    assert.throws(() => applyJsonPatch(deployment(), ["x"]), (err: unknown) => isApiError(err, "BadRequest"));
  });
});
