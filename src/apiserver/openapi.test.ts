import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import type { RestRequest, RestResponse } from "../api/index.js";
import { KindRegistry, coreV1Resources, metaV1Definitions } from "../api/index.js";
import { serveOpenApiV3 } from "./openapi-v3.js";
import { openApiV2ProtobufContentType, openApiV2ProtobufType, serveOpenApiV2 } from "./openapi-v2.js";
import { serveDiscovery } from "./discovery.js";
import { ProtoMessage } from "./_protobuf-reader.js";
import { ProtoWriter } from "./_protobuf-writer.js";
import type { ServedTypes } from "./_served.js";
import { testRegistry } from "./_test-registry.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test code walks untyped JSON documents

function get(path: string, query: Record<string, string> = {}, accept?: string): RestRequest {
  return { method: "GET", path, query, accept };
}

function json(res: RestResponse | undefined): Json {
  assert.ok(res?.raw, "expected a raw body");
  return JSON.parse(new TextDecoder().decode(res.raw.data)) as Json;
}

function v3Doc(registry: ServedTypes, key: string): Json {
  const index = serveOpenApiV3(get("/openapi/v3"), registry)?.body as { paths: Record<string, { serverRelativeURL: string }> };
  const url = new URL(index.paths[key].serverRelativeURL, "https://x");
  return json(serveOpenApiV3(get(url.pathname, { hash: url.searchParams.get("hash") ?? "" }), registry));
}

