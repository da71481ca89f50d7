#!/usr/bin/env node
// Looks inside a running node process (k8ts server, k8ts sim) through its inspector:
// SIGUSR1 opens the inspector on 127.0.0.1:9229, then over the DevTools protocol
//   node scripts/inspect.mjs profile PID SECONDS OUT.cpuprofile   CPU profile of a window
//   node scripts/inspect.mjs lag PID SECONDS                      event-loop turn lengths (10 ms timer)
// Why: `--cpu-prof` covers a whole run, so start-up blurs a steady state, and a saturated
// server's profile needs its event-loop lag beside it (docs/benchmarks.md, items 10–16).
// Read profiles with scripts/cpuprofile-top.mjs, -inclusive.mjs and -callers.mjs.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

const [mode, pidText, secondsText, out] = process.argv.slice(2);
const pid = Number(pidText);
const seconds = Number(secondsText);
if (!["profile", "lag"].includes(mode) || !pid || !seconds || (mode === "profile" && !out)) {
  console.error("usage: node scripts/inspect.mjs profile PID SECONDS OUT.cpuprofile | lag PID SECONDS");
  process.exit(2);
}
process.kill(pid, "SIGUSR1");
await new Promise((r) => setTimeout(r, 1000));
const targets = await (await fetch("http://127.0.0.1:9229/json/list")).json();
const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
let nextId = 0;
const pending = new Map();
ws.on("message", (data) => {
  const msg = JSON.parse(String(data));
  pending.get(msg.id)?.(msg.result);
  pending.delete(msg.id);
});
const call = (method, params = {}) => new Promise((resolve) => {
  const id = ++nextId;
  pending.set(id, resolve);
  ws.send(JSON.stringify({ id, method, params }));
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === "profile") {
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 1000 });
  await call("Profiler.start");
  await sleep(seconds * 1000);
  const { profile } = await call("Profiler.stop");
  writeFileSync(out, JSON.stringify(profile));
  console.log(`wrote ${out}`);
} else {
  const expression = `globalThis.__k8tsLag = []; { let last = performance.now(); const t = setInterval(() => { const now = performance.now(); globalThis.__k8tsLag.push(Math.round(now - last - 10)); last = now; }, 10); setTimeout(() => clearInterval(t), ${seconds * 1000}); } "ok"`;
  await call("Runtime.evaluate", { expression });
  await sleep(seconds * 1000 + 500);
  const summary = `(() => { const l = [...globalThis.__k8tsLag].sort((a, b) => a - b); return JSON.stringify({ turns: l.length, p50: l[l.length >> 1], p99: l[Math.floor(l.length * 0.99)], max: l[l.length - 1] }); })()`;
  const { result } = await call("Runtime.evaluate", { expression: summary, returnByValue: true });
  console.log(`event-loop lag over ${seconds} s (ms beyond a 10 ms timer): ${result.value}`);
}
ws.close();
