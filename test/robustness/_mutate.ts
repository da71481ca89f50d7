// Seeded mutations of valid request bodies: structural ones on the JSON tree (wrong
// types, null for objects, arrays for maps, deep nesting, huge strings, unicode,
// out-of-range numbers, unknown and duplicate keys) and byte-level ones on the encoded
// text (flip, insert, delete, truncate). The same seed always gives the same body.
import { stringify as toYaml } from "yaml";
import type { Json, JsonObject } from "./_bodies.js";

export interface Mutated {
  /** The bytes to send. */
  body: Buffer;
  contentType: string;
  /** What was done, for the failure report. */
  ops: string[];
  /** Add `fieldValidation=Strict` to the query. */
  strict: boolean;
}

type Rand = () => number;

const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)];

const unicodeSamples = [
  "héllo-wörld",
  "名前",
  "😀🚀",
  "a\u200bb", // zero-width space
  "\u202eevil", // right-to-left override
  "e\u0301", // combining accent
  "\ud800", // lone high surrogate
  "\udfff\ud800", // reversed surrogates
  "nul\u0000byte",
  "\ufeffbom",
  "tab\tnew\nline",
  "\u{10ffff}",
];

/** Placeholders for number literals JSON.stringify cannot write. */
const rawNumbers = ["1e309", "-1e309", "99999999999999999999999", "1e-400", "-0", "1.5", "9007199254740993", "-9223372036854775809", "0.0000001"];

function randomValue(rand: Rand, raws: string[]): Json {
  switch (int(rand, 12)) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick(rand, [0, -1, 1, 65536, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 3.14, Number.MAX_SAFE_INTEGER]);
    case 3: {
      raws.push(pick(rand, rawNumbers));
      return `__RAW_${raws.length - 1}__`;
    }
    case 4:
      return "";
    case 5:
      return pick(rand, unicodeSamples);
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return [1, "two", null, { three: 3 }];
    case 9:
      return { "": "", "a/b": "c", "-": null };
    case 10:
      return "x".repeat(1 + int(rand, 300));
    default:
      return pick(rand, ["true", "80", "null", "{}", "[]", "Always", "apps/v1"]);
  }
}

interface Slot {
  parent: Json[] | JsonObject;
  key: string | number;
  value: Json;
}

function slots(root: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(root)) {
    root.forEach((v, i) => {
      out.push({ parent: root, key: i, value: v });
      slots(v, out);
    });
  } else if (root !== null && typeof root === "object") {
    for (const [k, v] of Object.entries(root)) {
      out.push({ parent: root, key: k, value: v });
      slots(v, out);
    }
  }
  return out;
}

function set(slot: Slot, value: Json): void {
  (slot.parent as Record<string | number, Json>)[slot.key] = value;
}

/** Deep nesting as text (a placeholder replaced after encoding), so building it needs no recursion here. */
function nested(depth: number, asArray: boolean): string {
  return asArray ? "[".repeat(depth) + '"bottom"' + "]".repeat(depth) : '{"n":'.repeat(depth) + '"bottom"' + "}".repeat(depth);
}

type TreeOp = (rand: Rand, root: JsonObject, raws: string[]) => string;

/** A random slot among `candidates`, or among all slots when there is none. */
function pickSlot(rand: Rand, root: JsonObject, candidates: Slot[]): Slot {
  const all = candidates.length ? candidates : slots(root);
  return all.length ? pick(rand, all) : { parent: root, key: "added", value: null };
}

