// API benchmark (not a test): `npm run bench:api`.
//
// Spawns the real `k8ts server` (sqlite store, temp data dir), creates OBJECTS configmaps
// over HTTPS with bounded concurrency, then measures creates/s, gets/s, list latency
// (the full list and limit=500 pages), watch latency (a write's acknowledgement to its
// watch event's arrival) and the server process's RSS, and prints a table.
//
//   OBJECTS=10000 CONCURRENCY=64 WATCH_WRITES=1000 npm run bench:api
import { readFile } from "node:fs/promises";
import { startK8tsServer } from "../test/harness/index.js";
import { percentile, rawClient, rawWatch, type RawClient } from "../test/robustness/_raw-https.js";

const objects = Number(process.env.OBJECTS ?? 10_000);
const concurrency = Number(process.env.CONCURRENCY ?? 64);
const watchWrites = Number(process.env.WATCH_WRITES ?? 1000);
const listRounds = Number(process.env.LIST_ROUNDS ?? 20);
const ns = "bench";
const cms = `/api/v1/namespaces/${ns}/configmaps`;

interface Row {
  metric: string;
  value: string;
}

async function pool(count: number, width: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

async function expectStatus(c: RawClient, method: string, path: string, status: number, body?: unknown): Promise<unknown> {
  const res = await c.send(method, path, body);
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${res.body.toString().slice(0, 300)}`);
  return res.json;
}

async function rssOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const mib = (x: number) => `${(x / 1024 / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  // SERVER_ARGS: extra `k8ts server` flags, e.g. SERVER_ARGS="--watch-cache=false" for a before/after.
  const server = await startK8tsServer({ extraArgs: ["--store", "sqlite", ...(process.env.SERVER_ARGS ?? "").split(" ").filter(Boolean)] });
  const c = await rawClient(server.kubeconfig, { maxSockets: concurrency });
  const rows: Row[] = [];
  try {
    const pid = server.child.pid!;
    const idle = await rssOf(pid);
    await expectStatus(c, "POST", "/api/v1/namespaces", 201, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });

    // Creates.
    const payload = "x".repeat(200);
    let t0 = performance.now();
    await pool(objects, concurrency, async (i) => {
      await expectStatus(c, "POST", cms, 201, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, labels: { app: "bench", shard: String(i % 10) } }, data: { payload, i: String(i) } });
    });
    const createSecs = (performance.now() - t0) / 1000;
    rows.push({ metric: `creates (${objects}, concurrency ${concurrency})`, value: `${(objects / createSecs).toFixed(0)} /s (${createSecs.toFixed(1)} s)` });

    // Gets.
    t0 = performance.now();
    await pool(objects, concurrency, async (i) => {
      await expectStatus(c, "GET", `${cms}/cm-${(i * 7919) % objects}`, 200);
    });
    const getSecs = (performance.now() - t0) / 1000;
    rows.push({ metric: `gets (${objects}, concurrency ${concurrency})`, value: `${(objects / getSecs).toFixed(0)} /s` });

    // Full list, one at a time.
    const full: number[] = [];
    for (let r = 0; r < listRounds; r++) {
      t0 = performance.now();
      const list = (await expectStatus(c, "GET", cms, 200)) as { items: unknown[] };
      full.push(performance.now() - t0);
      // Only the benchmark's own (the namespace also holds kube-root-ca.crt).
      const mine = (list.items as Array<{ metadata: { name: string } }>).filter((o) => o.metadata.name.startsWith("cm-")).length;
      if (mine !== objects) throw new Error(`list has ${mine} cm- items, want ${objects}`);
    }
    full.sort((a, b) => a - b);
    rows.push({ metric: `list all ${objects} (${listRounds}×) p50 / p99`, value: `${ms(percentile(full, 50))} / ${ms(percentile(full, 99))}` });

    // Paged list, limit=500, following continue tokens.
    const pages: number[] = [];
    const passes: number[] = [];
    for (let r = 0; r < Math.max(1, Math.floor(listRounds / 4)); r++) {
      let cont = "";
      let seen = 0;
      const p0 = performance.now();
      do {
        t0 = performance.now();
        const page = (await expectStatus(c, "GET", `${cms}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`, 200)) as { items: unknown[]; metadata: { continue?: string } };
        pages.push(performance.now() - t0);
        seen += (page.items as Array<{ metadata: { name: string } }>).filter((o) => o.metadata.name.startsWith("cm-")).length;
        cont = page.metadata.continue ?? "";
      } while (cont);
      passes.push(performance.now() - p0);
      if (seen !== objects) throw new Error(`paged list saw ${seen} items, want ${objects}`);
    }
    pages.sort((a, b) => a - b);
    passes.sort((a, b) => a - b);
    rows.push({ metric: `list page limit=500 (${pages.length} pages) p50 / p99`, value: `${ms(percentile(pages, 50))} / ${ms(percentile(pages, 99))}` });
    rows.push({ metric: "list all by pages of 500, p50", value: ms(percentile(passes, 50)) });

    // Watch latency: updates acknowledged at time A; the watch sees their RV at time W.
    const head = (await expectStatus(c, "GET", `${cms}?limit=1`, 200)) as { metadata: { resourceVersion: string } };
    const watch = await rawWatch(c, `${cms}?resourceVersion=${head.metadata.resourceVersion}`);
    const arrived = new Map<string, number>();
    watch.onEvent = (ev, at) => {
      const rv = ev.object.metadata?.resourceVersion;
      if (rv) arrived.set(rv, at);
    };
    const acked = new Map<string, number>();
    await pool(watchWrites, 4, async (i) => {
      const res = await c.request({
        method: "PATCH",
        path: `${cms}/cm-${i % objects}`,
        body: JSON.stringify({ data: { touched: String(i) } }),
        headers: { "Content-Type": "application/merge-patch+json" },
      });
      const at = performance.now();
      if (res.status !== 200) throw new Error(`patch: ${res.status} ${res.body.toString()}`);
      acked.set((res.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion, at);
    });
    const deadline = Date.now() + 30_000;
    while ([...acked.keys()].some((rv) => !arrived.has(rv)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    watch.close();
    const lat = [...acked].filter(([rv]) => arrived.has(rv)).map(([rv, at]) => arrived.get(rv)! - at);
    const missing = acked.size - lat.length;
    const early = lat.filter((x) => x < 0).length;
    lat.sort((a, b) => a - b);
    rows.push({
      metric: `watch latency, ack → event (${watchWrites} patches, concurrency 4) p50 / p99`,
      value: `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 99))}${early ? ` (${early} events before their ack)` : ""}${missing ? ` (${missing} never arrived)` : ""}`,
    });

    const after = await rssOf(pid);
    rows.push({ metric: "server RSS idle / now / peak", value: `${mib(idle.rss)} / ${mib(after.rss)} / ${mib(after.peak)}` });
  } finally {
    c.close();
    await server.kill();
    await server.cleanup();
  }

  const width = Math.max(...rows.map((r) => r.metric.length));
  console.log(`\nk8ts API benchmark: real \`k8ts server\` (sqlite), HTTPS, node ${process.version}`);
  console.log(`${"metric".padEnd(width)}  value`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(30)}`);
  for (const r of rows) console.log(`${r.metric.padEnd(width)}  ${r.value}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
