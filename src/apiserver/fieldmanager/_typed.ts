/**
 * Objects walked with their OpenAPI schema, as structured-merge-diff's `typed` package:
 * the field set of an object, the comparison of two objects, the merge of an applied
 * configuration into a live object, and removal of a set of fields.
 *
 * A schema node is one of three atoms (schemaconv's reading of OpenAPI):
 * - a list: atomic unless `x-kubernetes-list-type` says `set` or `map` (keyed by
 *   `x-kubernetes-list-map-keys`); without a list type, `x-kubernetes-patch-strategy:
 *   merge` makes it keyed by `x-kubernetes-patch-merge-key` (or a set without one);
 * - a map or struct: granular unless `x-kubernetes-map-type: atomic`;
 * - a scalar.
 * Nodes without a schema (unknown fields, `x-kubernetes-preserve-unknown-fields`) are
 * "deduced" from their value: objects are granular maps, arrays atomic lists.
 * Nothing here knows a kind by name; built-in and custom resources differ only in schema.
 */
import { isDeepStrictEqual } from "node:util";
import type { Definitions, Schema } from "../../api/index.js";
import { resolveSchema } from "../../api/index.js";
import { FieldSet, FieldPathError, keyElement, pathString, serializeElement, type PathElement } from "../../machinery/index.js";

/** A path step with its FieldsV1 key, serialized once. */
interface Step {
  pe: PathElement;
  key: string;
}

const fieldStep = (name: string): Step => ({ pe: { field: name }, key: `f:${name}` });
const where = (path: readonly Step[]) => pathString(path.map((s) => s.pe));

/** A schema node; undefined means "deduced from the value". */
export type TypeRef = Schema | undefined;

