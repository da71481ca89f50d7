/**
 * `/openapi/v2`: one swagger 2.0 document for every group/version, as JSON or, when the
 * client asks for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (client-go's
 * OpenAPISchema(), used by kubectl's v2 fallbacks), as gnostic's `openapi.v2.Document`
 * protobuf. Both are built from the same model as the v3 documents.
 */
import { createHash } from "node:crypto";
import type { RestRequest, RestResponse, Schema } from "../api/index.js";
import type { ServedTypes } from "./_served.js";
import { allDefinitions, cacheFor, memo, parseAccept, servedGroups } from "./_served.js";
import type { OperationSpec, ParamSpec, ResponseSpec } from "./_openapi-model.js";
import { groupVersionModel } from "./_openapi-model.js";
import { encodeSwaggerDocument } from "./_openapi-v2-proto.js";

/** What client-go's OpenAPISchema() asks for. */
export const openApiV2ProtobufType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/**
 * What we answer with, as kube-openapi does: `@` is not a MIME token character, so Go's
 * mime.ParseMediaType (in client-go) refuses the asked-for form in a Content-Type.
 */
export const openApiV2ProtobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const protobufTypes = new Set([openApiV2ProtobufType, openApiV2ProtobufContentType]);

const caches = new WeakMap<ServedTypes, Map<string, unknown>>();
const textEncoder = new TextEncoder();

interface Rendered {
  json: Uint8Array;
  protobuf: Uint8Array;
  etag: string;
}

/** Answers `/openapi/v2`, or undefined for other paths. */
export function serveOpenApiV2(req: RestRequest, registry: ServedTypes): RestResponse | undefined {
  if (req.method !== "GET" || req.path.replace(/\/+$/, "") !== "/openapi/v2") return undefined;
  const rendered = memo(cacheFor(registry, caches), "v2", () => render(registry));
  const wantsProtobuf = parseAccept(req.accept).findIndex((r) => protobufTypes.has(r.type));
  const wantsJson = parseAccept(req.accept).findIndex((r) => r.type === "application/json" || r.type === "*/*");
  const protobuf = wantsProtobuf >= 0 && (wantsJson < 0 || wantsProtobuf < wantsJson);
  return {
    status: 200,
    body: undefined,
    raw: protobuf ? { contentType: openApiV2ProtobufContentType, data: rendered.protobuf } : { contentType: "application/json", data: rendered.json },
    headers: { ETag: `"${rendered.etag}"`, Vary: "Accept" },
  };
}

/** The swagger 2.0 document as a plain object. */
export function openApiV2Document(registry: ServedTypes): Record<string, unknown> {
  const all = registry.all();
  // Entries may publish other forms in v2 (CRDs: upstream's ToStructuralOpenAPIV2).
  const defs = Object.assign({}, allDefinitions(registry), ...all.map((rt) => rt.openapiV2Definitions ?? {}));
  const paths: Record<string, unknown> = {};
  const definitions: Record<string, unknown> = {};
  for (const g of servedGroups(all)) {
    for (const v of g.versions) {
      const model = groupVersionModel(all, defs, g.name, v);
      for (const p of model.paths) {
        const item: Record<string, unknown> = {};
        for (const op of p.operations) item[op.method] = v2Operation(op);
        item.parameters = p.parameters.map(v2Parameter);
        paths[p.path] = item;
      }
      for (const [name, s] of Object.entries(model.definitions)) definitions[name] ??= v2Schema(s);
    }
  }
  const sortedPaths: Record<string, unknown> = {};
  for (const k of Object.keys(paths).sort()) sortedPaths[k] = paths[k];
  const sortedDefs: Record<string, unknown> = {};
  for (const k of Object.keys(definitions).sort()) sortedDefs[k] = definitions[k];
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: "v1.35.0" },
    paths: sortedPaths,
    definitions: sortedDefs,
    securityDefinitions: { BearerToken: { description: "Bearer Token authentication", type: "apiKey", name: "authorization", in: "header" } },
    security: [{ BearerToken: [] }],
  };
}

function render(registry: ServedTypes): Rendered {
  const doc = openApiV2Document(registry);
  const json = textEncoder.encode(JSON.stringify(doc));
  return { json, protobuf: encodeSwaggerDocument(doc), etag: createHash("sha512").update(json).digest("hex").toUpperCase() };
}

function v2Parameter(p: ParamSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function v2Operation(op: OperationSpec): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = [];
  if (op.body) parameters.push({ name: "body", in: "body", required: true, schema: { $ref: ref(op.body) } });
  parameters.push(...op.parameters.map(v2Parameter));
  const out: Record<string, unknown> = {
    description: op.description,
    consumes: op.consumes,
    produces: op.produces,
    schemes: ["https"],
    tags: [op.tag],
    operationId: op.operationId,
  };
  if (parameters.length) out.parameters = parameters;
  const responses: Record<string, unknown> = {};
  for (const r of op.responses) responses[r.code] = v2Response(r);
  out.responses = responses;
  out["x-kubernetes-action"] = op.action;
  if (op.gvk) out["x-kubernetes-group-version-kind"] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

function v2Response(r: ResponseSpec): Record<string, unknown> {
  if (!r.schema) return { description: r.description };
  return { description: r.description, schema: r.schema === "string" ? { type: "string" } : { $ref: ref(r.schema) } };
}

function ref(name: string): string {
  return `#/definitions/${name}`;
}

// Keywords swagger 2.0 lacks; gnostic's parser refuses them, so they are left out.
const notInSwagger2 = new Set(["oneOf", "anyOf", "not", "nullable"]);

/** Our schema → swagger 2.0: `$ref` keeps its siblings (a description), as upstream's v2 does. */
export function v2Schema(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined || notInSwagger2.has(key)) continue;
    switch (key) {
      case "$ref":
        out.$ref = ref(value as string);
        break;
      case "properties": {
        const props: Record<string, unknown> = {};
        for (const [name, p] of Object.entries(value as Record<string, Schema>)) props[name] = v2Schema(p);
        out.properties = props;
        break;
      }
      case "items":
        out.items = v2Schema(value as Schema);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "object" ? v2Schema(value as Schema) : value;
        break;
      case "allOf":
        out.allOf = (value as Schema[]).map(v2Schema);
        break;
      default:
        out[key] = value;
    }
  }
  // IntOrString is `oneOf: [integer, string]` in v3; v2 has no oneOf and calls it a string.
  if (out.type === undefined && (s.format === "int-or-string" || s["x-kubernetes-int-or-string"])) out.type = "string";
  return out;
}
