import { ApiError } from "../machinery/index.js";
import { Client, statusOf } from "./client.js";
import type { Resource } from "./resources.js";
import type { Transport } from "./transport.js";

/**
 * Discovery: the resources a server serves, read from the plain (non-aggregated)
 * discovery documents `/api`, `/api/{v}`, `/apis` and `/apis/{group}/{version}`, as
 * client-go's discovery client (ServerGroupsAndResources). Subresources (`pods/status`)
 * are left out.
 *
 * Promises:
 * - Every served group/version is read; resources come out grouped by group/version in
 *   the server's order, `preferred` marking the group's preferred version.
 * - When some group/versions fail, the others are still read and a
 *   `GroupDiscoveryFailedError` is thrown carrying them (`err.resources`) and the failures,
 *   as client-go's ErrGroupDiscoveryFailed, so callers can go on with a partial answer.
 *
 *   const all = await discoverResources(client, { signal });
 *   const deletable = all.filter((r) => r.preferred && r.verbs.includes("delete"));
 */
export interface DiscoveredResource extends Resource {
  verbs: readonly string[];
  shortNames?: readonly string[];
  /** This version is its group's preferred version. */
  preferred: boolean;
}

export class GroupDiscoveryFailedError extends Error {
  readonly resources: DiscoveredResource[];
  /** "apps/v1" → what went wrong. */
  readonly failures: ReadonlyMap<string, unknown>;

  constructor(resources: DiscoveredResource[], failures: Map<string, unknown>) {
    const gvs = [...failures.keys()].sort();
    super(`unable to retrieve the complete list of server APIs: ${gvs.map((gv) => `${gv}: ${messageOf(failures.get(gv))}`).join(", ")}`);
    this.name = "GroupDiscoveryFailedError";
    this.resources = resources;
    this.failures = failures;
  }
}

export function isGroupDiscoveryFailedError(err: unknown): err is GroupDiscoveryFailedError {
  return err instanceof GroupDiscoveryFailedError;
}

interface GroupVersionDoc {
  group: string;
  version: string;
  preferred: boolean;
}

/** Reads discovery through a Client or straight through a Transport. */
export async function discoverResources(source: Client | Transport, options: { signal?: AbortSignal } = {}): Promise<DiscoveredResource[]> {
  const get = getter(source, options.signal);
  const groupVersions: GroupVersionDoc[] = [];

  const core = asRecord(await get("/api"));
  for (const v of asStrings(core.versions)) groupVersions.push({ group: "", version: v, preferred: v === asStrings(core.versions)[0] });

  const groups = asRecord(await get("/apis"));
  for (const g of asArray(groups.groups)) {
    const group = asRecord(g);
    const name = typeof group.name === "string" ? group.name : "";
    const preferred = asRecord(group.preferredVersion).version;
    for (const v of asArray(group.versions)) {
      const version = asRecord(v).version;
      if (typeof version === "string") groupVersions.push({ group: name, version, preferred: version === preferred });
    }
  }

  const failures = new Map<string, unknown>();
  const lists = await Promise.all(
    groupVersions.map(async (gv) => {
      const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
      try {
        return resourcesOf(gv, asRecord(await get(path)));
      } catch (err) {
        if (options.signal?.aborted) throw err;
        failures.set(gv.group ? `${gv.group}/${gv.version}` : gv.version, err);
        return [];
      }
    }),
  );
  const resources = lists.flat();
  if (failures.size > 0) throw new GroupDiscoveryFailedError(resources, failures);
  return resources;
}

function resourcesOf(gv: GroupVersionDoc, list: Record<string, unknown>): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  for (const item of asArray(list.resources)) {
    const r = asRecord(item);
    const name = r.name;
    if (typeof name !== "string" || name === "" || name.includes("/")) continue;
    const found: DiscoveredResource = {
      // An entry may name another group/version for its kind; the resource still lives here.
      group: gv.group,
      version: gv.version,
      resource: name,
      kind: typeof r.kind === "string" ? r.kind : "",
      namespaced: r.namespaced === true,
      verbs: asStrings(r.verbs),
      preferred: gv.preferred,
    };
    const shortNames = asStrings(r.shortNames);
    if (shortNames.length) found.shortNames = shortNames;
    out.push(found);
  }
  return out;
}

function getter(source: Client | Transport, signal: AbortSignal | undefined): (path: string) => Promise<unknown> {
  if (source instanceof Client) return (path) => source.raw("GET", path, { signal });
  return async (path) => {
    const response = await source({ method: "GET", path, query: {}, accept: "application/json", signal });
    if (response.status < 200 || response.status > 299) throw new ApiError(statusOf(response));
    return response.body;
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asStrings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
