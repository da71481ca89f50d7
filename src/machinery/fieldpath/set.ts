/**
 * A set of field paths (structured-merge-diff's fieldpath.Set): a trie whose nodes hold
 * the steps that are members of the set and the steps that lead to deeper members. A
 * path can be both a member and a prefix (a list item owned as a whole and its fields).
 * Sets are values: operations return new sets.
 *
 *   const s = FieldSet.of([{ field: "spec" }, { field: "replicas" }]);
 *   s.toFieldsV1()   // { "f:spec": { "f:replicas": {} } }
 *   s.has([{ field: "spec" }]) // false: only a prefix
 */
import { compareElements, FieldPathError, parseElement, serializeElement, type Path, type PathElement } from "./path.js";

export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, { pe: PathElement; set: FieldSet }>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (mutates; for building). */
  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.child(path[i]);
    const last = path[path.length - 1];
    node.members.set(serializeElement(last), last);
  }

  /**
   * Adds a path whose steps come with their FieldsV1 keys already serialized (walkers
   * keep them on their path stack, so no step is serialized twice).
   */
  insertSteps(steps: readonly { pe: PathElement; key: string }[]): void {
    if (steps.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < steps.length - 1; i++) node = node.child(steps[i].pe, steps[i].key);
    const last = steps[steps.length - 1];
    node.members.set(last.key, last.pe);
  }

  /**
   * A copy in which `decide` may make steps that lead below a node members of it too;
   * `decide` gets each such step and its parent's context and returns the child's.
   */
  withMembers<T>(decide: (pe: PathElement, ctx: T) => { member: boolean; ctx: T }, ctx: T): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (c.set.empty()) continue;
      const d = decide(c.pe, ctx);
      if (d.member) out.members.set(k, c.pe);
      out.children.set(k, { pe: c.pe, set: c.set.withMembers(decide, d.ctx) });
    }
    return out;
  }

  private child(pe: PathElement, key?: string): FieldSet {
    const k = key ?? serializeElement(pe);
    let c = this.children.get(k);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.children.set(k, c);
    }
    return c.set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(serializeElement(path[i]))?.set;
    return node?.members.has(serializeElement(path[path.length - 1])) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  /** The paths below one step, without the step. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? EMPTY;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of other.members) out.members.set(k, pe);
    const keys = new Set([...this.children.keys(), ...other.children.keys()]);
    for (const k of keys) {
      const a = this.children.get(k);
      const b = other.children.get(k);
      const set = a && b ? a.set.union(b.set) : (a ?? b)!.set;
      if (!set.empty()) out.children.set(k, { pe: (a ?? b)!.pe, set });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [k, a] of this.children) {
      const b = other.children.get(k);
      if (!b) continue;
      const set = a.set.intersection(b.set);
      if (!set.empty()) out.children.set(k, { pe: a.pe, set });
    }
    return out;
  }

  /** Paths of this set that are not in `other` (a member of `other` does not remove what lies below it). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, a] of this.children) {
      const b = other.children.get(k);
      const set = b ? a.set.difference(b.set) : a.set;
      if (!set.empty()) out.children.set(k, { pe: a.pe, set });
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes every path below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, a] of this.children) {
      if (other.members.has(k)) continue;
      const b = other.children.get(k);
      const set = b ? a.set.recursiveDifference(b.set) : a.set;
      if (!set.empty()) out.children.set(k, { pe: a.pe, set });
    }
    return out;
  }

  /** Every member path, in upstream's order (a node's members, then its children's). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const pe of sorted([...this.members.values()])) out.push([...prefix, pe]);
    for (const c of sortedChildren(this.children)) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  /** The FieldsV1 document: `{"f:spec":{"f:replicas":{}}}`, `"."` marking a member that also has children. */
  toFieldsV1(): Record<string, unknown> {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (includeSelf && !this.empty()) out["."] = {};
    const steps = new Map<string, PathElement>(this.members);
    for (const [k, c] of this.children) if (!c.set.empty()) steps.set(k, c.pe);
    const order = [...steps].sort((a, b) => compareElements(a[1], b[1]));
    for (const [k] of order) {
      const c = this.children.get(k);
      out[k] = c && !c.set.empty() ? c.set.emit(this.members.has(k)) : {};
    }
    return out;
  }

  /** Parses a FieldsV1 document; throws FieldPathError when it is malformed. */
  static fromFieldsV1(doc: unknown): FieldSet {
    const out = new FieldSet();
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new FieldPathError("expected an object");
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (k === ".") continue;
      const pe = parseElement(k);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new FieldPathError(`expected an object at ${k}`);
      const inner = v as Record<string, unknown>;
      const keys = Object.keys(inner);
      if (keys.length === 0 || Object.hasOwn(inner, ".")) out.members.set(k, pe);
      if (keys.some((x) => x !== ".")) {
        const set = FieldSet.fromFieldsV1(inner);
        if (!set.empty()) out.children.set(k, { pe, set });
      }
    }
    return out;
  }
}

const EMPTY = new FieldSet();

function sorted(pes: PathElement[]): PathElement[] {
  return pes.sort(compareElements);
}

function sortedChildren(children: Map<string, { pe: PathElement; set: FieldSet }>): { pe: PathElement; set: FieldSet }[] {
  return [...children.values()].sort((a, b) => compareElements(a.pe, b.pe));
}
