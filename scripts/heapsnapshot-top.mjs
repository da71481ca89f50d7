#!/usr/bin/env node
// Summarises a V8 heap snapshot: self size and count by node type and constructor name.
//   node scripts/heapsnapshot-top.mjs FILE.heapsnapshot [N]
import { readFileSync } from "node:fs";

const [file, n = "30"] = process.argv.slice(2);
const snap = JSON.parse(readFileSync(file, "utf8"));
const meta = snap.snapshot.meta;
const fields = meta.node_fields;
const types = meta.node_types[0];
const stride = fields.length;
const iType = fields.indexOf("type");
const iName = fields.indexOf("name");
const iSize = fields.indexOf("self_size");
const nodes = snap.nodes;
const by = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += stride) {
  const type = types[nodes[i + iType]];
  const size = nodes[i + iSize];
  total += size;
  let name = type === "object" || type === "closure" || type === "native" ? snap.strings[nodes[i + iName]] : `(${type})`;
  if (name.length > 60) name = name.slice(0, 60) + "…";
  const e = by.get(name) ?? { count: 0, size: 0 };
  e.count++;
  e.size += size;
  by.set(name, e);
}
console.log(`total self size ${(total / 1024 / 1024).toFixed(1)} MiB`);
for (const [name, e] of [...by].sort((a, b) => b[1].size - a[1].size).slice(0, Number(n))) console.log(`${(e.size / 1024 / 1024).toFixed(1).padStart(8)} MiB ${String(e.count).padStart(9)}  ${name}`);
