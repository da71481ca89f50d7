// What discovery and the OpenAPI documents read from the kind registry, and the group /
// version / subresource facts both derive from it.
import { createHash } from "node:crypto";
import { allVerbs, compareVersionPriority } from "../api/index.js";
import type { Definitions, ResourceType, Verb } from "../api/index.js";

/**
 * The part of the kind registry that discovery and OpenAPI read. `onChange` lets them
 * drop cached documents when CRDs or aggregated APIs add or remove entries; without it
 * nothing is cached.
 */
export interface ServedTypes {
  all(): readonly ResourceType[];
  /** All definitions by upstream name; when absent, the union of each entry's own. */
  definitions?(): Definitions;
  onChange?(listener: () => void): unknown;
}

export interface GroupVersionKindRef {
  group: string;
  version: string;
  kind: string;
}

export interface ServedSubresource {
  /** "status", "scale", "binding"… */
  name: string;
  kind: GroupVersionKindRef;
  verbs: Verb[];
}

export interface ServedGroup {
  name: string;
  /** Most preferred first. */
  versions: string[];
}

/** Groups in the order their first entry was registered (core first), versions by Kubernetes priority. */
export function servedGroups(types: readonly ResourceType[]): ServedGroup[] {
  const byGroup = new Map<string, Set<string>>();
  for (const rt of types) {
    let versions = byGroup.get(rt.group);
    if (!versions) byGroup.set(rt.group, (versions = new Set()));
    versions.add(rt.version);
  }
  const groups = [...byGroup].map(([name, versions]) => ({ name, versions: [...versions].sort(compareVersionPriority) }));
  return groups.sort((a, b) => (a.name === "" ? -1 : b.name === "" ? 1 : 0));
}

export function typesIn(types: readonly ResourceType[], group: string, version: string): ResourceType[] {
  return types.filter((rt) => rt.group === group && rt.version === version).sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
}

export function verbsOf(rt: ResourceType): Verb[] {
  return [...(rt.verbs ?? allVerbs)].sort();
}

/** The subresources an entry serves, with the kind their requests and responses carry. */
export function subresourcesOf(rt: ResourceType): ServedSubresource[] {
  const out: ServedSubresource[] = [];
  const sr = rt.subresources;
  if (sr?.status) out.push({ name: "status", kind: { group: rt.group, version: rt.version, kind: rt.kind }, verbs: ["get", "patch", "update"] });
  if (sr?.scale) out.push({ name: "scale", kind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] });
  for (const [name, custom] of Object.entries(sr?.custom ?? {})) {
    out.push({
      name,
      kind: { group: custom.group ?? rt.group, version: custom.version ?? rt.version, kind: custom.kind },
      verbs: [...custom.verbs].sort(),
    });
  }
  for (const [name, connect] of Object.entries(sr?.connect ?? {})) {
    out.push({ name, kind: { group: rt.group, version: rt.version, kind: connect.kind }, verbs: [...connect.verbs].sort() });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** upstream's discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash("sha256").update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString("base64");
}

/** All definitions: the registry's, or the union of each entry's. */
export function allDefinitions(source: ServedTypes): Definitions {
  if (source.definitions) return source.definitions();
  const defs: Definitions = {};
  for (const rt of source.all()) Object.assign(defs, rt.definitions);
  return defs;
}

/**
 * Per-source cache of computed documents, dropped whenever the source reports a change.
 * Sources without `onChange` get a fresh cache each call (nothing is kept).
 */
export function cacheFor(source: ServedTypes, caches: WeakMap<ServedTypes, Map<string, unknown>>): Map<string, unknown> {
  if (!source.onChange) return new Map();
  let cache = caches.get(source);
  if (!cache) {
    const created = new Map<string, unknown>();
    caches.set(source, created);
    source.onChange(() => created.clear());
    cache = created;
  }
  return cache;
}

export function memo<T>(cache: Map<string, unknown>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}

/** The media ranges of an Accept header, in order, with their parameters. */
export function parseAccept(accept: string | undefined): { type: string; params: Record<string, string> }[] {
  if (!accept) return [];
  return accept.split(",").map((clause) => {
    const [type, ...rest] = clause.split(";").map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const kv of rest) {
      const eq = kv.indexOf("=");
      if (eq > 0) params[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}
