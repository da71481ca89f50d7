/**
 * What a request path means, as upstream's RequestInfoFactory reads it:
 *   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
 *   /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}/{subresource}
 *   /api/v1/{resource}/{name}            (cluster-scoped, or all namespaces for a list)
 */
export interface ResourceRequestInfo {
  group: string;
  version: string;
  /** "" for cluster-scoped requests and lists across all namespaces. */
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
}

export function parseResourcePath(path: string): ResourceRequestInfo | undefined {
  const parts = path.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    if (parts.length < 3) return undefined;
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length < 4) return undefined;
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace = "";
  // "namespaces/{ns}/{resource}..." addresses a namespaced resource; "namespaces" or
  // "namespaces/{name}[/{sub}]" addresses the namespace objects themselves.
  if (rest[0] === "namespaces" && rest.length >= 3 && !(rest.length === 3 && isNamespaceSubresource(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return {
    group,
    version,
    namespace,
    resource: rest[0],
    name: rest[1] ?? "",
    subresource: rest[2] ?? "",
  };
}

// Subresources of namespace objects, so /api/v1/namespaces/x/status is not read as a
// list of "status" in namespace x.
function isNamespaceSubresource(s: string): boolean {
  return s === "status" || s === "finalize";
}
