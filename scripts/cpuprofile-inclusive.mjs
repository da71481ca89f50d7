#!/usr/bin/env node
// Inclusive time per function in a `node --cpu-prof` profile (each sample counted once per
// function on its stack), for seeing which component a cost belongs to.
//   node scripts/cpuprofile-inclusive.mjs PROFILE.cpuprofile [N] [FILTER]
import { readFileSync } from "node:fs";

const [file, n = "40", filter = ""] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const label = (node) => {
  const cf = node.callFrame;
  const where = cf.url.replace(/^file:\/\/.*?\/(dist\/|node_modules\/)/, "$1") || "(native)";
  return `${cf.functionName || "(anonymous)"}  ${where}:${cf.lineNumber + 1}`;
};
const incl = new Map();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const us = prof.timeDeltas[i] ?? 0;
  total += us;
  const seen = new Set();
  for (let id = prof.samples[i]; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id));
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + us);
  }
}
console.log(`inclusive time (total ${(total / 1e6).toFixed(1)} s)`);
for (const [k, us] of [...incl].filter(([k]) => k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
