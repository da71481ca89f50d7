#!/usr/bin/env node
// Who calls a function in a `node --cpu-prof` profile, by share of its inclusive time.
//   node scripts/cpuprofile-callers.mjs PROFILE.cpuprofile FUNCTION_NAME [DEPTH]
import { readFileSync } from "node:fs";

const [file, name, depthArg = "1"] = process.argv.slice(2);
const depth = Number(depthArg);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const label = (id) => {
  const cf = byId.get(id).callFrame;
  return `${cf.functionName || "(anonymous)"} ${cf.url.replace(/^file:\/\/.*?\/(dist\/|node_modules\/)/, "$1")}:${cf.lineNumber + 1}`;
};
const callers = new Map();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const us = prof.timeDeltas[i] ?? 0;
  for (let id = prof.samples[i]; id !== undefined; id = parent.get(id)) {
    if (byId.get(id).callFrame.functionName !== name) continue;
    const chain = [];
    for (let p = parent.get(id), d = 0; p !== undefined && d < depth; p = parent.get(p), d++) chain.push(label(p));
    const key = chain.join(" <- ");
    callers.set(key, (callers.get(key) ?? 0) + us);
    total += us;
    break;
  }
}
console.log(`${name}: ${(total / 1e6).toFixed(2)} s inclusive`);
for (const [k, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
