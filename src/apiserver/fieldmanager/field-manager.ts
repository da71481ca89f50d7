/**
 * The field manager of one resource endpoint (upstream's NewDefaultFieldManager chain,
 * apimachinery/pkg/util/managedfields/internal): every write records who owns which
 * fields in `metadata.managedFields`; apply merges a configuration under that ownership.
 *
 * The layers, outermost first, as upstream: version check → last-applied annotation
 * kept in sync for `kubectl` → conflicts allowed where client-side apply's
 * last-applied configuration agrees with the live object → "before-first-apply" for
 * objects nobody tracked → at most 10 Update managers → manager identity → entry
 * times → metadata stripped from sets → the structured merge itself.
 *
 *   const fm = new FieldManager({ typed, apiVersion: "apps/v1", kind: "Deployment", subresource: "", now });
 *   fm.update(live, next, "kubectl-edit");             // sets next.metadata.managedFields
 *   const merged = fm.apply(live, config, "kubectl", false); // or throws ApiError 409
 */
import type { KubeObject, ManagedFieldsEntry } from "../../api/index.js";
import { ApiError, FieldPathError, FieldSet, pathString, type FieldPath } from "../../machinery/index.js";
import { cloneManaged, decodeManaged, emptyManaged, encodeManaged, isReset, managerId, parseManagerId, type Managed } from "./_managed.js";
import type { TypedSchema } from "./_typed.js";
import { ApplyConflicts, Updater, type Conflict } from "./_updater.js";

export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
/** DefaultMaxUpdateManagers. */
const maxUpdateManagers = 10;

// Never owned by anyone (stripmeta.go).
const stripSet = FieldSet.of(
  [{ field: "apiVersion" }],
  [{ field: "kind" }],
  [{ field: "metadata" }],
  [{ field: "metadata" }, { field: "name" }],
  [{ field: "metadata" }, { field: "namespace" }],
  [{ field: "metadata" }, { field: "creationTimestamp" }],
  [{ field: "metadata" }, { field: "selfLink" }],
  [{ field: "metadata" }, { field: "uid" }],
  [{ field: "metadata" }, { field: "clusterName" }],
  [{ field: "metadata" }, { field: "generation" }],
  [{ field: "metadata" }, { field: "managedFields" }],
  [{ field: "metadata" }, { field: "resourceVersion" }],
);

export interface FieldManagerOptions {
  typed: TypedSchema;
  /** The endpoint's group/version, e.g. "apps/v1" or "v1". */
  apiVersion: string;
  kind: string;
  /** "" for the resource itself, "status", "scale"… */
  subresource: string;
  /** Fields this endpoint resets (the strategy's ResetFields): never owned through it. */
  ignored?: FieldSet;
  /** RFC 3339 time of the write. */
  now: string;
  /** The object a create starts from (upstream: the kind's zero value). */
  zero: KubeObject;
}

export class FieldManager {
  private readonly updater: Updater;

  constructor(private readonly o: FieldManagerOptions) {
    this.updater = new Updater(o.typed, o.ignored);
  }

  /**
   * Records a create (live undefined), update or patch by `manager` in
   * `next.metadata.managedFields` (UpdateNoErrors: on any failure the entries are dropped).
   * Managed fields the request sets itself are taken as given; an empty list (or one
   * empty entry) resets them.
   */
  update(live: KubeObject | undefined, next: KubeObject, manager: string): void {
    const managed = this.decodeLiveOrNew(live, next);
    delete next.metadata.managedFields;
    // skipNonApplied: an existing object nobody tracks stays untracked until someone applies.
    if (managed.fields.size === 0 && live !== undefined) return;
    try {
      const out = this.updateManaged(live ? withoutManaged(live) : this.o.zero, next, managed, manager);
      const entries = encodeManaged(this.capped(out));
      if (entries) next.metadata.managedFields = entries;
    } catch {
      delete next.metadata.managedFields;
    }
  }

