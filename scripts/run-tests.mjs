#!/usr/bin/env node
// Runs the compiled tests with node's test runner.
//   node scripts/run-tests.mjs            every test: unit (dist/src) and end-to-end (dist/test)
//   node scripts/run-tests.mjs --unit     unit tests only
//   node scripts/run-tests.mjs FILTER...  only test files whose path contains a FILTER
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const unitOnly = args.includes("--unit");
const filters = args.filter((a) => !a.startsWith("--"));

function find(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

let files = find("dist/src");
if (!unitOnly) files = files.concat(find("dist/test"));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
files.sort();
if (files.length === 0) {
  console.error("no test files found; run `npm run build` first");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--enable-source-maps", "--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
