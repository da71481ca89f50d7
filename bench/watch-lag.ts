// Watch delivery under write load (not a test): `npm run build && node dist/bench/watch-lag.js`.
// Creates N pods in-process (64 at a time) while WATCHERS HTTPS clients watch every pod, and
// prints once a second how many each has seen. Env: N (20000), WATCHERS (2), STORE (sqlite|memory).
// It showed the server writing five events per watcher per event-loop turn while busy
// (watchers 15,000 pods behind at 20,000 created); see docs/benchmarks.md.
import { Client, httpTransport, resources } from "../src/client/index.js";
import { startTestApiServer } from "../test/harness/index.js";

const total = Number(process.env.N ?? 20_000);
const watchers = Number(process.env.WATCHERS ?? 2);
const server = await startTestApiServer({ store: process.env.STORE === "memory" ? "memory" : "sqlite" });
await server.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "w" } });
const seen: number[] = Array.from({ length: watchers }, () => 0);
const stop = new AbortController();
const transports = Array.from({ length: watchers }, () => httpTransport({ server: server.url, ca: server.pki.ca.cert, cert: server.pki.admin.cert, key: server.pki.admin.key }));
transports.forEach((transport, w) => {
  void (async () => {
    for await (const ev of new Client({ transport }).watch(resources.pods, { signal: stop.signal })) if (ev.type === "ADDED") seen[w]++;
  })().catch(() => undefined);
});
await new Promise((r) => setTimeout(r, 500));
const t0 = performance.now();
let created = 0;
let maxBehind = 0;
const tick = setInterval(() => {
  maxBehind = Math.max(maxBehind, created - Math.min(...seen));
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s: created ${created}, seen ${seen.join(" / ")}`);
}, 1000);
let next = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next < total) {
      const i = next++;
      await server.client.create(resources.pods, { apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, namespace: "w" }, spec: { containers: [{ name: "c", image: "pause", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } });
      created++;
    }
  }),
);
const createdAt = performance.now();
while (Math.min(...seen) < total && performance.now() - createdAt < 120_000) await new Promise((r) => setTimeout(r, 50));
clearInterval(tick);
console.log(`created ${total} pods in ${((createdAt - t0) / 1000).toFixed(1)} s (${Math.round(total / ((createdAt - t0) / 1000))}/s); most behind ${maxBehind}; every watcher caught up ${((performance.now() - createdAt) / 1000).toFixed(1)} s after the last create`);
stop.abort();
for (const t of transports) t.close();
await server.close();
