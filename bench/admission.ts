// Admission cost benchmark (not a test): `npm run build && node dist/bench/admission.js`.
//
// Starts an API server in this process (sqlite store by default, the ResourceQuota and
// LimitRanger plugins, watch cache on unless WATCH_CACHE=false) and drives its in-process
// handler: LEASES Lease renewals (PUT, as every node does every 10 s) in a namespace without
// quotas and in one with three quotas, then CREATES ConfigMap creates in each. It prints
// µs per request and the µs the ResourceQuota plugin itself took per request.
//
// Requests run CONCURRENCY at a time (sqlite commits them in groups, as under real load);
// the ResourceQuota figure includes its wait in the per-namespace queue.
//
//   LEASES=10000 CREATES=2000 CONCURRENCY=64 STORE=sqlite WATCH_CACHE=true node dist/bench/admission.js
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinRegistry, type KubeObject, type RestHandler, type RestRequest } from "../src/api/index.js";
import { limitRanger, resourceQuotaAdmission, startApiServer, type AdmissionAttributes, type AdmissionPlugin } from "../src/apiserver/index.js";
import { ensurePki } from "../src/cmd/pki.js";
import { MemoryStore, SqliteStore, type Store } from "../src/storage/index.js";

const leases = Number(process.env.LEASES ?? 10_000);
const creates = Number(process.env.CREATES ?? 2_000);
const concurrency = Number(process.env.CONCURRENCY ?? 64);
const storeKind = process.env.STORE ?? "sqlite";
const watchCache = process.env.WATCH_CACHE !== "false";

const admin = { username: "system:admin", groups: ["system:masters", "system:authenticated"] };

// The plugin's own time: the wrapper adds a clock read on each side of its validate.
let quotaNs = 0n;
// The last attributes the plugin saw per operation and resource: the direct calls below replay them.
const seen = new Map<string, AdmissionAttributes>();
const timedQuota: AdmissionPlugin = {
  ...resourceQuotaAdmission,
  async validate(attrs) {
    seen.set(`${attrs.operation} ${attrs.rt.plural}`, attrs);
    const t0 = process.hrtime.bigint();
    try {
      await resourceQuotaAdmission.validate!(attrs);
    } finally {
      quotaNs += process.hrtime.bigint() - t0;
    }
  },
};

async function send(handle: RestHandler, req: Omit<RestRequest, "query"> & { query?: Record<string, string> }, want: number): Promise<KubeObject> {
  const res = await handle({ query: {}, user: admin, ...req });
  if (res.status !== want) throw new Error(`${req.method} ${req.path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body as KubeObject;
}

async function namespace(handle: RestHandler, name: string, quotas: boolean): Promise<void> {
  await send(handle, { method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } }, 201);
  if (!quotas) return;
  const hards: Record<string, string>[] = [{ pods: "1000", "requests.cpu": "100" }, { "count/leases.coordination.k8s.io": "100000", configmaps: "100000" }, { services: "50", "services.nodeports": "10" }];
  for (const [i, hard] of hards.entries()) {
    await send(handle, { method: "POST", path: `/api/v1/namespaces/${name}/resourcequotas`, body: { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: `q${i}` }, spec: { hard } } }, 201);
  }
  // Admission refuses what a quota tracks until the controller (not running here) fills status.used: fill it by hand.
  for (const [i, hard] of hards.entries()) {
    const path = `/api/v1/namespaces/${name}/resourcequotas/q${i}`;
    const q = await send(handle, { method: "GET", path }, 200);
    const used = Object.fromEntries(Object.keys(hard).map((k) => [k, "0"]));
    await send(handle, { method: "PUT", path: `${path}/status`, body: { ...q, status: { hard, used } } }, 200);
  }
}

interface Figures {
  usPerOp: number;
  cpuUsPerOp: number;
  quotaUsPerOp: number;
}

// `count` requests from `width` workers; worker w makes requests w, w+width, … in order.
async function measure(count: number, width: number, one: (i: number) => Promise<void>): Promise<Figures> {
  quotaNs = 0n;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: width }, async (_, w) => {
      for (let i = w; i < count; i += width) await one(i);
    }),
  );
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { usPerOp: wallNs / 1000 / count, cpuUsPerOp: (cpu.user + cpu.system) / count, quotaUsPerOp: Number(quotaNs) / 1000 / count };
}

async function renewLeases(handle: RestHandler, ns: string): Promise<Figures> {
  const held: KubeObject[] = [];
  for (let n = 0; n < concurrency; n++) {
    const body = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: `node-${n}` }, spec: { holderIdentity: `node-${n}`, leaseDurationSeconds: 40, renewTime: microTime() } };
    held.push(await send(handle, { method: "POST", path: `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, body }, 201));
  }
  // Each worker renews its own Lease, as each node does.
  return measure(leases, concurrency, async (i) => {
    const n = i % concurrency;
    const lease = held[n] as KubeObject & { spec: { renewTime: string } };
    lease.spec.renewTime = microTime();
    held[n] = await send(handle, { method: "PUT", path: `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/node-${n}`, body: lease }, 200);
  });
}