  /**
   * Apply: `config` merged into `live` (the zero object for a create) under the recorded
   * ownership. Throws ApiError: 400 for a configuration of another kind or with managed
   * fields, 409 with each conflicting field unless `force`.
   */
  apply(live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean): KubeObject {
    const { apiVersion, kind } = this.o;
    if (config.apiVersion !== apiVersion || config.kind !== kind) {
      const [g, v] = splitApiVersion(typeof config.apiVersion === "string" ? config.apiVersion : "");
      throw ApiError.badRequest(`invalid object type: ${g}/${v}, Kind=${typeof config.kind === "string" ? config.kind : ""}`);
    }
    if (config.metadata?.managedFields !== undefined) throw ApiError.badRequest("metadata.managedFields must be nil");
    const base = live ?? this.o.zero;
    let managed: Managed;
    try {
      managed = decodeManaged(base.metadata.managedFields);
    } catch (err) {
      throw applyServerError(`failed to decode managed fields: ${(err as Error).message}`);
    }
    const liveObj = withoutManaged(base);
    if (managed.fields.size === 0) managed = this.updateManaged(this.o.zero, liveObj, managed, "before-first-apply");

    let result: { object: KubeObject; managed: Managed };
    try {
      result = this.applyManaged(liveObj, config, managed, manager, force);
    } catch (err) {
      if (!(err instanceof ApplyConflicts)) throw typedError(err, config);
      // lastAppliedManager: kubectl's first server-side apply may take over what its
      // client-side apply set, where the live object still holds those values.
      const left = manager === "kubectl" ? this.conflictsNotAllowedByLastApplied(liveObj, err.conflicts) : err.conflicts;
      if (left.length > 0) throw conflictError(left);
      result = this.applyManaged(liveObj, config, managed, manager, true);
    }
    const object = result.object;
    const entries = encodeManaged(this.capped(result.managed));
    if (entries) object.metadata.managedFields = entries;
    else delete object.metadata.managedFields;
    // lastAppliedUpdater: kubectl's annotation follows its server-side applies.
    if (manager === "kubectl" && base.metadata.annotations?.[lastAppliedAnnotation]) {
      object.metadata.annotations = { ...object.metadata.annotations, [lastAppliedAnnotation]: buildLastApplied(config) };
    }
    return object;
  }

  private decodeLiveOrNew(live: KubeObject | undefined, next: KubeObject): Managed {
    const fromLive = () => {
      try {
        return decodeManaged(live?.metadata.managedFields);
      } catch {
        return emptyManaged();
      }
    };
    if (this.o.subresource !== "") return fromLive();
    const given = next.metadata.managedFields;
    if (isReset(given)) return emptyManaged();
    try {
      const m = decodeManaged(given);
      if (m.fields.size > 0) return m;
    } catch {
      // Garbage from a client that does not understand managedFields: keep the live ones.
    }
    return fromLive();
  }

  private updateManaged(live: KubeObject, next: KubeObject, managed: Managed, manager: string): Managed {
    const self = "current-operation";
    const out = cloneManaged(managed);
    out.fields = this.updater.update(live, withoutManaged(next), this.o.apiVersion, managed.fields, self);
    strip(out, self);
    const vs = out.fields.get(self);
    if (vs) {
      out.fields.delete(self);
      const id = managerId({ manager, operation: "Update", apiVersion: this.o.apiVersion, subresource: this.o.subresource });
      const previous = out.fields.get(id);
      out.fields.set(id, { set: previous ? vs.set.union(previous.set) : vs.set, apiVersion: vs.apiVersion, applied: false });
      out.times.set(id, this.o.now);
    }
    return out;
  }

  private applyManaged(live: KubeObject, config: KubeObject, managed: Managed, manager: string, force: boolean): { object: KubeObject; managed: Managed } {
    const id = managerId({ manager, operation: "Apply", subresource: this.o.subresource });
    const out = cloneManaged(managed);
    let applied: { object: unknown; managers: Managed["fields"] };
    try {
      applied = this.updater.apply(live, config, this.o.apiVersion, managed.fields, id, force);
    } catch (err) {
      if (err instanceof ApplyConflicts) throw err;
      throw typedError(err, config);
    }
    out.fields = applied.managers;
    strip(out, id);
    if (applied.object !== undefined) out.times.set(id, this.o.now);
    const object = (applied.object ?? structuredClone(live)) as KubeObject;
    if (typeof object.metadata !== "object" || object.metadata === null) object.metadata = {};
    return { object, managed: out };
  }