/** Every `$ref` in `doc` with its location. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

// kubectl explain's resolution (explain/v2/templates/plaintext.tmpl): a $ref, or one allOf wrapping it.
function resolve(doc: Json, s: Json): Json {
  const r = s.$ref ?? (s.allOf?.length === 1 && !s.properties ? s.allOf[0].$ref : undefined);
  if (!r) return s;
  return doc.components.schemas[r.replace("#/components/schemas/", "")];
}

// cli-runtime's supportsQueryParamV3: the PATCH operation for the GVK lists the parameter.
function supportsQueryParamV3(doc: Json, gvk: Json, param: string): boolean {
  for (const item of Object.values(doc.paths) as Json[]) {
    const op = item.patch;
    if (!op) continue;
    const g = op["x-kubernetes-group-version-kind"];
    if (!g || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return (op.parameters ?? []).some((p: Json) => p.name === param);
  }
  return false;
}

describe("OpenAPI v3", () => {
  it("indexes one document per group/version, addressed by hash", () => {
    const index = serveOpenApiV3(get("/openapi/v3"), testRegistry())?.body as { paths: Record<string, { serverRelativeURL: string }> };
    assert.deepEqual(Object.keys(index.paths).sort(), ["api/v1", "apis/apps/v1", "apis/example.com/v1", "apis/example.com/v1beta1"]);
    assert.match(index.paths["api/v1"].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });

  it("redirects a stale hash, 404s an unknown group/version, ignores other paths", () => {
    const r = testRegistry();
    const res = serveOpenApiV3(get("/openapi/v3/apis/apps/v1", { hash: "OLD" }), r);
    assert.equal(res?.status, 301);
    assert.match(String(res?.headers?.Location), /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    assert.equal(serveOpenApiV3(get("/openapi/v3/apis/nope/v1"), r)?.status, 404);
    assert.equal(serveOpenApiV3(get("/openapi/v2"), r), undefined);
    assert.equal(serveOpenApiV3(get("/api/v1"), r), undefined);
  });

  it("changes the hash when the registry changes", () => {
    const r = testRegistry();
    const before = (serveOpenApiV3(get("/openapi/v3"), r)?.body as Json).paths["apis/apps/v1"].serverRelativeURL;
    r.add({ group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", singular: "replicaset", namespaced: true, definition: "io.k8s.api.apps.v1.ReplicaSet", definitions: {} });
    const after = (serveOpenApiV3(get("/openapi/v3"), r)?.body as Json).paths["apis/apps/v1"].serverRelativeURL;
    assert.notEqual(before, after);
    assert.ok(v3Doc(r, "apis/apps/v1").paths["/apis/apps/v1/namespaces/{namespace}/replicasets/{name}"]);
  });

  it("has no dangling references", () => {
    const r = testRegistry();
    for (const key of ["api/v1", "apis/apps/v1", "apis/example.com/v1"]) {
      const doc = v3Doc(r, key);
      for (const ref of refs(doc)) {
        assert.ok(ref.startsWith("#/components/schemas/"), ref);
        assert.ok(doc.components.schemas[ref.slice("#/components/schemas/".length)], `${key}: ${ref} resolves`);
      }
    }
  });

  it("is enough for kubectl explain pod.spec.containers", () => {
    const doc = v3Doc(testRegistry(), "api/v1");
    // The template takes the GVK from an operation on the resource's paths…
    const gvk = doc.paths["/api/v1/namespaces/{namespace}/pods"].get["x-kubernetes-group-version-kind"];
    assert.deepEqual(gvk, { group: "", kind: "Pod", version: "v1" });
    // …and finds the schema whose x-kubernetes-group-version-kind contains it.
    const pod = Object.values(doc.components.schemas as Record<string, Json>).find((s) => (s["x-kubernetes-group-version-kind"] ?? []).some((g: Json) => g.group === gvk.group && g.kind === gvk.kind && g.version === gvk.version));
    assert.ok(pod);
    const spec = resolve(doc, pod.properties.spec);
    const containers = spec.properties.containers;
    assert.equal(containers.type, "array");
    assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
    assert.equal(containers["x-kubernetes-patch-strategy"], "merge");
    const container = resolve(doc, containers.items);
    assert.ok(container.properties.image.description);
    assert.deepEqual(container.required, ["name"]);
  });

  it("wraps a $ref with siblings in allOf, as upstream", () => {
    const doc = v3Doc(testRegistry(), "apis/apps/v1");
    const metadata = doc.components.schemas["io.k8s.api.apps.v1.Deployment"].properties.metadata;
    assert.deepEqual(metadata, { description: "Standard object's metadata.", allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }] });
  });

  it("declares fieldValidation, dryRun, fieldManager and force on PATCH (QueryParamVerifierV3)", () => {
    const doc = v3Doc(testRegistry(), "api/v1");
    const patch = doc.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch;
    assert.deepEqual(patch.parameters.map((p: Json) => p.name), ["dryRun", "fieldManager", "fieldValidation", "force"]);
    assert.equal(patch["x-kubernetes-action"], "patch");
    assert.deepEqual(Object.keys(patch.requestBody.content).sort(), ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]);
    const post = doc.paths["/api/v1/namespaces/{namespace}/pods"].post;
    assert.deepEqual(post.parameters.map((p: Json) => p.name), ["dryRun", "fieldManager", "fieldValidation"]);
    assert.equal(post.requestBody.content["*/*"].schema.$ref, "#/components/schemas/io.k8s.api.core.v1.Pod");
  });

  it("describes subresources: status with the parent's kind, scale as autoscaling/v1 Scale, binding as Binding", () => {
    const core = v3Doc(testRegistry(), "api/v1");
    assert.deepEqual(Object.keys(core.paths["/api/v1/namespaces/{namespace}/pods/{name}/status"]).sort(), ["get", "parameters", "patch", "put"]);
    assert.equal(core.paths["/api/v1/namespaces/{namespace}/pods/{name}/status"].patch["x-kubernetes-group-version-kind"].kind, "Pod");
    const binding = core.paths["/api/v1/namespaces/{namespace}/pods/{name}/binding"].post;
    assert.equal(binding.operationId, "createCoreV1NamespacedPodBinding");
    assert.equal(binding.requestBody.content["*/*"].schema.$ref, "#/components/schemas/io.k8s.api.core.v1.Binding");
    const apps = v3Doc(testRegistry(), "apis/apps/v1");
    const scale = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert.deepEqual(scale.get["x-kubernetes-group-version-kind"], { group: "autoscaling", kind: "Scale", version: "v1" });
  });

  it("names cluster-scoped paths without a namespace", () => {
    const doc = v3Doc(testRegistry(), "api/v1");
    assert.ok(doc.paths["/api/v1/namespaces/{name}"].get);
    assert.equal(doc.paths["/api/v1/namespaces"].get.operationId, "listCoreV1Namespace");
    assert.equal(doc.paths["/api/v1/pods"].get.operationId, "listCoreV1PodForAllNamespaces");
    // Namespaces have no deletecollection here.
    assert.equal(doc.paths["/api/v1/namespaces"].delete, undefined);
  });
});

function builtinRegistry(): KindRegistry {
  return new KindRegistry({ resources: coreV1Resources, definitions: metaV1Definitions });
}

