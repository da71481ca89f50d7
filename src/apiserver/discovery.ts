/**
 * Discovery, as upstream serves it: `/version`, `/api`, `/apis`, `/apis/{group}`, and the
 * resource lists `/api/v1` and `/apis/{group}/{version}`, each derived from the kind
 * registry. On `/api` and `/apis` a client that asks for the aggregated form
 * (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`, what
 * kubectl asks first) gets an `APIGroupDiscoveryList` with every group, version and
 * resource at once, answered with that same media type as Content-Type: client-go's
 * discovery client decides between the two forms by the response's Content-Type only
 * (client-go discovery/discovery_client.go, ContentTypeIsGVK).
 *
 *   serveDiscovery({ method: "GET", path: "/apis/apps/v1", query: {} }, registry)
 *   // { status: 200, body: { kind: "APIResourceList", groupVersion: "apps/v1", resources: [...] } }
 *
 * Documents are cached per registry and dropped on every registry change.
 */
import { ApiError } from "../machinery/index.js";
import type { ResourceType, RestRequest, RestResponse } from "../api/index.js";
import type { ServedGroup, ServedTypes } from "./_served.js";
import { cacheFor, memo, parseAccept, servedGroups, storageVersionHash, subresourcesOf, typesIn, verbsOf } from "./_served.js";
import { versionInfo } from "./version.js";
import type { VersionInfo } from "./version.js";

export interface DiscoveryOptions {
  /** Overrides of the `/version` answer. */
  version?: Partial<VersionInfo>;
  /** `host:port` clients reach this server at, for `/api`'s serverAddressByClientCIDRs. */
  serverAddress?: string;
}

const caches = new WeakMap<ServedTypes, Map<string, unknown>>();

/** Answers a discovery request, or returns undefined when the path is not a discovery path. */
export function serveDiscovery(req: RestRequest, registry: ServedTypes, options: DiscoveryOptions = {}): RestResponse | undefined {
  if (req.method !== "GET") return undefined;
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, "") : req.path;
  const parts = path.split("/").filter((p) => p !== "");
  if (path === "/version") return { status: 200, body: versionInfo(options.version) };
  if (parts[0] !== "api" && parts[0] !== "apis") return undefined;
  if (parts.length > (parts[0] === "api" ? 2 : 3)) return undefined;

  const cache = cacheFor(registry, caches);
  const groups = memo(cache, "groups", () => servedGroups(registry.all()));
  if (parts[0] === "api") {
    const core = groups.find((g) => g.name === "");
    if (parts.length === 1) {
      const aggregated = aggregatedForm(req.accept);
      if (aggregated) return aggregatedResponse(aggregated, memo(cache, `agg:${aggregated}:core`, () => aggregatedList(aggregated, registry, core ? [core] : [])));
      return { status: 200, body: apiVersions(core, options.serverAddress) };
    }
    if (!core?.versions.includes(parts[1])) return notFound();
    return { status: 200, body: memo(cache, `list:/${parts[1]}`, () => resourceList(registry.all(), "", parts[1])) };
  }
  const named = groups.filter((g) => g.name !== "");
  if (parts.length === 1) {
    const aggregated = aggregatedForm(req.accept);
    if (aggregated) return aggregatedResponse(aggregated, memo(cache, `agg:${aggregated}:apis`, () => aggregatedList(aggregated, registry, named)));
    return { status: 200, body: memo(cache, "groupList", () => ({ kind: "APIGroupList", apiVersion: "v1", groups: named.map(apiGroup) })) };
  }
  const group = named.find((g) => g.name === parts[1]);
  if (!group) return notFound();
  if (parts.length === 2) return { status: 200, body: { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group) } };
  if (!group.versions.includes(parts[2])) return notFound();
  return { status: 200, body: memo(cache, `list:${group.name}/${parts[2]}`, () => resourceList(registry.all(), group.name, parts[2])) };
}

function notFound(): RestResponse {
  const status = ApiError.of("NotFound", "the server could not find the requested resource").status;
  return { status: 404, body: { ...status, details: {} } };
}

function apiVersions(core: ServedGroup | undefined, serverAddress: string | undefined) {
  return {
    kind: "APIVersions",
    versions: core?.versions ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: serverAddress ?? "" }],
  };
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function apiGroup(g: ServedGroup) {
  const versions = g.versions.map((v) => ({ groupVersion: groupVersion(g.name, v), version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** `metav1.APIResourceList` for one group/version; subresources as `pods/status` entries. */
function resourceList(all: readonly ResourceType[], group: string, version: string) {
  const resources: Record<string, unknown>[] = [];
  for (const rt of typesIn(all, group, version)) {
    const r: Record<string, unknown> = {
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: verbsOf(rt),
    };
    if (rt.shortNames?.length) r.shortNames = rt.shortNames;
    if (rt.categories?.length) r.categories = rt.categories;
    r.storageVersionHash = storageVersionHash(rt.group, rt.version, rt.kind);
    resources.push(r);
    for (const sub of subresourcesOf(rt)) {
      const s: Record<string, unknown> = { name: `${rt.plural}/${sub.name}`, singularName: "", namespaced: rt.namespaced };
      // Only a kind from another group/version names it, as upstream.
      if (sub.kind.group !== group || sub.kind.version !== version) {
        s.group = sub.kind.group;
        s.version = sub.kind.version;
      }
      s.kind = sub.kind.kind;
      s.verbs = sub.verbs;
      resources.push(s);
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources };
}

type AggregatedVersion = "v2" | "v2beta1";

const aggregatedGroup = "apidiscovery.k8s.io";

/** The aggregated form the client prefers, if it asks for one before plain JSON. */
function aggregatedForm(accept: string | undefined): AggregatedVersion | undefined {
  for (const range of parseAccept(accept)) {
    const p = range.params;
    if (range.type === "application/json" && p.as === "APIGroupDiscoveryList" && p.g === aggregatedGroup && (p.v === "v2" || p.v === "v2beta1")) return p.v;
    if (range.type === "application/json" || range.type === "*/*" || range.type === "application/*") {
      if (!p.as) return undefined;
    }
  }
  return undefined;
}

function aggregatedResponse(version: AggregatedVersion, body: unknown): RestResponse {
  return { status: 200, body, headers: { "Content-Type": `application/json;g=${aggregatedGroup};v=${version};as=APIGroupDiscoveryList` } };
}

/** `apidiscovery.k8s.io/v2` APIGroupDiscoveryList (staging/src/k8s.io/api/apidiscovery/v2/types.go). */
function aggregatedList(version: AggregatedVersion, registry: ServedTypes, groups: ServedGroup[]) {
  const all = registry.all();
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `${aggregatedGroup}/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: typesIn(all, g.name, v).map(aggregatedResource),
        freshness: "Current",
      })),
    })),
  };
}

function aggregatedResource(rt: ResourceType) {
  const r: Record<string, unknown> = {
    resource: rt.plural,
    responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
    scope: rt.namespaced ? "Namespaced" : "Cluster",
    singularResource: rt.singular,
    verbs: verbsOf(rt),
  };
  if (rt.shortNames?.length) r.shortNames = rt.shortNames;
  if (rt.categories?.length) r.categories = rt.categories;
  const subs = subresourcesOf(rt);
  if (subs.length) r.subresources = subs.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs }));
  return r;
}
