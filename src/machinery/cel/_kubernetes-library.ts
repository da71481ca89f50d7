/**
 * The Kubernetes CEL libraries that are easy to carry over (apiserver
 * pkg/cel/library: lists.go, regex.go, quantity.go; cel-go ext/strings.go), on top of
 * the standard functions the CEL library already has (size, matches, startsWith,
 * endsWith, contains, split, join, lowerAscii, upperAscii, trim, substring, indexOf…).
 */
import type { Environment } from "@marcbachmann/cel-js";
import { RE2JS } from "re2js";
import { Quantity, parseQuantity } from "../quantity.js";

/** The name matches() is evaluated under (cel.ts renames it in each parsed expression). */
export const re2MatchesName = "k8tsRe2Matches";

/** Is `re` a valid RE2 pattern? The error as Go's regexp words it otherwise. */
export function re2Error(re: string): string | undefined {
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** RE2 search (unanchored, as JSON Schema's pattern and CEL's matches()). */
export function re2Test(re: string, s: string): boolean {
  return re2(re).matcher(s).find();
}

function compare(a: unknown, b: unknown): number {
  if (a instanceof CelQuantity && b instanceof CelQuantity) return a.q.cmp(b.q);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  throw new Error(`no such overload: comparing ${typeof a} and ${typeof b}`);
}

function celEquals(a: unknown, b: unknown): boolean {
  if (typeof a === "bigint" && typeof b === "number") return Number(a) === b;
  if (typeof a === "number" && typeof b === "bigint") return a === Number(b);
  if (a instanceof CelQuantity && b instanceof CelQuantity) return a.q.equals(b.q);
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  return JSON.stringify(a, bigintText) === JSON.stringify(b, bigintText);
}

function bigintText(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}

/** A Kubernetes resource.Quantity as a CEL value (library.Quantity). */
export class CelQuantity {
  constructor(readonly q: Quantity) {}
  toString(): string {
    return this.q.toString();
  }
}

/**
 * An optional value as CRD transition rules with `optionalOldSelf` see `oldSelf`:
 * `oldSelf.hasValue()`, `oldSelf.value()` (declare the variable as "OptionalValue").
 */
export class CelOptional {
  constructor(
    readonly present: boolean,
    readonly inner?: unknown,
  ) {}
}

function quantityOf(s: string): CelQuantity {
  return new CelQuantity(parseQuantity(s));
}

// Regular expressions are RE2's (linear time, as cel-go's): a pattern written against the
// API server must not be able to stall it, whatever the input.
const compiled = new Map<string, RE2JS>();

function re2(re: string): RE2JS {
  let p = compiled.get(re);
  if (!p) {
    p = RE2JS.compile(re);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(re, p);
  }
  return p;
}

function findAll(s: string, re: string, limit: number): string[] {
  const out: string[] = [];
  const m = re2(re).matcher(s);
  while ((limit < 0 || out.length < limit) && m.find()) out.push(m.group() ?? "");
  return out;
}

export function registerKubernetesLibrary(env: Environment): void {
  // lists.go
  env.registerFunction("list.isSorted(): bool", (l: unknown[]) => {
    for (let i = 1; i < l.length; i++) if (compare(l[i - 1], l[i]) > 0) return false;
    return true;
  });
  env.registerFunction("list.sum(): dyn", (l: unknown[]) => {
    if (l.length === 0) return 0n;
    return l.reduce((acc: unknown, v) => {
      if (typeof acc === "bigint" && typeof v === "bigint") return acc + v;
      return Number(acc) + Number(v);
    });
  });
  env.registerFunction("list.min(): dyn", (l: unknown[]) => {
    if (l.length === 0) throw new Error("min called on empty list");
    return l.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  });
  env.registerFunction("list.max(): dyn", (l: unknown[]) => {
    if (l.length === 0) throw new Error("max called on empty list");
    return l.reduce((a, b) => (compare(b, a) > 0 ? b : a));
  });
  env.registerFunction("list.indexOf(dyn): int", (l: unknown[], x: unknown) => BigInt(l.findIndex((v) => celEquals(v, x))));
  env.registerFunction("list.lastIndexOf(dyn): int", (l: unknown[], x: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], x)) return BigInt(i);
    return -1n;
  });

  // regex.go, and matches() with RE2 (cel.ts sends the standard matches() here)
  env.registerFunction("string.find(string): string", (s: string, re: string) => findAll(s, re, 1)[0] ?? "");
  env.registerFunction("string.findAll(string): list<string>", (s: string, re: string) => findAll(s, re, -1));
  env.registerFunction("string.findAll(string, int): list<string>", (s: string, re: string, n: bigint) => findAll(s, re, Number(n)));
  env.registerFunction(`string.${re2MatchesName}(string): bool`, (s: string, re: string) => re2(re).matcher(s).find());
  env.registerFunction(`${re2MatchesName}(string, string): bool`, (s: string, re: string) => re2(re).matcher(s).find());

  // cel-go ext/strings.go (version 2, as Kubernetes enables it)
  env.registerFunction("string.charAt(int): string", (s: string, i: bigint) => {
    const chars = [...s];
    if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
    return chars[Number(i)] ?? "";
  });
  env.registerFunction("string.replace(string, string): string", (s: string, a: string, b: string) => s.split(a).join(b));
  env.registerFunction("string.replace(string, string, int): string", (s: string, a: string, b: string, n: bigint) => {
    if (n < 0n) return s.split(a).join(b);
    let out = s;
    let from = 0;
    for (let k = 0n; k < n; k++) {
      const at = out.indexOf(a, from);
      if (at < 0) break;
      out = out.slice(0, at) + b + out.slice(at + a.length);
      from = at + b.length;
    }
    return out;
  });
  env.registerFunction("string.reverse(): string", (s: string) => [...s].reverse().join(""));

  // optionalOldSelf
  env.registerType("OptionalValue", { ctor: CelOptional });
  env.registerFunction("OptionalValue.hasValue(): bool", (o: CelOptional) => o.present);
  env.registerFunction("OptionalValue.value(): dyn", (o: CelOptional) => {
    if (!o.present) throw new Error("optional.none() dereference");
    return o.inner;
  });

  // quantity.go
  env.registerType("Quantity", { ctor: CelQuantity });
  env.registerFunction("quantity(string): Quantity", (s: string) => quantityOf(s));
  env.registerFunction("isQuantity(string): bool", (s: string) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  });
  env.registerFunction("Quantity.sign(): int", (q: CelQuantity) => BigInt(q.q.sign));
  env.registerFunction("Quantity.isGreaterThan(Quantity): bool", (a: CelQuantity, b: CelQuantity) => a.q.cmp(b.q) > 0);
  env.registerFunction("Quantity.isLessThan(Quantity): bool", (a: CelQuantity, b: CelQuantity) => a.q.cmp(b.q) < 0);
  env.registerFunction("Quantity.compareTo(Quantity): int", (a: CelQuantity, b: CelQuantity) => BigInt(a.q.cmp(b.q)));
  env.registerFunction("Quantity.add(Quantity): Quantity", (a: CelQuantity, b: CelQuantity) => new CelQuantity(a.q.add(b.q)));
  env.registerFunction("Quantity.add(int): Quantity", (a: CelQuantity, b: bigint) => new CelQuantity(a.q.add(Quantity.of(b))));
  env.registerFunction("Quantity.sub(Quantity): Quantity", (a: CelQuantity, b: CelQuantity) => new CelQuantity(a.q.sub(b.q)));
  env.registerFunction("Quantity.sub(int): Quantity", (a: CelQuantity, b: bigint) => new CelQuantity(a.q.sub(Quantity.of(b))));
  env.registerFunction("Quantity.isInteger(): bool", (q: CelQuantity) => Number.isInteger(q.q.toNumber()));
  env.registerFunction("Quantity.asInteger(): int", (q: CelQuantity) => {
    const n = q.q.toNumber();
    if (!Number.isInteger(n)) throw new Error("cannot convert value to integer");
    return BigInt(n);
  });
  env.registerFunction("Quantity.asApproximateFloat(): double", (q: CelQuantity) => q.q.toNumber());
}