describe("every registered kind", () => {
  for (const [name, registry] of [["of the test registry", testRegistry], ["of the built-in registry", builtinRegistry]] as const) {
    it(`appears in discovery and in its group/version's OpenAPI v3 document (${name})`, () => everyKindIsDescribed(registry()));
  }

  it("leaves no reference dangling in the built-in registry's documents, v3 and v2", () => {
    const r = builtinRegistry();
    const index = serveOpenApiV3(get("/openapi/v3"), r)?.body as { paths: Record<string, unknown> };
    for (const key of Object.keys(index.paths)) {
      const doc = v3Doc(r, key);
      for (const ref of refs(doc)) assert.ok(doc.components.schemas[ref.slice("#/components/schemas/".length)], `${key}: ${ref}`);
    }
    const v2 = json(serveOpenApiV2(get("/openapi/v2"), r));
    for (const ref of refs(v2)) assert.ok(v2.definitions[ref.slice("#/definitions/".length)], ref);
    assert.equal(v2.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].type, "string");
    assert.equal(v2.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].oneOf, undefined);
  });
});

function everyKindIsDescribed(r: ServedTypes): void {
  for (const rt of r.all()) {
    const gv = rt.group ? `${rt.group}/${rt.version}` : rt.version;
    const list = serveDiscovery(get(rt.group ? `/apis/${gv}` : `/api/${rt.version}`), r)?.body as { resources: { name: string; kind: string }[] };
    assert.ok(list.resources.some((x) => x.name === rt.plural && x.kind === rt.kind), `${gv} ${rt.kind} in discovery`);
    const doc = v3Doc(r, rt.group ? `apis/${gv}` : `api/${rt.version}`);
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const schema = Object.values(doc.components.schemas as Record<string, Json>).find((s) => (s["x-kubernetes-group-version-kind"] ?? []).some((g: Json) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind));
    assert.ok(schema, `${gv} ${rt.kind} schema in OpenAPI v3`);
    assert.ok(supportsQueryParamV3(doc, gvk, "fieldValidation"), `${gv} ${rt.kind} PATCH declares fieldValidation`);
  }
}

