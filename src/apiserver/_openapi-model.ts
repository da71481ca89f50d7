// The REST surface of one group/version as data: paths, operations, parameters and the
// definitions they use. openapi-v3.ts and openapi-v2.ts render it in their own forms, so
// both documents describe the same API (after kube-openapi's builder and the apiserver's
// endpoint installer, staging/src/k8s.io/apiserver/pkg/endpoints/installer.go).
import type { Definitions, ResourceType, Schema } from "../api/index.js";
import type { GroupVersionKindRef } from "./_served.js";
import { subresourcesOf, typesIn, verbsOf } from "./_served.js";

export type HttpVerb = "get" | "put" | "post" | "patch" | "delete";

export interface ParamSpec {
  name: string;
  in: "query" | "path";
  type: "string" | "boolean" | "integer";
  description: string;
  required?: boolean;
}

export interface ResponseSpec {
  code: string;
  description: string;
  /** Definition name of the response body, or "string" for text (logs, exec). */
  schema?: string;
}

export interface OperationSpec {
  method: HttpVerb;
  operationId: string;
  description: string;
  tag: string;
  /** x-kubernetes-action: list, watch, get, post, put, patch, delete, deletecollection, connect. */
  action: string;
  gvk?: GroupVersionKindRef;
  parameters: ParamSpec[];
  /** Definition name of the request body. */
  body?: string;
  consumes: string[];
  produces: string[];
  responses: ResponseSpec[];
}

export interface PathSpec {
  path: string;
  /** Parameters shared by every operation of the path (name, namespace, pretty). */
  parameters: ParamSpec[];
  operations: OperationSpec[];
}

export interface GroupVersionModel {
  paths: PathSpec[];
  /** The definitions the paths reach, transitively, by name. */
  definitions: Definitions;
}

export const metaNames = {
  Status: "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
  DeleteOptions: "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
  Patch: "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
  ListMeta: "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
} as const;

const jsonTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const listTypes = [...jsonTypes, "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];
const patchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
// Custom resources take no strategic merge patch; kubectl apply reads this to pick merge patch instead.
const customPatchTypes = patchTypes.filter((t) => t !== "application/strategic-merge-patch+json");

const q = (name: string, type: ParamSpec["type"], description: string): ParamSpec => ({ name, in: "query", type, description });

// Query parameters, worded as upstream (apimachinery/pkg/apis/meta/v1/types.go).
export const params = {
  pretty: q("pretty", "string", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  dryRun: q("dryRun", "string", "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed"),
  fieldManager: q("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint."),
  fieldValidation: q("fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered."),
  force: q("force", "boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests."),
  allowWatchBookmarks: q("allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server's discretion."),
  continue: q("continue", "string", "The continue option should be set when retrieving more results from the server."),
  fieldSelector: q("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
  labelSelector: q("labelSelector", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
  limit: q("limit", "integer", "limit is a maximum number of responses to return for a list call."),
  resourceVersion: q("resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details."),
  resourceVersionMatch: q("resourceVersionMatch", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
  sendInitialEvents: q("sendInitialEvents", "boolean", "`sendInitialEvents=true` may be set together with `watch=true`."),
  timeoutSeconds: q("timeoutSeconds", "integer", "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity."),
  watch: q("watch", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion."),
  gracePeriodSeconds: q("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately."),
  orphanDependents: q("orphanDependents", "boolean", "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."),
  propagationPolicy: q("propagationPolicy", "string", "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground."),
  name: { name: "name", in: "path", type: "string", required: true, description: "" } as ParamSpec,
  namespace: { name: "namespace", in: "path", type: "string", required: true, description: "object name and auth scope, such as for teams and projects" } as ParamSpec,
};

const listParams = [params.allowWatchBookmarks, params.continue, params.fieldSelector, params.labelSelector, params.limit, params.resourceVersion, params.resourceVersionMatch, params.sendInitialEvents, params.timeoutSeconds, params.watch];
const writeParams = [params.dryRun, params.fieldManager, params.fieldValidation];
const patchParams = [params.dryRun, params.fieldManager, params.fieldValidation, params.force];
const deleteParams = [params.dryRun, params.gracePeriodSeconds, params.orphanDependents, params.propagationPolicy];

/** "CoreV1", "AppsV1", "RbacAuthorizationV1", "ExampleComV1" — the operationId infix upstream uses. */
function opPrefix(group: string, version: string): string {
  const g = group === "" ? "core" : group.replace(/\.k8s\.io$/, "");
  const camel = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return g.split(/[.-]/).map(camel).join("") + camel(version);
}

function tagOf(group: string, version: string): string {
  const g = group === "" ? "core" : group.replace(/\.k8s\.io$/, "").replace(/[.-]/g, "_");
  return `${g}_${version}`;
}

/** Definition name of the schema that declares `gvk`, found by its x-kubernetes-group-version-kind. */
export function definitionIndex(defs: Definitions): (gvk: GroupVersionKindRef) => string | undefined {
  const index = new Map<string, string>();
  for (const [name, schema] of Object.entries(defs)) {
    for (const g of schema["x-kubernetes-group-version-kind"] ?? []) index.set(`${g.group}/${g.version}/${g.kind}`, name);
  }
  return (gvk) => index.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
}

/** A `<Kind>List` schema for entries whose definitions do not bring one. */
function syntheticList(item: string, gvk: GroupVersionKindRef): Schema {
  return {
    type: "object",
    description: `${gvk.kind}List is a list of ${gvk.kind} objects.`,
    required: ["items"],
    properties: {
      apiVersion: { type: "string", description: "APIVersion defines the versioned schema of this representation of an object." },
      items: { type: "array", items: { $ref: item }, description: "List of items." },
      kind: { type: "string", description: "Kind is a string value representing the REST resource this object represents." },
      metadata: { $ref: metaNames.ListMeta, description: "Standard list metadata." },
    },
    "x-kubernetes-group-version-kind": [{ ...gvk, kind: `${gvk.kind}List` }],
  };
}

// Stand-ins for definitions the registry does not (yet) carry, so every $ref resolves:
// clients that parse the documents (kubectl's proto models) refuse dangling references.
function fallbackDefinition(name: string): Schema {
  if (/\.(Time|MicroTime)$/.test(name)) return { type: "string", format: "date-time" };
  if (name.endsWith(".Quantity") || name.endsWith(".Duration")) return { type: "string" };
  if (name.endsWith("intstr.IntOrString")) return { type: "string", format: "int-or-string" };
  if (name === metaNames.Patch) return { type: "object", description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body." };
  return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
}

/** Names a schema refers to, directly or in nested schemas. */
export function refsOf(schema: Schema, out: Set<string> = new Set()): Set<string> {
  if (schema.$ref !== undefined) out.add(schema.$ref);
  for (const p of Object.values(schema.properties ?? {})) refsOf(p, out);
  if (schema.items) refsOf(schema.items, out);
  if (typeof schema.additionalProperties === "object") refsOf(schema.additionalProperties, out);
  for (const list of [schema.allOf, schema.oneOf, schema.anyOf]) for (const s of list ?? []) refsOf(s, out);
  if (schema.not) refsOf(schema.not, out);
  return out;
}

export function groupVersionModel(all: readonly ResourceType[], defs: Definitions, group: string, version: string): GroupVersionModel {
  const types = typesIn(all, group, version);
  const available: Definitions = { ...defs };
  for (const rt of types) {
    for (const [name, s] of Object.entries(rt.definitions)) available[name] ??= s;
  }
  const findDef = definitionIndex(available);
  const roots = new Set<string>([metaNames.Status, metaNames.DeleteOptions, metaNames.Patch]);
  const paths: PathSpec[] = [];
  const prefix = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  const opp = opPrefix(group, version);
  const tag = tagOf(group, version);

  for (const rt of types) {
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const kindDef = rt.definition;
    // The kind's own schema names its GVK, as upstream's do (kubectl explain finds it so).
    if (available[kindDef] && !available[kindDef]["x-kubernetes-group-version-kind"]) available[kindDef] = { ...available[kindDef], "x-kubernetes-group-version-kind": [gvk] };
    let listDef = findDef({ ...gvk, kind: `${rt.kind}List` }) ?? (available[`${kindDef}List`] ? `${kindDef}List` : undefined);
    if (!listDef) {
      listDef = `${kindDef}List`;
      available[listDef] = syntheticList(kindDef, gvk);
    }
    roots.add(kindDef).add(listDef);
    const verbs = new Set(verbsOf(rt));
    const ns = rt.namespaced ? "Namespaced" : "";
    const base = rt.namespaced ? `${prefix}/namespaces/{namespace}/${rt.plural}` : `${prefix}/${rt.plural}`;
    const scopeParams = rt.namespaced ? [params.namespace] : [];
    const op = (method: HttpVerb, action: string, id: string, o: Partial<OperationSpec>): OperationSpec => ({
      method, action, operationId: `${id}${opp}${o.operationId ?? `${ns}${rt.kind}`}`, tag, gvk,
      description: o.description ?? "", parameters: o.parameters ?? [], body: o.body,
      consumes: o.consumes ?? ["*/*"], produces: o.produces ?? jsonTypes, responses: o.responses ?? [],
    });
    const ok = (schema: string, ...codes: [string, string][]): ResponseSpec[] => [...codes.map(([code, description]) => ({ code, description, schema })), { code: "401", description: "Unauthorized" }];

    const collection: OperationSpec[] = [];
    if (verbs.has("list")) collection.push(op("get", "list", "list", { description: `list or watch objects of kind ${rt.kind}`, parameters: listParams, produces: listTypes, responses: ok(listDef, ["200", "OK"]) }));
    if (verbs.has("create")) collection.push(op("post", "post", "create", { description: `create a ${rt.kind}`, parameters: writeParams, body: kindDef, responses: ok(kindDef, ["200", "OK"], ["201", "Created"], ["202", "Accepted"]) }));
    if (verbs.has("deletecollection")) collection.push(op("delete", "deletecollection", "delete", { operationId: `Collection${ns}${rt.kind}`, description: `delete collection of ${rt.kind}`, parameters: [...deleteParams, ...listParams.filter((p) => p !== params.watch && p !== params.allowWatchBookmarks)], body: metaNames.DeleteOptions, responses: ok(metaNames.Status, ["200", "OK"]) }));
    if (collection.length) paths.push({ path: base, parameters: [...scopeParams, params.pretty], operations: collection });

    const item: OperationSpec[] = [];
    if (verbs.has("get")) item.push(op("get", "get", "read", { description: `read the specified ${rt.kind}`, responses: ok(kindDef, ["200", "OK"]) }));
    if (verbs.has("update")) item.push(op("put", "put", "replace", { description: `replace the specified ${rt.kind}`, parameters: writeParams, body: kindDef, responses: ok(kindDef, ["200", "OK"], ["201", "Created"]) }));
    if (verbs.has("patch")) item.push(op("patch", "patch", "patch", { description: `partially update the specified ${rt.kind}`, parameters: patchParams, body: metaNames.Patch, consumes: rt.strategy?.noStrategicMergePatch ? customPatchTypes : patchTypes, responses: ok(kindDef, ["200", "OK"], ["201", "Created"]) }));
    if (verbs.has("delete")) item.push(op("delete", "delete", "delete", { description: `delete a ${rt.kind}`, parameters: deleteParams, body: metaNames.DeleteOptions, responses: ok(kindDef, ["200", "OK"], ["202", "Accepted"]) }));
    const itemParams = [{ ...params.name, description: `name of the ${rt.kind}` }, ...scopeParams, params.pretty];
    if (item.length) paths.push({ path: `${base}/{name}`, parameters: itemParams, operations: item });

    if (rt.namespaced && verbs.has("list")) {
      paths.push({
        path: `${prefix}/${rt.plural}`,
        parameters: [params.pretty],
        operations: [op("get", "list", "list", { operationId: `${rt.kind}ForAllNamespaces`, description: `list or watch objects of kind ${rt.kind}`, parameters: listParams, produces: listTypes, responses: ok(listDef, ["200", "OK"]) })],
      });
    }

    for (const sub of subresourcesOf(rt)) {
      const subDef = sub.name === "status" ? kindDef : findDef(sub.kind);
      const suffix = `${ns}${rt.kind}${sub.name.charAt(0).toUpperCase()}${sub.name.slice(1)}`;
      // Operations carry the parent's GVK for status (as upstream), the subresource's kind otherwise.
      const subGvk = sub.name === "status" ? gvk : sub.kind;
      const subOps: OperationSpec[] = [];
      const subOp = (method: HttpVerb, action: string, id: string, o: Partial<OperationSpec>, infix = "") =>
        subOps.push({ ...op(method, action, id, { ...o, operationId: `${infix}${suffix}` }), gvk: subGvk });
      for (const verb of sub.verbs) {
        if (!subDef) {
          // No schema for the kind (exec, attach, log…): a connect-style operation with a text answer.
          const method: HttpVerb = verb === "create" ? "post" : verb === "update" ? "put" : verb === "patch" ? "patch" : verb === "delete" ? "delete" : "get";
          const infix = method.charAt(0).toUpperCase() + method.slice(1);
          subOp(method, "connect", "connect", { description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${rt.kind}`, consumes: ["*/*"], produces: ["*/*"], responses: [{ code: "200", description: "OK", schema: "string" }, { code: "401", description: "Unauthorized" }] }, infix);
          continue;
        }
        roots.add(subDef);
        if (verb === "get") subOp("get", "get", "read", { description: `read ${sub.name} of the specified ${rt.kind}`, responses: ok(subDef, ["200", "OK"]) });
        else if (verb === "update") subOp("put", "put", "replace", { description: `replace ${sub.name} of the specified ${rt.kind}`, parameters: writeParams, body: subDef, responses: ok(subDef, ["200", "OK"], ["201", "Created"]) });
        else if (verb === "patch") subOp("patch", "patch", "patch", { description: `partially update ${sub.name} of the specified ${rt.kind}`, parameters: patchParams, body: metaNames.Patch, consumes: rt.strategy?.noStrategicMergePatch ? customPatchTypes : patchTypes, responses: ok(subDef, ["200", "OK"], ["201", "Created"]) });
        else if (verb === "create") subOp("post", "post", "create", { description: `create ${sub.name} of a ${rt.kind}`, parameters: writeParams, body: subDef, responses: ok(subDef, ["200", "OK"], ["201", "Created"], ["202", "Accepted"]) });
      }
      if (subOps.length) paths.push({ path: `${base}/{name}/${sub.name}`, parameters: [{ ...params.name, description: `name of the ${sub.kind.kind}` }, ...scopeParams, params.pretty], operations: subOps });
    }
  }

  // The transitive closure of what the paths use; stand-ins for anything missing.
  const definitions: Definitions = {};
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop() as string;
    if (definitions[name]) continue;
    const schema = available[name] ?? fallbackDefinition(name);
    definitions[name] = schema;
    for (const r of refsOf(schema)) if (!definitions[r]) queue.push(r);
  }
  return { paths: paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), definitions: sortKeys(definitions) };
}

function sortKeys(defs: Definitions): Definitions {
  const out: Definitions = {};
  for (const k of Object.keys(defs).sort()) out[k] = defs[k];
  return out;
}
