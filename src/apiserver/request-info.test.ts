import { test } from "node:test";
import assert from "node:assert/strict";
import { parseResourcePath } from "./request-info.js";

test("reads namespaced, cluster-scoped and subresource paths as upstream", () => {
  const cases: [string, unknown][] = [
    ["/api/v1/pods", { group: "", version: "v1", namespace: "", resource: "pods", name: "", subresource: "" }],
    ["/api/v1/namespaces/default/pods", { group: "", version: "v1", namespace: "default", resource: "pods", name: "", subresource: "" }],
    ["/api/v1/namespaces/default/pods/web/status", { group: "", version: "v1", namespace: "default", resource: "pods", name: "web", subresource: "status" }],
    ["/api/v1/namespaces", { group: "", version: "v1", namespace: "", resource: "namespaces", name: "", subresource: "" }],
    ["/api/v1/namespaces/kube-system", { group: "", version: "v1", namespace: "", resource: "namespaces", name: "kube-system", subresource: "" }],
    ["/api/v1/namespaces/kube-system/status", { group: "", version: "v1", namespace: "", resource: "namespaces", name: "kube-system", subresource: "status" }],
    ["/api/v1/namespaces/kube-system/finalize", { group: "", version: "v1", namespace: "", resource: "namespaces", name: "kube-system", subresource: "finalize" }],
    ["/apis/apps/v1/namespaces/ns1/deployments/web/scale", { group: "apps", version: "v1", namespace: "ns1", resource: "deployments", name: "web", subresource: "scale" }],
    ["/apis/apps/v1/deployments", { group: "apps", version: "v1", namespace: "", resource: "deployments", name: "", subresource: "" }],
    ["/api/v1/nodes/n1/status", { group: "", version: "v1", namespace: "", resource: "nodes", name: "n1", subresource: "status" }],
  ];
  for (const [path, want] of cases) assert.deepEqual(parseResourcePath(path), want, path);
  assert.equal(parseResourcePath("/api"), undefined);
  assert.equal(parseResourcePath("/apis/apps"), undefined);
  assert.equal(parseResourcePath("/api/v1/pods/a/b/c"), undefined);
});
