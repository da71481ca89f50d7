#!/usr/bin/env node
// Writes src/api/protobuf/_field-numbers.ts: for each protobuf message of the given upstream
// `generated.proto` files, the definition name our schemas use and its field number → JSON
// field name. Only those numbers are kept (facts about the wire format); no .proto text.
//
//   npx tsx scripts/gen-protobuf-fields.mjs path/to/core/v1/generated.proto ...
//
// The .proto files (and the Go sources beside them) come from k8s.io/api and
// k8s.io/apimachinery at the release kubectl speaks (v0.35.x for 1.35), extracted outside the
// repo, e.g. for each group folder:
//   git -C k8s.io-api show v0.35.7:core/v1/generated.proto > /tmp/protos/api/core/v1/generated.proto
//   git -C k8s.io-api show v0.35.7:core/v1/types.go        > /tmp/protos/api/core/v1/types.go
//   npx tsx scripts/gen-protobuf-fields.mjs $(find /tmp/protos -name '*.proto' | sort)
// Only messages with a definition in our schemas are written; rerun when a group is added.
// Go source files (types.go…) next to a .proto file, when present, tell which scalar fields
// are non-pointer with `omitempty`: Go always writes those to the wire, but its JSON leaves
// out their zero value, so the table marks them `"name,omitempty"` and the decoder drops 0
// and false there (and keeps them for pointer fields like `replicas`).
// Run under tsx so the script can load our schemas (src/api) and report every proto field
// whose name is not a property of our definition, and every property with no proto field;
// fix real name differences in `jsonNameOverrides` below.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/api/protobuf/_field-numbers.ts");

// Definition name → proto field name → JSON name, where go-to-protobuf's field name is not
// the JSON one and no Go source says otherwise. The special apimachinery types (Time, Quantity, IntOrString, …) are decoded
// by hand and keep their proto names.
const jsonNameOverrides = {};

// Messages that are not objects in JSON: decode.ts reads them by their proto field names.
const specialMessages = new Set([
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Duration",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "io.k8s.apimachinery.pkg.api.resource.Quantity",
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apimachinery.pkg.runtime.Unknown",
  "io.k8s.apimachinery.pkg.runtime.TypeMeta",
]);

