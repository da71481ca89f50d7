import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";
import { noPatchMeta, patchMetaFromTree } from "./patch-meta.js";
import { isApiError } from "../status.js";

// The patch metadata of the Pod and Deployment fields these cases touch, as upstream's
// types.go declares it.
const containerFields = {
  ports: { strategy: "merge", mergeKey: "containerPort" },
  env: { strategy: "merge", mergeKey: "name" },
  volumeMounts: { strategy: "merge", mergeKey: "mountPath" },
};
const podSpecFields = {
  containers: { strategy: "merge", mergeKey: "name", fields: containerFields },
  initContainers: { strategy: "merge", mergeKey: "name", fields: containerFields },
  volumes: { strategy: "merge,retainKeys", mergeKey: "name" },
};
const schema = patchMetaFromTree({
  metadata: { fields: { finalizers: { strategy: "merge" }, ownerReferences: { strategy: "merge", mergeKey: "uid" } } },
  spec: {
    fields: {
      ...podSpecFields,
      strategy: { strategy: "retainKeys" },
      template: { fields: { spec: { fields: podSpecFields } } },
    },
  },
});

const c = (name: string, extra: object = {}) => ({ name, image: `${name}:1`, ...extra });

interface Case {
  name: string;
  original: object;
  patch: object;
  want: object;
}

const cases: Case[] = [
  {
    name: "changes one container's image by name and keeps the others",
    original: { spec: { containers: [c("web"), c("log")] } },
    patch: { spec: { containers: [{ name: "log", image: "log:2" }] } },
    want: { spec: { containers: [c("web"), { name: "log", image: "log:2" }] } },
  },
  {
    name: "puts a new container first when the patch gives no order (upstream's merge order)",
    original: { spec: { containers: [c("web")] } },
    patch: { spec: { containers: [c("sidecar")] } },
    want: { spec: { containers: [c("sidecar"), c("web")] } },
  },
  {
    name: "follows $setElementOrder as kubectl apply sends it",
    original: { spec: { containers: [c("web"), c("log")] } },
    patch: { spec: { "$setElementOrder/containers": [{ name: "log" }, { name: "web" }, { name: "new" }], containers: [c("new")] } },
    want: { spec: { containers: [c("log"), c("web"), c("new")] } },
  },
  {
    name: "merges ports by containerPort",
    original: { spec: { containers: [c("web", { ports: [{ containerPort: 80, name: "http" }, { containerPort: 443 }] })] } },
    patch: { spec: { containers: [{ name: "web", ports: [{ containerPort: 443, name: "https" }] }] } },
    want: { spec: { containers: [c("web", { ports: [{ containerPort: 80, name: "http" }, { containerPort: 443, name: "https" }] })] } },
  },
  {
    name: "merges env by name and deletes with $patch: delete",
    original: { spec: { containers: [c("web", { env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] })] } },
    patch: { spec: { containers: [{ name: "web", env: [{ name: "A", $patch: "delete" }, { name: "B", value: "3" }] }] } },
    want: { spec: { containers: [c("web", { env: [{ name: "B", value: "3" }] })] } },
  },
  {
    name: "switches a volume's source with $retainKeys",
    original: { spec: { volumes: [{ name: "data", emptyDir: {} }, { name: "cfg", configMap: { name: "a" } }] } },
    patch: { spec: { volumes: [{ name: "data", $retainKeys: ["name", "hostPath"], hostPath: { path: "/d" } }] } },
    want: { spec: { volumes: [{ name: "data", hostPath: { path: "/d" } }, { name: "cfg", configMap: { name: "a" } }] } },
  },
  {
    name: "drops rollingUpdate when a Deployment's strategy retains only type",
    original: { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } },
    want: { spec: { strategy: { type: "Recreate" } } },
  },
  {
    name: "adds finalizers as a set",
    original: { metadata: { finalizers: ["a", "b"] } },
    patch: { metadata: { finalizers: ["b", "c"] } },
    want: { metadata: { finalizers: ["a", "b", "c"] } },
  },
  {
    name: "removes a finalizer with $deleteFromPrimitiveList",
    original: { metadata: { finalizers: ["a", "b", "c"] } },
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["b"] } },
    want: { metadata: { finalizers: ["a", "c"] } },
  },
  {
    name: "replaces a merging list with $patch: replace",
    original: { spec: { containers: [c("web"), c("log")] } },
    patch: { spec: { containers: [{ $patch: "replace" }, c("only")] } },
    want: { spec: { containers: [c("only")] } },
  },
  {
    name: "replaces a map with $patch: replace",
    original: { metadata: { labels: { a: "1", b: "2" } } },
    patch: { metadata: { labels: { $patch: "replace", c: "3" } } },
    want: { metadata: { labels: { c: "3" } } },
  },
  {
    name: "empties a map with $patch: delete",
    original: { metadata: { labels: { a: "1" }, name: "x" } },
    patch: { metadata: { labels: { $patch: "delete" } } },
    want: { metadata: { labels: {}, name: "x" } },
  },
  {
    name: "deletes keys with null and ignores nulls inside added values",
    original: { metadata: { labels: { a: "1", b: "2" } } },
    patch: { metadata: { labels: { a: null }, annotations: { x: "1", y: null } } },
    want: { metadata: { labels: { b: "2" }, annotations: { x: "1" } } },
  },
  {
    name: "replaces lists that have no merge strategy",
    original: { spec: { containers: [c("web", { args: ["a", "b"] })] } },
    patch: { spec: { containers: [{ name: "web", args: ["c"] }] } },
    want: { spec: { containers: [c("web", { args: ["c"] })] } },
  },
  {
    name: "merges deep inside a Deployment's pod template",
    original: { spec: { template: { spec: { containers: [c("web"), c("log")] } } } },
    patch: { spec: { template: { spec: { containers: [{ name: "web", image: "web:2" }] } } } },
    want: { spec: { template: { spec: { containers: [{ name: "web", image: "web:2" }, c("log")] } } } },
  },
  {
    name: "drops a directive-carrying map from a value added whole",
    original: { spec: {} },
    patch: { spec: { containers: [c("web"), { name: "gone", $patch: "delete" }] } },
    want: { spec: { containers: [c("web")] } },
  },
];

