#!/usr/bin/env node
// Checks that imports between src/ folders follow the layer table.
//
// The table is copied from the "Layers" section of ARCHITECTURE.md (the project's map,
// kept outside this repository; CI cannot read it), so change both together. Rules:
//   1. A component (a folder under src/, or src/controllers/<name>/) imports another
//      component only if its row below allows it.
//   2. It imports another component only through that component's index.ts
//      (`../storage/index.js`); files starting with `_` are private to their component.
//   3. Every folder under src/ has a row.
// Inside one component, relative imports are free. Package imports are not checked.
// The few allowed exceptions are in `exceptions`, each with its reason.
//
//   node scripts/check-layers.mjs        exit 0 if clean, 1 with one line per violation
//   node scripts/check-layers.mjs DIR    check DIR instead of src/ (to test this script)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = process.argv[2] ? resolve(process.argv[2]) : join(root, "src");

/** folder → the folders it may import (ARCHITECTURE.md, "Layers"). `*` means everything. */
const layers = {
  cmd: ["*"],
  kubelet: ["client", "api", "machinery"],
  proxy: ["client", "api", "machinery"],
  netpol: ["client", "api", "machinery"],
  dns: ["client", "api", "machinery"],
  scheduler: ["client", "api", "machinery"],
  "controllers/*": ["client", "api", "machinery"],
  apiserver: ["storage", "api", "machinery"],
  client: ["api", "machinery"],
  storage: ["machinery"],
  api: ["machinery"],
  machinery: [],
};

/**
 * Imports allowed despite the table: { from, to, reason }. `from` is a component
 * (as in `layers`, e.g. "apiserver") or a file under src/; `to` is a file under src/.
 */
const exceptions = [
  {
    from: "apiserver/_test-registry.ts",
    to: "api/core/v1/definitions.ts",
    reason: "test-only registry for discovery/OpenAPI tests until they use the real built-in registry from src/api/index.ts",
  },
];

/** The component a path under src/ belongs to: "storage", "controllers/deployment", ... */
function componentOf(relPath) {
  const parts = relPath.split(sep);
  if (parts.length < 2) return undefined; // a file directly in src/
  if (parts[0] === "controllers") return parts.length >= 3 ? `controllers/${parts[1]}` : "controllers";
  return parts[0];
}

function rowFor(component) {
  if (component in layers) return layers[component];
  if (component.startsWith("controllers/")) return layers["controllers/*"];
  return undefined;
}

function allows(row, target) {
  if (row.includes("*")) return true;
  const base = target.startsWith("controllers/") ? "controllers" : target;
  return row.includes(target) || row.includes(base);
}

function isExcepted(fromComponent, fromFile, toFile) {
  return exceptions.some((e) => (e.from === fromComponent || e.from === fromFile) && e.to === toFile);
}

function tsFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(tsFiles(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

// Static imports and re-exports (`import x from "…"`, `import type …`, `export … from "…"`,
// side-effect `import "…"`) and dynamic `import("…")`. Comments are stripped first.
const importPattern = /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'\\])\/\/.*$/gm, "$1");
}

const problems = [];
const seenFolders = new Set();

for (const file of tsFiles(src)) {
  const rel = relative(src, file);
  const from = componentOf(rel);
  if (from === undefined) {
    problems.push(`src/${rel}: files belong in a component folder, not directly in src/`);
    continue;
  }
  seenFolders.add(from);
  const row = rowFor(from);
  if (row === undefined) {
    problems.push(`src/${rel}: folder src/${from}/ has no row in the layer table (ARCHITECTURE.md, scripts/check-layers.mjs)`);
    continue;
  }
  const text = stripComments(readFileSync(file, "utf8"));
  for (const match of text.matchAll(importPattern)) {
    const spec = match[1] ?? match[2];
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    const targetRel = relative(src, target);
    if (targetRel.startsWith("..")) {
      problems.push(`src/${rel}: imports "${spec}" from outside src/`);
      continue;
    }
    const to = componentOf(targetRel);
    if (to === from) continue;
    const toFile = targetRel.replace(/\.js$/, ".ts").split(sep).join("/");
    if (isExcepted(from, rel.split(sep).join("/"), toFile)) continue;
    if (to === undefined || !allows(row, to)) {
      problems.push(`src/${rel}: src/${from}/ may not import src/${to ?? toFile}/ ("${spec}"); allowed: ${row.join(", ") || "nothing of ours"}`);
      continue;
    }
    const publicFace = `${to}/index.ts`;
    if (toFile !== publicFace) {
      problems.push(`src/${rel}: imports "${spec}"; other components are reached only through src/${publicFace}`);
    }
  }
}

for (const e of exceptions) {
  if (!e.reason) problems.push(`scripts/check-layers.mjs: the exception ${e.from} → ${e.to} needs a reason`);
}

if (problems.length) {
  console.error(`check-layers: ${problems.length} import(s) break the layer rules (ARCHITECTURE.md, "Layers"):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-layers: ok (${[...seenFolders].sort().join(", ")})`);
