/**
 * `metadata.managedFields` decoded into field sets by manager, and back
 * (apimachinery/pkg/util/managedfields/internal/managedfields.go). A manager's identity
 * is its entry without fields and time, and without apiVersion for appliers
 * (BuildManagerIdentifier): `{"manager":"kubectl","operation":"Apply"}`.
 */
import type { ManagedFieldsEntry } from "../../api/index.js";
import { FieldSet } from "../../machinery/index.js";

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

export interface Managed {
  /** By manager identifier. */
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

/** The identifier of a manager: Go's JSON of the entry's identity fields, in struct order, empty ones left out. */
export function managerId(e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.apiVersion && e.operation !== "Apply") id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

export function parseManagerId(id: string): { manager?: string; operation?: string; apiVersion?: string; subresource?: string } {
  try {
    return JSON.parse(id) as { manager?: string; operation?: string; apiVersion?: string; subresource?: string };
  } catch {
    return { manager: id };
  }
}

/** DecodeManagedFields; throws with upstream's messages. */
export function decodeManaged(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const m = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== "Apply" && e.operation !== "Update") throw new Error("operation must be `Apply` or `Update`");
    if (!e.apiVersion) throw new Error("apiVersion must not be empty");
    if (e.fieldsType === undefined || e.fieldsType === "") throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== "FieldsV1") throw new Error(`invalid fieldsType "${e.fieldsType}" in managed fields entry ${i}`);
    const id = managerId(e);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      throw new Error(`error decoding versioned set from ${id}: error decoding set: ${(err as Error).message}`);
    }
    m.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === "Apply" });
    m.times.set(id, e.time);
  });
  return m;
}

/** isResetManagedFields: an empty list, or one empty entry, clears every manager. */
export function isReset(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  if (entries === undefined || entries === null) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && Object.values(entries[0] ?? {}).every((v) => v === undefined);
}

/** The entries, sorted as upstream: operation, time, manager, apiVersion, subresource. Undefined when none. */
export function encodeManaged(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const ident = parseManagerId(id);
    const e: ManagedFieldsEntry = {};
    if (ident.manager) e.manager = ident.manager;
    e.operation = vs.applied ? "Apply" : ((ident.operation as "Apply" | "Update" | undefined) ?? "Update");
    e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t) e.time = t;
    e.fieldsType = "FieldsV1";
    e.fieldsV1 = vs.set.toFieldsV1();
    if (ident.subresource) e.subresource = ident.subresource;
    out.push(e);
  }
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a = "", b = "") => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}