const treeOps: TreeOp[] = [
  function wrongType(rand, root, raws) {
    const s = pickSlot(rand, root, slots(root));
    set(s, randomValue(rand, raws));
    return `wrongType ${String(s.key)}`;
  },
  function nullify(rand, root) {
    const objs = slots(root).filter((s) => s.value !== null && typeof s.value === "object");
    const s = pickSlot(rand, root, objs);
    set(s, null);
    return `null ${String(s.key)}`;
  },
  function arrayForMap(rand, root) {
    const maps = slots(root).filter((s) => s.value !== null && typeof s.value === "object" && !Array.isArray(s.value));
    const s = pickSlot(rand, root, maps);
    const isMap = s.value !== null && typeof s.value === "object" && !Array.isArray(s.value);
    set(s, isMap && rand() < 0.5 ? Object.values(s.value as JsonObject) : [s.value]);
    return `arrayForMap ${String(s.key)}`;
  },
  function mapForArray(rand, root) {
    const arrays = slots(root).filter((s) => Array.isArray(s.value));
    if (arrays.length === 0) return "mapForArray (none)";
    const s = pick(rand, arrays);
    set(s, Object.fromEntries((s.value as Json[]).map((v, i) => [String(i), v])));
    return `mapForArray ${String(s.key)}`;
  },
  function deleteKey(rand, root) {
    const keyed = slots(root).filter((s) => !Array.isArray(s.parent));
    const s = pickSlot(rand, root, keyed);
    delete (s.parent as JsonObject)[s.key as string];
    return `delete ${String(s.key)}`;
  },
  function unknownKey(rand, root, raws) {
    const maps = [root as Json, ...slots(root).map((s) => s.value)].filter((v) => v !== null && typeof v === "object" && !Array.isArray(v)) as JsonObject[];
    const target = pick(rand, maps);
    const key = pick(rand, ["bogus", "spec", "status", "metadata", "__proto__", "constructor", "😀", "", "a.b/c"]);
    // defineProperty so "__proto__" becomes a real own key in the JSON text.
    Object.defineProperty(target, key, { value: randomValue(rand, raws), enumerable: true, writable: true, configurable: true });
    return `unknownKey ${key}`;
  },
  function hugeString(rand, root) {
    const strings = slots(root).filter((s) => typeof s.value === "string");
    const s = pickSlot(rand, root, strings);
    const size = rand() < 0.1 ? 1024 * 1024 * (1 + int(rand, 4)) : 1000 + int(rand, 200_000);
    set(s, pick(rand, ["x", "é", "😀", "\\"]).repeat(size));
    return `hugeString ${String(s.key)} ${size}`;
  },
  function deepNesting(rand, root, raws) {
    const s = pickSlot(rand, root, slots(root));
    const depth = pick(rand, [64, 1000, 10_000, 100_000]);
    raws.push(nested(depth, rand() < 0.5));
    set(s, `__RAW_${raws.length - 1}__`);
    return `deepNesting ${String(s.key)} ${depth}`;
  },
  function unicode(rand, root) {
    const strings = slots(root).filter((s) => typeof s.value === "string" || !Array.isArray(s.parent));
    const s = pickSlot(rand, root, strings);
    const u = pick(rand, unicodeSamples);
    if (typeof s.value === "string" && rand() < 0.5) set(s, u);
    else if (!Array.isArray(s.parent)) {
      const parent = s.parent as JsonObject;
      parent[`${String(s.key)}${u}`] = s.value;
      delete parent[s.key as string];
    } else set(s, u);
    return `unicode ${String(s.key)}`;
  },
  function outOfRange(rand, root, raws) {
    const numbers = slots(root).filter((s) => typeof s.value === "number");
    const s = pickSlot(rand, root, numbers);
    raws.push(pick(rand, rawNumbers));
    set(s, `__RAW_${raws.length - 1}__`);
    return `outOfRange ${String(s.key)} ${raws[raws.length - 1]}`;
  },
  function manyKeys(rand, root) {
    const maps = slots(root).filter((s) => s.value !== null && typeof s.value === "object" && !Array.isArray(s.value));
    const s = pickSlot(rand, root, maps);
    // Larger maps are covered once, by the YAML size test in bad-input.test.ts.
    const n = pick(rand, [100, 2000, 5000]);
    const m: JsonObject = {};
    for (let i = 0; i < n; i++) m[`k${i}`] = `v${i}`;
    set(s, m);
    return `manyKeys ${String(s.key)} ${n}`;
  },
];