describe("OpenAPI v2", () => {
  it("serves swagger 2.0 JSON with #/definitions references that resolve", () => {
    const doc = json(serveOpenApiV2(get("/openapi/v2", {}, "application/json"), testRegistry()));
    assert.equal(doc.swagger, "2.0");
    for (const ref of refs(doc)) {
      assert.ok(ref.startsWith("#/definitions/"), ref);
      assert.ok(doc.definitions[ref.slice("#/definitions/".length)], `${ref} resolves`);
    }
    // v2 keeps a $ref's siblings.
    assert.deepEqual(doc.definitions["io.k8s.api.apps.v1.Deployment"].properties.metadata, { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", description: "Standard object's metadata." });
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    assert.deepEqual(patch.parameters.map((p: Json) => p.name), ["body", "dryRun", "fieldManager", "fieldValidation", "force"]);
    assert.equal(serveOpenApiV2(get("/openapi/v3"), testRegistry()), undefined);
  });

  it("serves gnostic's openapi.v2.Document protobuf when asked, which decodes to the same document", () => {
    const r = testRegistry();
    const res = serveOpenApiV2(get("/openapi/v2", {}, `${openApiV2ProtobufType}, application/json`), r);
    // Answered in the dotted form: Go's mime parser refuses the "@" of the asked-for one.
    assert.equal(res?.raw?.contentType, openApiV2ProtobufContentType);
    const jsonDoc = json(serveOpenApiV2(get("/openapi/v2"), r));
    const doc = ProtoMessage.decode(res?.raw?.data ?? new Uint8Array());
    assert.equal(doc.string(1), "2.0"); // swagger
    assert.equal(doc.message(2)?.string(1), "Kubernetes"); // info.title

    // definitions (9): NamedSchema(name 1, value 2)
    const named = new Map((doc.message(9)?.messages(1) ?? []).map((ns) => [ns.string(1), ns.message(2) as ProtoMessage]));
    assert.deepEqual([...named.keys()], Object.keys(jsonDoc.definitions));
    const pod = named.get("io.k8s.api.core.v1.Pod") as ProtoMessage;
    assert.equal(pod.string(4), jsonDoc.definitions["io.k8s.api.core.v1.Pod"].description);
    assert.deepEqual(pod.message(22)?.strings(1), ["object"]); // type
    // vendor_extension (31): NamedAny { name, Any { yaml = 2 } }
    const gvkExt = pod.messages(31).find((e) => e.string(1) === "x-kubernetes-group-version-kind");
    assert.deepEqual(parseYaml(gvkExt?.message(2)?.string(2) ?? ""), [{ group: "", version: "v1", kind: "Pod" }]);
    const props = new Map((pod.message(25)?.messages(1) ?? []).map((ns) => [ns.string(1), ns.message(2) as ProtoMessage]));
    assert.equal(props.get("spec")?.string(1), "#/definitions/io.k8s.api.core.v1.PodSpec"); // _ref

    const podSpecProps = new Map((named.get("io.k8s.api.core.v1.PodSpec")?.message(25)?.messages(1) ?? []).map((ns) => [ns.string(1), ns.message(2) as ProtoMessage]));
    const containers = podSpecProps.get("containers") as ProtoMessage;
    assert.deepEqual(containers.message(22)?.strings(1), ["array"]);
    assert.equal(containers.message(23)?.messages(1)[0].string(1), "#/definitions/io.k8s.api.core.v1.Container"); // items
    const ext = new Map(containers.messages(31).map((e) => [e.string(1), parseYaml(e.message(2)?.string(2) ?? "")]));
    assert.equal(ext.get("x-kubernetes-patch-merge-key"), "name");
    assert.equal(ext.get("x-kubernetes-patch-strategy"), "merge");

    // A map: additionalProperties (21) → AdditionalPropertiesItem.schema (1).
    const nodeSelector = podSpecProps.get("nodeSelector") as ProtoMessage;
    assert.deepEqual(nodeSelector.message(21)?.message(1)?.message(22)?.strings(1), ["string"]);

    // paths (8): NamedPathItem (2) → PathItem.patch (8) → Operation.parameters (8)
    const paths = new Map((doc.message(8)?.messages(2) ?? []).map((np) => [np.string(1), np.message(2) as ProtoMessage]));
    assert.deepEqual([...paths.keys()], Object.keys(jsonDoc.paths));
    const patch = paths.get("/api/v1/namespaces/{namespace}/pods/{name}")?.message(8) as ProtoMessage;
    assert.equal(patch.string(5), "patchCoreV1NamespacedPod");
    const paramNames = patch.messages(8).map((item) => {
      const p = item.message(1) as ProtoMessage;
      if (p.has(1)) return (p.message(1) as ProtoMessage).string(2); // BodyParameter.name
      return (p.message(2)?.message(3) as ProtoMessage).string(4); // QueryParameterSubSchema.name
    });
    assert.deepEqual(paramNames, ["body", "dryRun", "fieldManager", "fieldValidation", "force"]);
    const opExt = new Map(patch.messages(13).map((e) => [e.string(1), parseYaml(e.message(2)?.string(2) ?? "")]));
    assert.deepEqual(opExt.get("x-kubernetes-group-version-kind"), { group: "", kind: "Pod", version: "v1" });
    // Path parameters use PathParameterSubSchema (NonBodyParameter field 4), required.
    const pathParam = paths.get("/api/v1/namespaces/{namespace}/pods/{name}")?.messages(9)[0].message(1)?.message(2)?.message(4) as ProtoMessage;
    assert.equal(pathParam.string(4), "name");
    assert.equal(pathParam.bool(1), true);
    // Responses (9): NamedResponseValue → ResponseValue.response (1) → Response.schema (2) → SchemaItem.schema (1)
    const ok = patch.message(9)?.messages(1).find((nr) => nr.string(1) === "200");
    assert.equal(ok?.message(2)?.message(1)?.message(2)?.message(1)?.string(1), "#/definitions/io.k8s.api.core.v1.Pod");
  });
});

describe("ProtoWriter", () => {
  it("writes varints, negative int64s, doubles, and a false oneof bool", () => {
    const w = new ProtoWriter().int64(1, 300).int64(2, -1).double(3, 1.5).boolAlways(4, false).string(5, "").bool(6, false);
    const m = ProtoMessage.decode(w.finish());
    assert.equal(m.int(1), 300);
    assert.equal(m.int(2), -1);
    assert.equal(m.double(3), 1.5);
    assert.equal(m.has(4), true);
    assert.equal(m.bool(4), false);
    assert.equal(m.has(5), false);
    assert.equal(m.has(6), false);
  });
});
