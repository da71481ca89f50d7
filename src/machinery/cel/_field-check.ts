/**
 * A static check cel-go's type checker does for Kubernetes' schema-typed variables and a
 * dynamically typed library does not: selecting a field the variable's structure does not
 * declare (`self.spce.replicas`) is a compile error, `undefined field 'spce'`. Variables
 * bound by macros (`all`, `exists`, `exists_one`, `map`, `filter`) take the structure of
 * list items (or, over maps, none: they are keys).
 */

/** The shape of a variable's value, as far as it is known. */
export interface CelStructure {
  /** Declared fields of an object; absent for values whose fields are not known. */
  fields?: Record<string, CelStructure>;
  /** Other fields may be there too (preserve-unknown-fields, maps without a value schema). */
  open?: boolean;
  /** List items. */
  items?: CelStructure;
  /** Map values (the object is a map[string]T). */
  values?: CelStructure;
}

interface Node {
  op: string;
  args: unknown;
  pos?: number;
}

const macros = new Set(["all", "exists", "exists_one", "map", "filter"]);

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as Node).op === "string";
}

/** The first undefined field selection, as cel-go words it with its column, or undefined. */
export function undefinedField(ast: unknown, structures: Record<string, CelStructure>): string | undefined {
  let found: string | undefined;
  const shape = (n: unknown, scope: Map<string, CelStructure | undefined>): CelStructure | undefined => {
    if (!isNode(n)) return undefined;
    if (n.op === "id") return scope.get(n.args as string);
    if (n.op === "." || n.op === ".?") {
      const [target, field] = n.args as [unknown, string];
      const s = shape(target, scope);
      if (!s) return undefined;
      if (s.fields && field in s.fields) return s.fields[field];
      if (s.values) return s.values;
      if (s.fields && !s.open && found === undefined) found = `<input>:1:${n.pos ?? 0}: undefined field '${field}'`;
      return undefined;
    }
    if (n.op === "[]" || n.op === "[?]") {
      const [target] = n.args as [unknown];
      const s = shape(target, scope);
      return s?.items ?? s?.values;
    }
    return undefined;
  };
  const visit = (n: unknown, scope: Map<string, CelStructure | undefined>): void => {
    if (found !== undefined) return;
    if (Array.isArray(n)) {
      for (const c of n) visit(c, scope);
      return;
    }
    if (!isNode(n)) return;
    if (n.op === "." || n.op === ".?" || n.op === "[]" || n.op === "[?]") {
      shape(n, scope);
      visit((n.args as unknown[])[0], scope);
      if (n.op === "[]" || n.op === "[?]") visit((n.args as unknown[])[1], scope);
      return;
    }
    if (n.op === "rcall" && Array.isArray(n.args)) {
      const [name, receiver, params] = n.args as [string, unknown, unknown[]];
      visit(receiver, scope);
      if (macros.has(name) && Array.isArray(params) && isNode(params[0]) && params[0].op === "id") {
        const r = shape(receiver, scope);
        const inner = new Map(scope);
        inner.set(params[0].args as string, r?.items);
        for (const p of params.slice(1)) visit(p, inner);
        return;
      }
      visit(params, scope);
      return;
    }
    if (n.op === "id" || n.op === "value") return;
    visit(n.args, scope);
  };
  visit(ast, new Map(Object.entries(structures)));
  return found;
}
