/**
 * A request's authorization attributes, read from its path, method and query as
 * upstream's RequestInfoFactory does (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
 * /api/v1/… and /apis/{group}/{version}/… are resource requests (GET → get, list or
 * watch; DELETE without a name → deletecollection; a single `fieldSelector=metadata.name=x`
 * names the object), everything else is a non-resource request whose verb is the
 * lower-cased HTTP method.
 */
import type { AuthorizationAttributes, RestRequest, UserInfo } from "../../api/index.js";

const namespaceSubresources = new Set(["status", "finalize"]);

export function requestAttributes(req: Pick<RestRequest, "method" | "path" | "query">, user: UserInfo): AuthorizationAttributes {
  const base: AuthorizationAttributes = { user, verb: req.method.toLowerCase(), resourceRequest: false, path: req.path, apiGroup: "", apiVersion: "", resource: "", subresource: "", namespace: "", name: "" };
  let parts = req.path.split("/").filter((p) => p !== "");
  if (parts.length < 3 || (parts[0] !== "api" && parts[0] !== "apis")) return base;
  const prefix = parts[0];
  parts = parts.slice(1);
  let apiGroup = "";
  if (prefix === "apis") {
    if (parts.length < 3) return base;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const attrs: AuthorizationAttributes = { ...base, resourceRequest: true, apiGroup, apiVersion: parts[0]!, path: req.path };
  parts = parts.slice(1);
  let special = false;
  if (parts[0] === "watch" || parts[0] === "proxy") {
    if (parts.length < 2) return base;
    attrs.verb = parts[0];
    special = true;
    parts = parts.slice(1);
  } else {
    attrs.verb = ({ POST: "create", GET: "get", HEAD: "get", PUT: "update", PATCH: "patch", DELETE: "delete" } as Record<string, string>)[req.method] ?? "";
  }
  if (parts[0] === "namespaces") {
    if (parts.length > 1) {
      attrs.namespace = parts[1]!;
      if (parts.length > 2 && !namespaceSubresources.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  if (parts.length >= 3 && !(special && attrs.verb === "proxy")) attrs.subresource = parts[2]!;
  if (parts.length >= 2) attrs.name = parts[1]!;
  if (parts.length >= 1) attrs.resource = parts[0]!;
  const watch = req.query.watch === "true" || req.query.watch === "1";
  if (!attrs.name && attrs.verb === "get") {
    attrs.verb = watch ? "watch" : "list";
    const m = /^(?:metadata\.name)(?:==?)([^,]+)$/.exec(req.query.fieldSelector ?? "");
    if (m && !m[1]!.includes("/") && m[1] !== "." && m[1] !== "..") attrs.name = m[1]!;
  } else if (attrs.verb === "get" && watch) {
    attrs.verb = "watch";
  }
  if (!attrs.name && attrs.verb === "delete") attrs.verb = "deletecollection";
  return attrs;
}
