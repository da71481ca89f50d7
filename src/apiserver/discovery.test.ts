import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RestRequest } from "../api/index.js";
import { serveDiscovery } from "./discovery.js";
import { storageVersionHash } from "./_served.js";
import { testRegistry } from "./_test-registry.js";

const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

function get(path: string, accept?: string): RestRequest {
  return { method: "GET", path, query: {}, accept };
}

// Loose shapes for reading answers in tests.
interface Resource { name: string; singularName: string; namespaced: boolean; kind: string; group?: string; version?: string; verbs: string[]; shortNames?: string[]; categories?: string[]; storageVersionHash?: string }
interface AggResource { resource: string; responseKind: { group: string; version: string; kind: string }; scope: string; verbs: string[]; shortNames?: string[]; subresources?: { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[] }
interface AggList { kind: string; apiVersion: string; items: { metadata: { name?: string }; versions: { version: string; freshness: string; resources: AggResource[] }[] }[] }

describe("serveDiscovery", () => {
  it("leaves other paths alone", () => {
    const r = testRegistry();
    assert.equal(serveDiscovery(get("/api/v1/pods"), r), undefined);
    assert.equal(serveDiscovery(get("/apis/apps/v1/namespaces/default/deployments"), r), undefined);
    assert.equal(serveDiscovery(get("/healthz"), r), undefined);
    assert.equal(serveDiscovery({ method: "POST", path: "/api", query: {} }, r), undefined);
  });

  it("answers /version as Kubernetes 1.35", () => {
    const body = serveDiscovery(get("/version"), testRegistry())?.body as Record<string, string>;
    assert.equal(body.major, "1");
    assert.equal(body.minor, "35");
    assert.equal(body.gitVersion, "v1.35.0-k8ts");
    assert.match(body.platform, /^[a-z0-9]+\/[a-z0-9]+$/);
    for (const k of ["goVersion", "compiler", "buildDate", "gitCommit", "gitTreeState"]) assert.ok(body[k], k);
  });

  it("answers /api with APIVersions", () => {
    const res = serveDiscovery(get("/api", "application/json"), testRegistry(), { serverAddress: "127.0.0.1:6443" });
    assert.deepEqual(res?.body, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }] });
    assert.equal(res?.headers, undefined);
  });

  it("answers /apis with the named groups, versions by priority", () => {
    const body = serveDiscovery(get("/apis/"), testRegistry())?.body as { kind: string; groups: { name: string; versions: { groupVersion: string }[]; preferredVersion: { version: string } }[] };
    assert.equal(body.kind, "APIGroupList");
    assert.deepEqual(body.groups.map((g) => g.name), ["apps", "example.com"]);
    const example = body.groups[1];
    assert.deepEqual(example.versions.map((v) => v.groupVersion), ["example.com/v1", "example.com/v1beta1"]);
    assert.equal(example.preferredVersion.version, "v1");
  });

  it("answers /apis/{group} with an APIGroup, and 404 for an unknown group", () => {
    const res = serveDiscovery(get("/apis/apps"), testRegistry());
    assert.deepEqual(res?.body, { kind: "APIGroup", apiVersion: "v1", name: "apps", versions: [{ groupVersion: "apps/v1", version: "v1" }], preferredVersion: { groupVersion: "apps/v1", version: "v1" } });
    assert.equal(serveDiscovery(get("/apis/nope.io"), testRegistry())?.status, 404);
    assert.equal(serveDiscovery(get("/apis/apps/v9"), testRegistry())?.status, 404);
    assert.equal(serveDiscovery(get("/api/v2"), testRegistry())?.status, 404);
  });

  it("lists core resources with subresources, short names, categories and storage hashes", () => {
    const body = serveDiscovery(get("/api/v1"), testRegistry())?.body as { kind: string; groupVersion: string; resources: Resource[] };
    assert.equal(body.kind, "APIResourceList");
    assert.equal(body.groupVersion, "v1");
    assert.deepEqual(body.resources.map((r) => r.name), ["namespaces", "namespaces/status", "pods", "pods/binding", "pods/eviction", "pods/status"]);
    const pods = body.resources.find((r) => r.name === "pods");
    assert.deepEqual(pods, {
      name: "pods", singularName: "pod", namespaced: true, kind: "Pod",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["po"], categories: ["all"], storageVersionHash: storageVersionHash("", "v1", "Pod"),
    });
    assert.deepEqual(body.resources.find((r) => r.name === "pods/status"), { name: "pods/status", singularName: "", namespaced: true, kind: "Pod", verbs: ["get", "patch", "update"] });
    assert.deepEqual(body.resources.find((r) => r.name === "pods/binding"), { name: "pods/binding", singularName: "", namespaced: true, kind: "Binding", verbs: ["create"] });
    assert.deepEqual(body.resources.find((r) => r.name === "pods/eviction"), { name: "pods/eviction", singularName: "", namespaced: true, group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] });
    assert.equal(body.resources.find((r) => r.name === "namespaces")?.namespaced, false);
  });

  it("lists the scale subresource as autoscaling/v1 Scale", () => {
    const body = serveDiscovery(get("/apis/apps/v1"), testRegistry())?.body as { resources: Resource[] };
    assert.deepEqual(body.resources.find((r) => r.name === "deployments/scale"), {
      name: "deployments/scale", singularName: "", namespaced: true, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"],
    });
  });

  it("computes storageVersionHash as upstream", () => {
    // sha256("/v1/Pod"), first 8 bytes, base64.
    assert.equal(storageVersionHash("", "v1", "Pod"), "xPOwRZ+Yhw8=");
  });

  it("answers the aggregated form kubectl asks for first, with the matching Content-Type", () => {
    const r = testRegistry();
    const core = serveDiscovery(get("/api", aggregatedAccept), r);
    assert.equal(core?.headers?.["Content-Type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const list = core?.body as AggList;
    assert.equal(list.kind, "APIGroupDiscoveryList");
    assert.equal(list.apiVersion, "apidiscovery.k8s.io/v2");
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].metadata.name, undefined);
    const v1 = list.items[0].versions[0];
    assert.equal(v1.version, "v1");
    assert.equal(v1.freshness, "Current");
    const pods = v1.resources.find((x) => x.resource === "pods");
    assert.deepEqual(pods?.responseKind, { group: "", version: "v1", kind: "Pod" });
    assert.equal(pods?.scope, "Namespaced");
    assert.deepEqual(pods?.shortNames, ["po"]);
    assert.deepEqual(pods?.subresources?.map((s) => [s.subresource, s.responseKind.kind, s.verbs.join(",")]), [
      ["binding", "Binding", "create"],
      ["eviction", "Eviction", "create"],
      ["status", "Pod", "get,patch,update"],
    ]);
    assert.equal(v1.resources.find((x) => x.resource === "namespaces")?.scope, "Cluster");

    const apis = serveDiscovery(get("/apis", aggregatedAccept), r)?.body as AggList;
    assert.deepEqual(apis.items.map((g) => [g.metadata.name, g.versions.map((v) => v.version).join(",")]), [["apps", "v1"], ["example.com", "v1,v1beta1"]]);
    const deploy = apis.items[0].versions[0].resources[0];
    assert.deepEqual(deploy.subresources?.find((s) => s.subresource === "scale")?.responseKind, { group: "autoscaling", version: "v1", kind: "Scale" });
  });

  it("serves v2beta1 when only that is asked, and the plain form when JSON comes first", () => {
    const r = testRegistry();
    const beta = serveDiscovery(get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"), r);
    assert.equal((beta?.body as AggList).apiVersion, "apidiscovery.k8s.io/v2beta1");
    assert.equal(beta?.headers?.["Content-Type"], "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
    const plain = serveDiscovery(get("/apis", "application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"), r);
    assert.equal((plain?.body as { kind: string }).kind, "APIGroupList");
  });

  it("sees registry changes: new entries appear in every form", () => {
    const r = testRegistry();
    assert.equal(serveDiscovery(get("/apis/batch/v1"), r)?.status, 404);
    serveDiscovery(get("/apis", aggregatedAccept), r); // fill the cache
    r.add({ group: "batch", version: "v1", kind: "Job", plural: "jobs", singular: "job", namespaced: true, definition: "io.k8s.api.batch.v1.Job", definitions: {} });
    assert.equal(serveDiscovery(get("/apis/batch/v1"), r)?.status, 200);
    const apis = serveDiscovery(get("/apis", aggregatedAccept), r)?.body as AggList;
    assert.ok(apis.items.some((g) => g.metadata.name === "batch"));
  });
});