type ByteOp = (rand: Rand, b: Buffer) => [Buffer, string];

const byteOps: ByteOp[] = [
  function flip(rand, b) {
    if (b.length === 0) return [b, "flip (empty)"];
    const out = Buffer.from(b);
    const i = int(rand, out.length);
    out[i] ^= 1 << int(rand, 8);
    return [out, `flip @${i}`];
  },
  function insert(rand, b) {
    const i = int(rand, b.length + 1);
    const bytes = Buffer.from(pick(rand, ["{", "}", "[", "]", ",", ":", '"', "\\", "\u0000", "\xff", "\ud800", "null", "\n", "😀"]), "latin1");
    return [Buffer.concat([b.subarray(0, i), bytes, b.subarray(i)]), `insert @${i}`];
  },
  function del(rand, b) {
    const i = int(rand, b.length + 1);
    const n = 1 + int(rand, 8);
    return [Buffer.concat([b.subarray(0, i), b.subarray(i + n)]), `delete @${i}+${n}`];
  },
  function truncate(rand, b) {
    const i = int(rand, b.length + 1);
    return [b.subarray(0, i), `truncate @${i}`];
  },
  function invalidUtf8(rand, b) {
    const i = int(rand, b.length + 1);
    return [Buffer.concat([b.subarray(0, i), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), b.subarray(i)]), `invalidUtf8 @${i}`];
  },
];

/** A JSON object as text with one key written twice (`{"k":…,"k":…}`), which JSON.stringify cannot do. */
function duplicateKey(rand: Rand, text: string): [string, string] {
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === "{" && text[i + 1] === '"') at.push(i);
  if (at.length === 0) return [text, "duplicateKey (none)"];
  const i = pick(rand, at);
  const keyEnd = text.indexOf('"', i + 2);
  const key = text.slice(i + 2, keyEnd);
  const dup = `"${key}":${pick(rand, ['"dup"', "1", "null", "{}", "[]"])},`;
  return [text.slice(0, i + 1) + dup + text.slice(i + 1), `duplicateKey ${key}`];
}

/** One mutated body from `base` (not modified), deterministic for `rand`'s seed. */
export function mutate(rand: Rand, base: Json): Mutated {
  const root = structuredClone(base) as JsonObject;
  const raws: string[] = [];
  const ops: string[] = [];
  const treeCount = rand() < 0.15 ? 0 : 1 + int(rand, 3);
  for (let i = 0; i < treeCount; i++) ops.push(pick(rand, treeOps)(rand, root, raws));
  const strict = rand() < 0.2;

  const asYaml = rand() < 0.12;
  let text: string;
  if (asYaml) {
    let yamlText: string;
    try {
      yamlText = toYaml(JSON.parse(JSON.stringify(root)) as unknown, { aliasDuplicateObjects: false });
    } catch {
      yamlText = JSON.stringify(root); // too deep for the YAML writer: JSON is valid YAML
    }
    if (rand() < 0.15) {
      // An alias bomb: each level refers to the one below ten times.
      yamlText = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n${yamlText}`;
      ops.push("yamlAliasBomb");
    }
    text = yamlText.replace(/"?__RAW_(\d+)__"?/g, (_, n: string) => raws[Number(n)]);
    ops.push("yaml");
  } else {
    text = JSON.stringify(root);
    text = text.replace(/"__RAW_(\d+)__"/g, (_, n: string) => raws[Number(n)]);
    if (rand() < 0.1) {
      const [t, op] = duplicateKey(rand, text);
      text = t;
      ops.push(op);
    }
  }

  let body: Buffer = Buffer.from(text, "utf8");
  const byteCount = treeCount === 0 ? 1 + int(rand, 3) : rand() < 0.25 ? 1 + int(rand, 2) : 0;
  for (let i = 0; i < byteCount; i++) {
    const [b, op] = pick(rand, byteOps)(rand, body);
    body = b;
    ops.push(op);
  }
  return { body, contentType: asYaml ? "application/yaml" : "application/json", ops, strict };
}
