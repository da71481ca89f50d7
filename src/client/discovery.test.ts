// discoverResources against canned discovery documents; test/client-discovery.test.ts reads
// the real API server's.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RestRequest, RestResponse } from "../api/index.js";
import { Client } from "./client.js";
import { discoverResources, isGroupDiscoveryFailedError } from "./discovery.js";

const docs: Record<string, unknown> = {
  "/api": { kind: "APIVersions", versions: ["v1"] },
  "/api/v1": {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: [
      { name: "pods", namespaced: true, kind: "Pod", verbs: ["create", "delete", "deletecollection", "get", "list", "watch"], shortNames: ["po"] },
      { name: "pods/status", namespaced: true, kind: "Pod", verbs: ["get", "patch", "update"] },
      { name: "namespaces", namespaced: false, kind: "Namespace", verbs: ["create", "delete", "get", "list", "watch"] },
    ],
  },
  "/apis": {
    kind: "APIGroupList",
    groups: [
      { name: "apps", versions: [{ groupVersion: "apps/v1", version: "v1" }, { groupVersion: "apps/v1beta1", version: "v1beta1" }], preferredVersion: { groupVersion: "apps/v1", version: "v1" } },
      { name: "broken.example.com", versions: [{ groupVersion: "broken.example.com/v1", version: "v1" }], preferredVersion: { version: "v1" } },
    ],
  },
  "/apis/apps/v1": { kind: "APIResourceList", groupVersion: "apps/v1", resources: [{ name: "deployments", namespaced: true, kind: "Deployment", verbs: ["get", "list"] }] },
  "/apis/apps/v1beta1": { kind: "APIResourceList", groupVersion: "apps/v1beta1", resources: [{ name: "deployments", namespaced: true, kind: "Deployment", verbs: ["get"] }] },
};

function serve(req: RestRequest): RestResponse {
  if (req.path === "/apis/broken.example.com/v1") return { status: 503, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "unavailable", reason: "ServiceUnavailable", code: 503 } };
  const body = docs[req.path];
  return body ? { status: 200, body } : { status: 404, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "NotFound", code: 404 } };
}

describe("discoverResources", () => {
  it("lists every group/version's resources, without subresources, marking preferred versions", async () => {
    const transport = async (req: RestRequest) => serve({ ...req, path: req.path === "/apis/broken.example.com/v1" ? "/api" : req.path });
    const found = await discoverResources(transport);
    const names = found.map((r) => `${r.group}/${r.version}/${r.resource}`);
    assert.deepEqual(names, ["/v1/pods", "/v1/namespaces", "apps/v1/deployments", "apps/v1beta1/deployments"]);
    const pods = found[0];
    assert.equal(pods.kind, "Pod");
    assert.equal(pods.namespaced, true);
    assert.deepEqual(pods.shortNames, ["po"]);
    assert.ok(pods.verbs.includes("deletecollection"));
    assert.equal(found[2].preferred, true);
    assert.equal(found[3].preferred, false);
  });

  it("goes on past a failing group/version and reports it with the partial answer", async () => {
    const client = new Client({ transport: async (req) => serve(req) });
    await assert.rejects(discoverResources(client), (err: unknown) => {
      assert.ok(isGroupDiscoveryFailedError(err));
      assert.deepEqual([...err.failures.keys()], ["broken.example.com/v1"]);
      assert.equal(err.resources.length, 4);
      assert.match(err.message, /broken\.example\.com\/v1: unavailable/);
      return true;
    });
  });
});