async function createConfigMaps(handle: RestHandler, ns: string): Promise<Figures> {
  return measure(creates, concurrency, async (i) => {
    await send(handle, { method: "POST", path: `/api/v1/namespaces/${ns}/configmaps`, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}` }, data: { k: "v" } } }, 201);
  });
}

/** µs per call of the plugins alone, called directly `calls` times in a row. */
async function direct(name: string, attrs: AdmissionAttributes, run: (a: AdmissionAttributes) => void | Promise<void>): Promise<string> {
  const calls = leases;
  for (let i = 0; i < 1000; i++) await run({ ...attrs, warnings: [] });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await run({ ...attrs, warnings: [] });
  return `${name.padEnd(64)} ${(Number(process.hrtime.bigint() - t0) / 1000 / calls).toFixed(2).padStart(8)} µs/call`;
}

const microTime = () => new Date().toISOString().replace("Z", "000Z");

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "k8ts-bench-admission-"));
  const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
  const store: Store = storeKind === "memory" ? new MemoryStore() : await SqliteStore.open({ path: join(dataDir, "state.db") });
  const running = await startApiServer({
    store,
    registry: builtinRegistry(),
    tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert },
    host: "127.0.0.1",
    port: 0,
    admission: [limitRanger, timedQuota],
    watchCache,
  });
  try {
    const h = running.handler;
    await namespace(h, "bench-plain", false);
    await namespace(h, "bench-quota", true);
    const rows: [string, Figures][] = [];
    // A first round warms the JIT; the figures are from the second.
    await namespace(h, "bench-warm", false);
    await renewLeases(h, "bench-warm");
    rows.push([`${leases} Lease PUTs, namespace without quotas`, await renewLeases(h, "bench-plain")]);
    rows.push([`${leases} Lease PUTs, namespace with 3 quotas`, await renewLeases(h, "bench-quota")]);
    rows.push([`${creates} ConfigMap POSTs, namespace without quotas`, await createConfigMaps(h, "bench-plain")]);
    rows.push([`${creates} ConfigMap POSTs, namespace with 3 quotas`, await createConfigMaps(h, "bench-quota")]);
    console.log(`store=${storeKind} watchCache=${watchCache} concurrency=${concurrency}   (per request: wall time / CPU time of the process / ResourceQuota's latency, queue included)`);
    for (const [name, r] of rows) console.log(`${name.padEnd(48)} wall ${r.usPerOp.toFixed(1).padStart(7)} µs   cpu ${r.cpuUsPerOp.toFixed(1).padStart(7)} µs   ResourceQuota ${r.quotaUsPerOp.toFixed(1).padStart(8)} µs`);
    // The plugins alone, called directly with the attributes of requests above (dry run: no charge is written).
    const leasePut = seen.get("UPDATE leases")!;
    const cmPost = seen.get("CREATE configmaps")!;
    const validate = (a: AdmissionAttributes) => resourceQuotaAdmission.validate!(a);
    const lines = [
      await direct("ResourceQuota, Lease UPDATE, namespace without quotas", { ...leasePut, namespace: "bench-plain", dryRun: true }, validate),
      await direct("ResourceQuota, Lease UPDATE, namespace with 3 quotas", { ...leasePut, namespace: "bench-quota", dryRun: true }, validate),
      await direct("ResourceQuota, ConfigMap CREATE, namespace without quotas", { ...cmPost, namespace: "bench-plain", dryRun: true }, validate),
      await direct("ResourceQuota, ConfigMap CREATE, namespace with 3 quotas (dry run)", { ...cmPost, namespace: "bench-quota", dryRun: true }, validate),
    ];
    for (const line of lines) console.log(line);
  } finally {
    await running.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
