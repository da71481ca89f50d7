/**
 * OpenAPI v3, as kube-openapi's handler3 serves it: `/openapi/v3` is an index of one
 * document per group/version, each addressed with a content hash
 * (`/openapi/v3/apis/apps/v1?hash=<sha512>`), and each document holds the paths of that
 * group/version and the schemas they use under `components.schemas`.
 *
 * kubectl 1.35 reads these for `kubectl explain` (it finds the kind's schema by the GVK
 * an operation names), for client-side apply's strategic merge patch
 * (`x-kubernetes-patch-strategy` / `-merge-key` beside each property) and to decide
 * whether the server validates fields (`fieldValidation` among a PATCH operation's
 * parameters, cli-runtime's QueryParamVerifierV3).
 */
import { createHash } from "node:crypto";
import type { RestRequest, RestResponse, Schema } from "../api/index.js";
import type { ServedTypes } from "./_served.js";
import { allDefinitions, cacheFor, memo, servedGroups } from "./_served.js";
import type { GroupVersionModel, OperationSpec, ParamSpec, ResponseSpec } from "./_openapi-model.js";
import { groupVersionModel } from "./_openapi-model.js";

const caches = new WeakMap<ServedTypes, Map<string, unknown>>();
const textEncoder = new TextEncoder();

interface RenderedDocument {
  hash: string;
  data: Uint8Array;
}

/** Answers `/openapi/v3` and `/openapi/v3/{api/v1|apis/g/v}`, or undefined for other paths. */
export function serveOpenApiV3(req: RestRequest, registry: ServedTypes): RestResponse | undefined {
  if (req.method !== "GET") return undefined;
  const path = req.path.replace(/\/+$/, "");
  if (path !== "/openapi/v3" && !path.startsWith("/openapi/v3/")) return undefined;
  const cache = cacheFor(registry, caches);
  const docs = memo(cache, "v3", () => renderAll(registry));
  if (path === "/openapi/v3") {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, doc] of docs) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
    return { status: 200, body: { paths }, headers: { "Cache-Control": "no-cache, private" } };
  }
  const key = path.slice("/openapi/v3/".length);
  const doc = docs.get(key);
  if (!doc) return { status: 404, body: undefined, text: "404 page not found\n" };
  const asked = req.query.hash;
  if (asked !== undefined && asked !== doc.hash) {
    // A stale hash: send the client to the current document, as handler3 does.
    return { status: 301, body: undefined, text: "", headers: { Location: `/openapi/v3/${key}?hash=${doc.hash}`, "Cache-Control": "no-cache, private" } };
  }
  return {
    status: 200,
    body: undefined,
    raw: { contentType: "application/json", data: doc.data },
    headers: { ETag: `"${doc.hash}"`, "Cache-Control": asked ? "public, immutable" : "no-cache, private" },
  };
}

/** The v3 document of one group/version, as a plain object. */
export function openApiV3Document(registry: ServedTypes, group: string, version: string): Record<string, unknown> {
  return v3Document(groupVersionModel(registry.all(), allDefinitions(registry), group, version));
}

function renderAll(registry: ServedTypes): Map<string, RenderedDocument> {
  const out = new Map<string, RenderedDocument>();
  const all = registry.all();
  const defs = allDefinitions(registry);
  for (const g of servedGroups(all)) {
    for (const v of g.versions) {
      const key = g.name === "" ? `api/${v}` : `apis/${g.name}/${v}`;
      const data = textEncoder.encode(JSON.stringify(v3Document(groupVersionModel(all, defs, g.name, v))));
      // handler3's ETag: the upper-case hex SHA-512 of the document.
      out.set(key, { hash: createHash("sha512").update(data).digest("hex").toUpperCase(), data });
    }
  }
  return out;
}

function v3Document(model: GroupVersionModel): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const p of model.paths) {
    const item: Record<string, unknown> = {};
    for (const op of p.operations) item[op.method] = v3Operation(op);
    item.parameters = p.parameters.map(v3Parameter);
    paths[p.path] = item;
  }
  const schemas: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(model.definitions)) schemas[name] = v3Schema(s, true);
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.35.0" },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: "apiKey", description: "Bearer Token authentication", name: "authorization", in: "header" } },
    },
  };
}

function v3Parameter(p: ParamSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, in: p.in, description: p.description };
  if (p.required) out.required = true;
  out.schema = { type: p.type, uniqueItems: true };
  return out;
}

function v3Operation(op: OperationSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { tags: [op.tag], description: op.description, operationId: op.operationId };
  if (op.parameters.length) out.parameters = op.parameters.map(v3Parameter);
  if (op.body) {
    const content: Record<string, unknown> = {};
    for (const type of op.consumes) content[type] = { schema: { $ref: ref(op.body) } };
    out.requestBody = { content, required: true };
  }
  const responses: Record<string, unknown> = {};
  for (const r of op.responses) responses[r.code] = v3Response(r, op.produces);
  out.responses = responses;
  out["x-kubernetes-action"] = op.action;
  if (op.gvk) out["x-kubernetes-group-version-kind"] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

function v3Response(r: ResponseSpec, produces: string[]): Record<string, unknown> {
  if (!r.schema) return { description: r.description };
  const schema = r.schema === "string" ? { type: "string" } : { $ref: ref(r.schema) };
  const content: Record<string, unknown> = {};
  for (const type of produces) content[type] = { schema };
  return { description: r.description, content };
}

function ref(name: string): string {
  return `#/components/schemas/${name}`;
}

/**
 * Our schema → OpenAPI v3. A `$ref` with siblings (a description, a patch strategy)
 * becomes `allOf: [{$ref}]` beside them, as upstream emits it, since v3 ignores siblings
 * of `$ref`.
 */
export function v3Schema(s: Schema, top = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined) continue;
    switch (key) {
      case "$ref":
        break;
      case "properties": {
        const props: Record<string, unknown> = {};
        for (const [name, p] of Object.entries(value as Record<string, Schema>)) props[name] = v3Schema(p);
        out.properties = props;
        break;
      }
      case "items":
      case "not":
        out[key] = v3Schema(value as Schema);
        break;
      case "additionalProperties":
        out[key] = typeof value === "object" ? v3Schema(value as Schema) : value;
        break;
      case "allOf":
      case "oneOf":
      case "anyOf":
        out[key] = (value as Schema[]).map((x) => v3Schema(x));
        break;
      default:
        out[key] = value;
    }
  }
  if (s.$ref !== undefined) {
    if (Object.keys(out).length === 0 && !top) return { $ref: ref(s.$ref) };
    out.allOf = [{ $ref: ref(s.$ref) }, ...((out.allOf as unknown[] | undefined) ?? [])];
  }
  return out;
}
