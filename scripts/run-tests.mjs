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
// Tests that run real containerd, CNI or proxy rules share machine-wide things (the
// streaming port, the k8ts0 bridge, the host's nft table): they run one file at a time,
// after the rest, under a lock other local runs take too.
const exclusive = /[\\/](e2e-kubelet|e2e-services)[\\/]|[\\/]kubelet[\\/]cri\.test\.js$|[\\/]proxy[\\/]proxy-netns\.test\.js$/;
const shared = files.filter((f) => !exclusive.test(f));
const serial = files.filter((f) => exclusive.test(f));
// A hung test fails after this long instead of holding CI until its deadline.
const common = ["--enable-source-maps", "--test", "--test-timeout=900000"];
// Objects shared by informers and watchers are deep-frozen in tests, so code that mutates one
// fails at the write (src/machinery/cache-mutation-detector.ts); production never sets this.
const env = { ...process.env, K8TS_CACHE_MUTATION_DETECTOR: process.env.K8TS_CACHE_MUTATION_DETECTOR ?? "1" };

let status = 0;
if (shared.length) {
  const r = spawnSync(process.execPath, [...common, "--test-concurrency=2", ...shared], { stdio: "inherit", env });
  status ||= r.status ?? 1;
}
if (serial.length) {
  const hasFlock = spawnSync("sh", ["-c", "command -v flock"], { stdio: "ignore" }).status === 0;
  const cmd = [process.execPath, ...common, "--test-concurrency=1", ...serial];
  const r = hasFlock ? spawnSync("flock", ["/tmp/k8ts-containerd.lock", ...cmd], { stdio: "inherit", env }) : spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit", env });
  status ||= r.status ?? 1;
}
process.exit(status);