/** Parses the messages of one .proto file: [{ name, fields: [{ number, name, type, label }] }]. */
function parseProto(text) {
  const lines = text.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim());
  let pkg = "";
  const messages = [];
  const stack = [];
  for (const line of lines) {
    if (!line) continue;
    const p = /^package\s+([\w.]+)\s*;/.exec(line);
    if (p) pkg = p[1];
    const m = /^message\s+(\w+)\s*\{/.exec(line);
    if (m) {
      const name = [...stack.map((s) => s.name), m[1]].join(".");
      const msg = { name: `${definitionPrefix(pkg)}.${name}`, fields: [] };
      stack.push({ name: m[1], msg });
      messages.push(msg);
      if (line.endsWith("}")) stack.pop();
      continue;
    }
    if (/^(enum|oneof)\b/.test(line)) throw new Error(`unsupported proto construct: ${line}`);
    const f = /^(optional|repeated|required)?\s*(map\s*<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*(\d+)/.exec(line);
    if (f && stack.length) {
      const type = f[2].replace(/\s+/g, "");
      // A message type's definition name: `.k8s.io.api.core.v1.X` or `X` in this package.
      const typeName = type.startsWith(".") ? definitionPrefix(type.slice(1)) : /^[A-Z]/.test(type) ? `${definitionPrefix(pkg)}.${type}` : type;
      stack[stack.length - 1].msg.fields.push({ label: f[1] ?? "", type: typeName, name: f[3], number: Number(f[4]) });
      continue;
    }
    if (line === "}" && stack.length) stack.pop();
  }
  return messages;
}

/**
 * Struct fields of the Go files beside a .proto: "Struct" → field number → { pointer, omitempty, json }.
 * Only fields with a `protobuf:"…"` tag count.
 */
function parseGoStructs(dir) {
  const structs = new Map();
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go") && !f.startsWith("zz_generated") && !f.endsWith(".pb.go"));
  } catch {
    return structs;
  }
  for (const file of files) {
    let current;
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const t = /^type\s+(\w+)\s+struct\s*\{/.exec(line);
      if (t) {
        current = new Map();
        structs.set(t[1], current);
        continue;
      }
      if (/^\}/.test(line)) current = undefined;
      const f = current && /^\s+(?:\w+\s+)?(\S+)\s+`([^`]*)`/.exec(line);
      if (!f) continue;
      const pb = /protobuf:"[^"]*?,(\d+),/.exec(f[2]);
      const json = /json:"([^"]*)"/.exec(f[2]);
      if (!pb || !json) continue;
      const [jsonName, ...options] = json[1].split(",");
      current.set(Number(pb[1]), { pointer: f[1].startsWith("*"), omitempty: options.includes("omitempty"), scalar: /^(bool|u?int(8|16|32|64)?|float(32|64))$/.test(f[1]), json: jsonName });
    }
  }
  return structs;
}

/** `k8s.io.api.core.v1` → `io.k8s.api.core.v1`, the OpenAPI definition prefix. */
function definitionPrefix(pkg) {
  return pkg.startsWith("k8s.io.") ? `io.k8s.${pkg.slice("k8s.io.".length)}` : pkg;
}

async function loadDefinitions() {
  try {
    const api = await import("../src/api/index.js");
    return api.builtinRegistry().definitions();
  } catch (err) {
    console.warn(`note: cannot load our schemas (${err.message.split("\n")[0]}); run under tsx to check names`);
    return undefined;
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx scripts/gen-protobuf-fields.mjs FILE.proto...");
  process.exit(2);
}
const messages = files.flatMap((f) => {
  const parsed = parseProto(readFileSync(f, "utf8"));
  const structs = parseGoStructs(dirname(f));
  for (const m of parsed) {
    const goFields = structs.get(m.name.slice(m.name.lastIndexOf(".") + 1));
    for (const field of m.fields) field.go = goFields?.get(field.number);
  }
  if (structs.size === 0) console.warn(`note: no Go sources beside ${f}; zero numbers and booleans will be kept`);
  return parsed;
});
messages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const definitions = await loadDefinitions();

const byName = new Map(messages.map((m) => [m.name, m]));

/**
 * Go's embedded structs (`json:",inline"`: Volume's VolumeSource, Probe's ProbeHandler,
 * the LocalObjectReference of key selectors) are one field on the wire but flat in JSON.
 * Such a field is written `"...<definition>"`: its message's fields belong to the outer object.
 */
function isInline(field, props) {
  const inner = byName.get(field.type);
  if (!props || field.name in props || !inner || field.label === "repeated") return false;
  return inner.fields.every((f) => f.name in props || isInline(f, props));
}

const inlined = new Set();
if (definitions) {
  const visit = (msg, props) => {
    for (const f of msg.fields) {
      if (isInline(f, props)) {
        inlined.add(f.type);
        visit(byName.get(f.type), props);
      }
    }
  };
  for (const msg of messages) {
    const schema = definitions[msg.name];
    if (schema && !specialMessages.has(msg.name)) visit(msg, schema.properties);
  }
}

let mismatches = 0;
const rows = [];
for (const msg of messages) {
  const overrides = jsonNameOverrides[msg.name] ?? {};
  const schema = definitions?.[msg.name];
  if (definitions && !schema && !inlined.has(msg.name)) continue; // not one of our definitions (yet): regenerate when it is
  const entries = msg.fields.map((f) => {
    if (isInline(f, schema?.properties)) return [f.number, `...${f.type}`];
    let name = overrides[f.name] ?? f.name;
    if (f.go?.json && f.go.json !== "-" && f.go.json !== name) {
      console.log(`${msg.name}: proto field ${f.number} "${name}" is "${f.go.json}" in Go's json tag; using that`);
      name = f.go.json;
    }
    return [f.number, f.go && !f.go.pointer && f.go.omitempty && f.go.scalar ? `${name},omitempty` : name];
  });
  if (schema && !specialMessages.has(msg.name)) {
    const props = schema.properties ?? {};
    const flat = (m) => m.fields.flatMap((f) => (isInline(f, props) ? flat(byName.get(f.type)) : [[f.number, overrides[f.name] ?? f.name]]));
    for (const [number, name] of flat(msg)) {
      if (!(name in props)) {
        mismatches++;
        console.log(`${msg.name}: proto field ${number} "${name}" is no property of our schema`);
      }
    }
    const names = new Set(flat(msg).map(([, n]) => n));
    for (const p of Object.keys(props)) {
      if (p !== "apiVersion" && p !== "kind" && !names.has(p)) console.log(`${msg.name}: property "${p}" has no proto field`);
    }
  }
  const body = entries.map(([n, name]) => `${n}: ${JSON.stringify(name)}`).join(", ");
  rows.push(`  ${JSON.stringify(msg.name)}: { ${body} },`);
}

const text = `// Generated by scripts/gen-protobuf-fields.mjs from upstream's generated.proto files; do not edit.
// Protobuf field number → JSON field name, per definition (the names our schemas use).
// "name,omitempty": a non-pointer number or boolean whose zero value Go's JSON leaves out.
// "...Definition": an embedded Go struct whose fields are inline in JSON.
export const fieldNumbers: Readonly<Record<string, Readonly<Record<number, string>>>> = {
${rows.join("\n")}
};
`;
writeFileSync(out, text);
console.log(`wrote ${rows.length} messages to ${out}${definitions ? `; ${mismatches} field names differ from our schemas` : ""}`);
