// In-process informer micro-benchmark (not a test): INFORMERS pod informers over the
// in-process transport, as k8ts server's controllers, scheduler and agent hold them, while
// PODS pods are created through the API. Prints the CPU the process spent until every
// informer holds every pod, and the heap used once they do (after a GC).
// MODE=copy wraps the transport so each watcher gets its own structuredClone of every
// event (what the in-process transport did before watch events were shared); MODE=shared
// is the transport as it is.
//
//   npm run build && MODE=shared node --expose-gc dist/bench/informers.js
//   MODE=copy INFORMERS=10 PODS=20000 node --expose-gc dist/bench/informers.js
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinRegistry, type Pod } from "../src/api/index.js";
import { startApiServer } from "../src/apiserver/index.js";
import { Client, Informer, inProcessTransport, resource, type Transport } from "../src/client/index.js";
import { ensurePki } from "../src/cmd/pki.js";
import { MemoryStore } from "../src/storage/index.js";

const mode = process.env.MODE ?? "shared";
if (mode !== "shared" && mode !== "copy") throw new Error(`MODE: "${mode}" is not shared or copy`);
const informers = Number(process.env.INFORMERS ?? 10);
const pods = Number(process.env.PODS ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

/** The old transport's behaviour: every watcher's events are its own deep copies. */
function copyingTransport(inner: Transport): Transport {
  return async (req) => {
    const res = await inner(req);
    if (!res.watch) return res;
    const events = res.watch;
    return {
      ...res,
      watch: {
        async *[Symbol.asyncIterator]() {
          for await (const ev of events) yield structuredClone(ev);
        },
      },
    };
  };
}

function pod(i: number): Pod {
  const app = `app-${Math.floor(i / 100)}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `${app}-${i}`, namespace: "default", labels: { app, "pod-template-hash": "5d8f7c9b6" }, annotations: { "kubernetes.io/config.seen": "2026-01-01T00:00:00Z" } },
    spec: {
      containers: [
        {
          name: "app",
          image: "registry.k8s.io/pause:3.10",
          ports: [{ containerPort: 8080, name: "http" }],
          env: [{ name: "MODE", value: "bench" }],
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
        },
      ],
    },
  } as Pod;
}

const podsResource = resource<Pod>("", "v1", "pods", "Pod", true);
const heapMiB = (): number => Math.round(process.memoryUsage().heapUsed / 2 ** 20);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
};

const dataDir = await mkdtemp(join(tmpdir(), "k8ts-bench-informers-"));
const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
const store = new MemoryStore();
const server = await startApiServer({ store, registry: builtinRegistry(), tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert }, host: "127.0.0.1", port: 0 });
const writer = new Client({ transport: inProcessTransport(server.handler) });
const base = inProcessTransport(server.handler);
const transport = mode === "copy" ? copyingTransport(base) : base;
const stop = new AbortController();
const running: Informer<Pod>[] = [];
for (let i = 0; i < informers; i++) {
  const inf = new Informer<Pod>({ client: new Client({ transport }), resource: podsResource });
  void inf.start(stop.signal);
  await inf.waitForSync(stop.signal);
  running.push(inf);
}
await settle();
const heapBefore = heapMiB();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const batch = 50;
for (let i = 0; i < pods; i += batch) {
  await Promise.all(Array.from({ length: Math.min(batch, pods - i) }, (_, j) => writer.create(podsResource, pod(i + j), { namespace: "default" })));
}
while (running.some((inf) => inf.list().length < pods)) await new Promise((r) => setTimeout(r, 10));
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await settle();
const heapAfter = heapMiB();
console.log(
  `${mode}: ${informers} informers, ${pods} pods created in ${elapsed.toFixed(1)} s; ` +
    `process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; heap used ${heapBefore} → ${heapAfter} MiB (+${heapAfter - heapBefore} MiB, ` +
    `${(((heapAfter - heapBefore) * 2 ** 20) / pods / 1024).toFixed(1)} KiB a pod); RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
);
stop.abort();
await server.close();
await store.close();
await rm(dataDir, { recursive: true, force: true });