type Atom =
  | { kind: "scalar" }
  /** keys: the key fields of a keyed list; undefined for a set (items are their own key). */
  | { kind: "list"; atomic: boolean; keys?: string[]; elem: TypeRef }
  /** closed: a struct whose undeclared fields are errors (no additionalProperties, no preserve-unknown-fields). */
  | { kind: "map"; atomic: boolean; fields: Record<string, Schema>; elem: TypeRef; closed?: boolean };

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export class TypedSchema {
  private readonly cache = new WeakMap<Schema, Atom>();

  constructor(
    private readonly defs: Definitions,
    readonly root: TypeRef,
  ) {}

  atom(t: TypeRef, v: unknown): Atom {
    if (t === undefined) return deduce(v);
    let a = this.cache.get(t);
    if (!a) {
      a = this.resolveAtom(t) ?? { kind: "scalar" };
      if (a.kind === "scalar" && isDeduced(t, this.defs)) return deduce(v);
      this.cache.set(t, a);
    }
    return a;
  }

  private resolveAtom(t: Schema): Atom | undefined {
    const r = resolveSchema(t, this.defs);
    const ext = <K extends keyof Schema>(k: K): Schema[K] => t[k] ?? r[k];
    if (r["x-kubernetes-int-or-string"]) return { kind: "scalar" };
    if (r.type === "array" || r.items) {
      const elem = r.items;
      const listType = ext("x-kubernetes-list-type");
      if (listType === "atomic") return { kind: "list", atomic: true, elem };
      if (listType === "set") return { kind: "list", atomic: false, elem };
      if (listType === "map") {
        const keys = ext("x-kubernetes-list-map-keys") ?? [];
        return keys.length > 0 ? { kind: "list", atomic: false, keys, elem } : { kind: "list", atomic: true, elem };
      }
      const strategy = ext("x-kubernetes-patch-strategy") ?? "";
      if (strategy.split(",").includes("merge")) {
        const key = ext("x-kubernetes-patch-merge-key");
        return key ? { kind: "list", atomic: false, keys: [key], elem } : { kind: "list", atomic: false, elem };
      }
      return { kind: "list", atomic: true, elem };
    }
    if (r.type === "object" || r.properties || r.additionalProperties !== undefined || r.allOf) {
      const fields: Record<string, Schema> = { ...r.properties };
      for (const part of r.allOf ?? []) Object.assign(fields, resolveSchema(part, this.defs).properties);
      const elem = typeof r.additionalProperties === "object" ? r.additionalProperties : undefined;
      const closed = Object.keys(fields).length > 0 && r.additionalProperties === undefined && r["x-kubernetes-preserve-unknown-fields"] !== true;
      return { kind: "map", atomic: ext("x-kubernetes-map-type") === "atomic", fields, elem, closed };
    }
    return undefined;
  }

  private fieldType(a: Atom & { kind: "map" }, key: string): TypeRef {
    return Object.hasOwn(a.fields, key) ? a.fields[key] : a.elem;
  }

  /** The path step of one item of a non-atomic list. */
  listItemElement(a: Atom & { kind: "list" }, item: unknown, index: number, path: readonly Step[]): PathElement {
    if (!a.keys) {
      if (isObj(item) || Array.isArray(item)) throw new FieldPathError(`${where(path)}: element ${index}: associative list without keys has an element that's a map type`);
      return { value: item };
    }
    if (!isObj(item)) throw new FieldPathError(`${where(path)}: element ${index}: associative list with keys has an element that's not a map type`);
    const itemSchema = a.elem ? resolveSchema(a.elem, this.defs) : undefined;
    const fields: [string, unknown][] = [];
    for (const k of a.keys) {
      if (item[k] !== undefined && item[k] !== null) fields.push([k, item[k]]);
      else {
        const prop = itemSchema?.properties?.[k];
        const def = prop?.default ?? (prop ? resolveSchema(prop, this.defs).default : undefined);
        if (def === undefined) throw new FieldPathError(`${where(path)}: element ${index}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`);
        fields.push([k, def]);
      }
    }
    return keyElement(fields);
  }

  /** Items of a non-atomic list by path step, with duplicates noted. */
  private index(a: Atom & { kind: "list" }, list: unknown[], path: readonly Step[]): { steps: Step[]; items: Map<string, unknown[]> } {
    const steps: Step[] = [];
    const items = new Map<string, unknown[]>();
    list.forEach((item, i) => {
      const pe = this.listItemElement(a, item, i, path);
      const key = serializeElement(pe);
      const seen = items.get(key);
      if (seen) seen.push(item);
      else {
        items.set(key, [item]);
        steps.push({ pe, key });
      }
    });
    return { steps, items };
  }

  /** ToFieldSet: every leaf, list item and map key the object sets (what an applier owns). */
  toFieldSet(v: unknown, t: TypeRef = this.root): FieldSet {
    const set = new FieldSet();
    this.fieldSetWalk(v, t, [], set);
    return set;
  }

  private fieldSetWalk(v: unknown, t: TypeRef, path: Step[], set: FieldSet): void {
    const a = this.atom(t, v);
    if (a.kind === "scalar") {
      set.insertSteps(path);
    } else if (a.kind === "list") {
      if (a.atomic || !Array.isArray(v)) return void set.insertSteps(path);
      const { steps, items } = this.index(a, v, path);
      for (const step of steps) {
        const group = items.get(step.key)!;
        path.push(step);
        if (group.length === 1) this.fieldSetWalk(group[0], a.elem, path, set);
        set.insertSteps(path);
        path.pop();
      }
    } else {
      if (a.atomic || !isObj(v)) return void set.insertSteps(path);
      for (const k in v) {
        const val = v[k];
        if (val === undefined) continue;
        path.push(fieldStep(k));
        this.fieldSetWalk(val, this.fieldType(a, k), path, set);
        if (val === null || (isObj(val) && isEmpty(val)) || !Object.hasOwn(a.fields, k)) set.insertSteps(path);
        path.pop();
      }
    }
  }

  /**
   * Fields of an applied configuration its schema does not declare, as structured-merge-diff's
   * validation names them (`.spec.foo: field not declared in schema`).
   */
  undeclaredFields(v: unknown, t: TypeRef = this.root, path: Step[] = [], out: string[] = []): string[] {
    const a = this.atom(t, v);
    if (a.kind === "list" && Array.isArray(v)) {
      v.forEach((item, i) => {
        let step: Step;
        try {
          const pe: PathElement = a.atomic ? { index: i } : this.listItemElement(a, item, i, path);
          step = { pe, key: serializeElement(pe) };
        } catch {
          step = { pe: { index: i }, key: `i:${i}` };
        }
        path.push(step);
        this.undeclaredFields(item, a.elem, path, out);
        path.pop();
      });
    } else if (a.kind === "map" && isObj(v)) {
      for (const k in v) {
        path.push(fieldStep(k));
        if (a.closed && !Object.hasOwn(a.fields, k)) out.push(`${where(path)}: field not declared in schema`);
        else this.undeclaredFields(v[k], this.fieldType(a, k), path, out);
        path.pop();
      }
    }
    return out;
  }

  /** Compare: what `rhs` adds, removes and changes relative to `lhs`. */
  compare(lhs: unknown, rhs: unknown, t: TypeRef = this.root): Comparison {
    const c: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
    this.compareWalk(lhs, rhs, t, [], c);
    return c;
  }

  private compareWalk(lhs: unknown, rhs: unknown, t: TypeRef, path: Step[], c: Comparison): void {
    const leaf = () => {
      if (lhs === undefined) c.added.insertSteps(path);
      else if (rhs === undefined) c.removed.insertSteps(path);
      else if (!isDeepStrictEqual(lhs, rhs)) c.modified.insertSteps(path);
    };
    const a = this.atom(t, rhs !== undefined ? rhs : lhs);
    if (t === undefined && lhs !== undefined && rhs !== undefined && deduce(lhs).kind !== a.kind) return leaf();
    if (a.kind === "scalar") return leaf();
    if (a.kind === "list") {
      const l = Array.isArray(lhs) ? lhs : undefined;
      const r = Array.isArray(rhs) ? rhs : undefined;
      if ((lhs !== undefined && !l) || (rhs !== undefined && !r)) return leaf();
      if (a.atomic || ((l?.length ?? 0) === 0 && (r?.length ?? 0) === 0)) return leaf();
      const li = this.index(a, l ?? [], path);
      const ri = this.index(a, r ?? [], path);
      const seen = new Set<string>();
      for (const step of [...li.steps, ...ri.steps]) {
        const k = step.key;
        if (seen.has(k)) continue;
        seen.add(k);
        const lg = li.items.get(k);
        const rg = ri.items.get(k);
        path.push(step);
        if ((lg?.length ?? 0) > 1 || (rg?.length ?? 0) > 1) {
          // Duplicated keys: the items are compared as one leaf.
          if (!lg) c.added.insertSteps(path);
          else if (!rg) c.removed.insertSteps(path);
          else if (!isDeepStrictEqual(lg, rg)) c.modified.insertSteps(path);
        } else {
          this.compareWalk(lg?.[0], rg?.[0], a.elem, path, c);
        }
        path.pop();
      }
    } else {
      const l = isObj(lhs) ? lhs : undefined;
      const r = isObj(rhs) ? rhs : undefined;
      if ((lhs !== undefined && !l) || (rhs !== undefined && !r)) return leaf();
      if (a.atomic || (isEmpty(l) && isEmpty(r))) return leaf();
      const visit = (k: string, lv: unknown, rv: unknown) => {
        if (lv === undefined && rv === undefined) return;
        path.push(fieldStep(k));
        this.compareWalk(lv, rv, this.fieldType(a, k), path, c);
        path.pop();
      };
      if (l) for (const k in l) visit(k, l[k], r?.[k]);
      if (r) for (const k in r) if (!l || !Object.hasOwn(l, k)) visit(k, undefined, r[k]);
    }
    if (path.length > 0) {
      if (lhs === undefined) c.added.insertSteps(path);
      else if (rhs === undefined) c.removed.insertSteps(path);
    }
  }

  /** Merge: the applied configuration `rhs` over the live object `lhs` (rhs wins at leaves). */
  merge(lhs: unknown, rhs: unknown, t: TypeRef = this.root, path: Step[] = []): unknown {
    if (rhs === undefined) return lhs;
    if (lhs === undefined) {
      this.validateKeys(rhs, t, path);
      return rhs;
    }
    const a = this.atom(t, rhs);
    if (a.kind === "scalar") return rhs;
    if (a.kind === "list") {
      if (a.atomic || !Array.isArray(lhs) || !Array.isArray(rhs) || (lhs.length === 0 && rhs.length === 0)) return rhs;
      return this.mergeList(a, lhs, rhs, path);
    }
    if (a.atomic || !isObj(lhs) || !isObj(rhs)) return rhs;
    const out: Obj = {};
    for (const k in lhs) out[k] = Object.hasOwn(rhs, k) ? this.mergeField(lhs[k], rhs[k], a, k, path) : lhs[k];
    for (const k in rhs) if (!Object.hasOwn(lhs, k)) out[k] = this.mergeField(undefined, rhs[k], a, k, path);
    return out;
  }

  private mergeField(lv: unknown, rv: unknown, a: Atom & { kind: "map" }, k: string, path: Step[]): unknown {
    path.push(fieldStep(k));
    const m = this.merge(lv, rv, this.fieldType(a, k), path);
    path.pop();
    return m;
  }

  // The applied configuration may not repeat a key (upstream refuses it).
  private validateKeys(v: unknown, t: TypeRef, path: Step[]): void {
    const a = this.atom(t, v);
    if (a.kind === "list" && !a.atomic && Array.isArray(v)) {
      const { steps, items } = this.index(a, v, path);
      for (const step of steps) {
        const group = items.get(step.key)!;
        if (group.length > 1) throw new FieldPathError(`${where(path)}: duplicate entries for key ${pathString([step.pe])}`);
        path.push(step);
        this.validateKeys(group[0], a.elem, path);
        path.pop();
      }
    } else if (a.kind === "map" && !a.atomic && isObj(v)) {
      for (const k in v) {
        path.push(fieldStep(k));
        this.validateKeys(v[k], this.fieldType(a, k), path);
        path.pop();
      }
    }
  }

  // Upstream's list merge: items keep the applied order, live-only items stay where they were.
  private mergeList(a: Atom & { kind: "list" }, lhs: unknown[], rhs: unknown[], path: Step[]): unknown[] {
    const li = lhs.map((item, i) => serializeElement(this.listItemElement(a, item, i, path)));
    const rpes = rhs.map((item, i) => this.listItemElement(a, item, i, path));
    const ri = rpes.map(serializeElement);
    const rByKey = new Map<string, unknown>();
    ri.forEach((k, i) => {
      if (rByKey.has(k)) throw new FieldPathError(`${where(path)}: duplicate entries for key ${pathString([rpes[i]])}`);
      rByKey.set(k, rhs[i]);
    });
    const lByKey = new Map<string, unknown>();
    li.forEach((k, i) => lByKey.set(k, lByKey.has(k) ? null : lhs[i]));
    const shared = ri.filter((k) => lByKey.has(k));
    let nextShared = shared.shift();
    const mergedR = new Set<string>();
    const out: unknown[] = [];
    const mergeItem = (k: string, l: unknown, r: unknown, pe: PathElement) => {
      path.push({ pe, key: k });
      const m = this.merge(l === null ? undefined : l, r, a.elem, path);
      path.pop();
      if (m !== undefined) out.push(m);
    };
    let l = 0;
    let r = 0;
    while (l < li.length || r < ri.length) {
      if (l < li.length && r < ri.length) {
        if (li[l] === ri[r]) {
          mergedR.add(ri[r]);
          mergeItem(ri[r], lByKey.get(li[l]), rByKey.get(ri[r]), rpes[r]);
          l++;
          r++;
          nextShared = shared.shift();
          continue;
        }
        if (rByKey.has(li[l]) && nextShared !== undefined && nextShared !== li[l]) {
          l++;
          continue;
        }
      }
      if (l < li.length) {
        if (!rByKey.has(li[l])) {
          out.push(lhs[l]);
          l++;
          continue;
        } else if (mergedR.has(li[l])) {
          l++;
        }
      }
      if (r < ri.length) {
        mergedR.add(ri[r]);
        mergeItem(ri[r], lByKey.get(ri[r]), rByKey.get(ri[r]), rpes[r]);
        if (nextShared === ri[r]) nextShared = shared.shift();
        r++;
      }
    }
    return out;
  }

  /** RemoveItems: the object without the members of `set` (a removed step takes everything below it). */
  removeItems(v: unknown, set: FieldSet, t: TypeRef = this.root): unknown {
    const a = this.atom(t, v);
    if (a.kind === "scalar" || a.atomic) return v;
    if (a.kind === "list") {
      if (!Array.isArray(v) || v.length === 0) return v;
      const out: unknown[] = [];
      v.forEach((item, i) => {
        let pe: PathElement;
        try {
          pe = this.listItemElement(a, item, i, []);
        } catch {
          out.push(item);
          return;
        }
        if (set.hasMember(pe)) return;
        const sub = set.withPrefix(pe);
        out.push(sub.empty() ? item : this.removeItems(item, sub, a.elem));
      });
      return out.length > 0 ? out : undefined;
    }
    if (!isObj(v) || Object.keys(v).length === 0) return v;
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) {
      const pe = { field: k };
      if (set.hasMember(pe)) continue;
      const sub = set.withPrefix(pe);
      const kept = sub.empty() ? val : this.removeItems(val, sub, this.fieldType(a, k));
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /**
   * EnsureNamedFieldsAreMembers: a struct field with owned fields below it becomes a member
   * too, so pruning can remove the whole field (map keys and list items are left as they are).
   */
  ensureNamedFieldsAreMembers(set: FieldSet): FieldSet {
    return this.ensureNamed(set, this.root);
  }

  private ensureNamed(set: FieldSet, t: TypeRef): FieldSet {
    return set.withMembers<TypeRef>((pe, parent) => {
      const a = parent === undefined ? undefined : this.atom(parent, undefined);
      if (a?.kind === "map" && pe.field !== undefined) return { member: Object.hasOwn(a.fields, pe.field), ctx: this.fieldType(a, pe.field) };
      if (a?.kind === "list") return { member: false, ctx: a.elem };
      return { member: false, ctx: undefined };
    }, t);
  }
}

// A schema with no type and no structure (`{}`, preserve-unknown-fields, an unknown $ref).
function isDeduced(t: Schema, defs: Definitions): boolean {
  const r = resolveSchema(t, defs);
  return r.type === undefined || r["x-kubernetes-preserve-unknown-fields"] === true;
}

function isEmpty(o: Obj | undefined): boolean {
  if (!o) return true;
  for (const _ in o) return false;
  return true;
}

function deduce(v: unknown): Atom {
  if (Array.isArray(v)) return { kind: "list", atomic: true, elem: undefined };
  if (isObj(v)) return { kind: "map", atomic: false, fields: {}, elem: undefined };
  return { kind: "scalar" };
}
