#!/usr/bin/env node
// Summarises a `node --cpu-prof` profile: the functions with the most self time, and the
// files with the most self time (which part of k8ts, which library).
//   node scripts/cpuprofile-top.mjs PROFILE.cpuprofile [N]
import { readFileSync } from "node:fs";

const [file, n = "35"] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((node) => [node.id, node]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const files = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const where = cf.url.replace(/^file:\/\/.*?\/(dist\/|node_modules\/)/, "$1") || "(native)";
  const key = `${cf.functionName || "(anonymous)"}  ${where}:${cf.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  files.set(where, (files.get(where) ?? 0) + us);
}
const show = (m, title) => {
  console.log(`\n${title} (total ${(total / 1e6).toFixed(1)} s)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show(fn, "self time by function");
show(files, "self time by file");