  // allowedConflictsFromLastApplied: fields of the last-applied configuration whose
  // values the live object still has.
  private conflictsNotAllowedByLastApplied(live: KubeObject, conflicts: Conflict[]): Conflict[] {
    const raw = live.metadata.annotations?.[lastAppliedAnnotation];
    if (!raw) return conflicts;
    let lastApplied: unknown;
    try {
      lastApplied = JSON.parse(raw);
    } catch {
      return conflicts;
    }
    try {
      const t = this.o.typed;
      const allowed = t.toFieldSet(lastApplied).difference(t.compare(lastApplied, live).modified);
      return conflicts.filter((c) => !allowed.has(c.path));
    } catch {
      return conflicts;
    }
  }

  // capManagersManager: the oldest Update managers beyond ten fold into "ancient-changes".
  private capped(m: Managed): Managed {
    const updaters = [...m.fields.entries()].filter(([, vs]) => !vs.applied);
    if (updaters.length <= maxUpdateManagers) return m;
    const out = cloneManaged(m);
    updaters.sort(([a], [b]) => (Date.parse(m.times.get(a) ?? "") || 0) - (Date.parse(m.times.get(b) ?? "") || 0));
    const bucketId = managerId({ manager: "ancient-changes", operation: "Update", apiVersion: this.o.apiVersion, subresource: this.o.subresource });
    let excess = updaters.length - maxUpdateManagers + (out.fields.has(bucketId) ? 0 : 1);
    for (const [id, vs] of updaters) {
      if (excess <= 0) break;
      if (id === bucketId) continue;
      const bucket = out.fields.get(bucketId);
      out.fields.set(bucketId, { set: bucket ? bucket.set.union(vs.set) : vs.set, apiVersion: vs.apiVersion, applied: false });
      const t = m.times.get(id);
      const bt = out.times.get(bucketId);
      if (t && (!bt || Date.parse(t) > Date.parse(bt))) out.times.set(bucketId, t);
      out.fields.delete(id);
      out.times.delete(id);
      excess--;
    }
    return out;
  }
}

function strip(m: Managed, manager: string): void {
  const vs = m.fields.get(manager);
  if (!vs) return;
  const set = vs.set.difference(stripSet);
  if (set.empty()) m.fields.delete(manager);
  else m.fields.set(manager, { ...vs, set });
}

// A shallow copy without managedFields: the walkers only read, and merge builds new containers.
function withoutManaged(obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.indexOf("/");
  return i < 0 ? ["", apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** A plain error of the apply path as upstream's handler answers it: 500, its text as the message, no reason. */
export function applyServerError(message: string): ApiError {
  return new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
}

// The configuration's shape does not fit the schema (a keyed item without its key, a duplicate key).
function typedError(err: unknown, config: KubeObject): ApiError {
  if (err instanceof FieldPathError) {
    const ns = config.metadata?.namespace ?? "";
    const [g, v] = splitApiVersion(String(config.apiVersion ?? ""));
    return applyServerError(`failed to create typed patch object (${ns}/${config.metadata?.name ?? ""}; ${g}/${v}, Kind=${String(config.kind ?? "")}): ${err.message}`);
  }
  if (err instanceof ApiError) return err;
  return applyServerError(err instanceof Error ? err.message : String(err));
}

/** NewConflictError: 409 with one FieldManagerConflict cause per field. */
export function conflictError(conflicts: Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  return ApiError.of("Conflict", conflictMessage(conflicts), { causes });
}

function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const p of byManager.get(manager)!) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

function printManager(id: string): string {
  const m = parseManagerId(id);
  let s = JSON.stringify(m.manager ?? "");
  if (m.subresource) s = `${s} with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === "Update") return `${s} using ${m.apiVersion ?? ""}`;
  return s;
}

/** buildLastApplied: the configuration as JSON (keys sorted, as Go encodes maps), without the annotation itself. */
function buildLastApplied(config: KubeObject): string {
  const copy = structuredClone(config);
  const annotations = copy.metadata?.annotations;
  if (annotations) {
    delete annotations[lastAppliedAnnotation];
    if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  return `${JSON.stringify(sortKeys(copy))}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Managed fields set by hand must be decodable (ValidateManagedFields' core). */
export function managedFieldsErrors(entries: readonly ManagedFieldsEntry[] | undefined): string | undefined {
  try {
    decodeManaged(entries);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