describe("applyStrategicMergePatch", () => {
  for (const tc of cases) {
    it(tc.name, () => {
      const patch = JSON.parse(JSON.stringify(tc.patch)) as object;
      const before = JSON.stringify({ original: tc.original, patch });
      assert.deepEqual(applyStrategicMergePatch(tc.original, patch, schema), tc.want);
      assert.equal(JSON.stringify({ original: tc.original, patch }), before, "inputs unchanged");
    });
  }

  it("treats undeclared fields as a merge patch does", () => {
    const out = applyStrategicMergePatch({ spec: { items: [{ name: "a" }], m: { x: 1 } } }, { spec: { items: [{ name: "b" }], m: { y: 2 } } }, noPatchMeta);
    assert.deepEqual(out, { spec: { items: [{ name: "b" }], m: { x: 1, y: 2 } } });
  });
});

describe("applyStrategicMergePatch errors", () => {
  const badRequest: Array<[string, object, object, string]> = [
    ["an unknown $patch on a map", { metadata: { labels: { a: "b" } } }, { metadata: { labels: { $patch: "frobnicate", a: "c" } } }, "unknown patch type: frobnicate in map: map[$patch:frobnicate a:c]"],
    ["an unknown $patch in a list", { spec: { containers: [c("web")] } }, { spec: { containers: [{ name: "web", $patch: "frobnicate" }] } }, "unknown patch type: frobnicate in map: map[$patch:frobnicate name:web]"],
    ["$patch: merge in a list", { spec: { containers: [c("web")] } }, { spec: { containers: [{ $patch: "merge" }] } }, "merging lists cannot yet be specified in the patch"],
    ["an item without its merge key", { spec: { containers: [c("web")] } }, { spec: { containers: [{ image: "x" }] } }, "map: map[image:x] does not contain declared merge key: name"],
    ["a $retainKeys that is not a list", { spec: { strategy: { type: "A" } } }, { spec: { strategy: { $retainKeys: "type", type: "B" } } }, "invalid patch format of retainKeys"],
    ["a key outside $retainKeys", { spec: { strategy: { type: "A" } } }, { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: {} } } }, "invalid patch format of retainKeys"],
    ["a malformed $deleteFromPrimitiveList", { metadata: { finalizers: ["a"] } }, { metadata: { $deleteFromPrimitiveList: ["a"] } }, "invalid patch format of primitive list"],
    ["a malformed $setElementOrder", { metadata: {} }, { metadata: { $setElementOrder: [] } }, "invalid patch format of setElementOrder list"],
  ];
  for (const [what, original, patch, message] of badRequest) {
    it(`answers ${what} with 400`, () => {
      assert.throws(() => applyStrategicMergePatch(original, patch, schema), (err: unknown) => isApiError(err, "BadRequest") && err.message === message);
    });
  }

  it("answers lists of lists with upstream's 422", () => {
    assert.throws(
      () => applyStrategicMergePatch({ metadata: { finalizers: [["a"]] } }, { metadata: { finalizers: [["b"]] } }, schema),
      (err: unknown) => isApiError(err, "Invalid") && err.code === 422,
    );
  });

  it("refuses a patch or object that is not a JSON object", () => {
    assert.throws(() => applyStrategicMergePatch({}, [1], schema), { message: "invalid JSON document" });
  });
});
