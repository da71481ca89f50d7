// Service proxy benchmark (not a test): `npm run bench:proxy`. Needs root (network namespaces).
//
// 1. Programming time: the rule sets for 1,000 and 10,000 Services (3 endpoints each) are
//    generated and loaded into a fresh network namespace, whole (nft -f / iptables-restore),
//    then one Service's endpoints change and the incremental update is timed.
// 2. Network programming latency (change → traffic): a proxy in nftables mode programs a
//    node made of network namespaces from a real API server holding SERVICES Services; an
//    EndpointSlice is created and a client polls the ClusterIP until a backend answers.
//    Repeated ROUNDS times; p50/p99 printed. MODE=iptables|userspace picks another mode.
//
//   SERVICES=1000 ROUNDS=30 MODE=nftables BACKENDS=nftables,iptables npm run bench:proxy
import { spawnSync } from "node:child_process";
import type { EndpointSlice, Service } from "../src/api/index.js";
import { resource, resources } from "../src/client/index.js";
import { buildServiceTable, iptablesModel, nftablesModel, nftablesTransaction, renderIptables, renderNftables, sliceServiceKey, startProxy, type NodeInfo, type ProxyMode } from "../src/proxy/index.js";
import { canMakeLabs, createLab } from "../test/proxy/netns-lab.js";
import { startTestApiServer } from "../test/harness/index.js";

const rounds = Number(process.env.ROUNDS ?? 30);
const backgroundServices = Number(process.env.SERVICES ?? 1000);
const mode = (process.env.MODE ?? "nftables") as ProxyMode;
/** BACKENDS=nftables skips iptables, whose whole load of 10,000 Services takes minutes with iptables-nft. */
const benchBackends = (process.env.BACKENDS ?? "nftables,iptables").split(",") as Array<"nftables" | "iptables">;
const node: NodeInfo = { nodeName: "node-a", nodeIPs: ["192.168.0.2"], podCIDR: "10.244.1.0/24" };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function ip(n: number, base: number): string {
  return `${base}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

function cluster(count: number, generation = 0): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    services.push({ apiVersion: "v1", kind: "Service", metadata: { namespace: "bench", name }, spec: { type: i % 10 === 0 ? "NodePort" : "ClusterIP", clusterIP: ip(i + 1, 10), ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: i % 10 === 0 ? 30000 + (i % 2700) + Math.floor(i / 2700) : undefined }] } });
    const eps = [0, 1, 2].map((k) => ({ addresses: [ip(i * 3 + k + (i === 0 ? generation * 100_000 : 0), 11)], conditions: { ready: true }, nodeName: "node-b" }));
    slices.push({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { namespace: "bench", name: `${name}-1`, labels: { "kubernetes.io/service-name": name } }, addressType: "IPv4", ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: eps });
  }
  return { services, slices };
}

function tableOf(c: { services: Service[]; slices: EndpointSlice[] }) {
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of c.slices) bySvc.set(sliceServiceKey(s)!, [s]);
  return buildServiceTable(c.services, (ns, name) => bySvc.get(`${ns}/${name}`) ?? [], node);
}

function inNetns(nsName: string, cmd: string[], input: string): number {
  const t0 = performance.now();
  const r = spawnSync("ip", ["netns", "exec", nsName, ...cmd], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd[0]}: ${r.stderr.slice(0, 500)}`);
  return performance.now() - t0;
}

async function programmingTimes(): Promise<void> {
  console.log("| Services | backend | generate | load whole | 1 change: generate | 1 change: apply |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: |");
  for (const count of [1000, 10_000]) {
    for (const backend of benchBackends) {
      const nsName = `k8tsbench-${process.pid}`;
      spawnSync("ip", ["netns", "add", nsName]);
      try {
        const c = cluster(count);
        let t0 = performance.now();
        const table = tableOf(c);
        let text: string;
        let nftModel, iptModel;
        if (backend === "nftables") text = renderNftables((nftModel = nftablesModel(table, node)), { replace: true });
        else text = renderIptables(undefined, (iptModel = iptablesModel(table, node)));
        const generate = performance.now() - t0;
        const load = backend === "nftables" ? inNetns(nsName, ["nft", "-f", "-"], text) : inNetns(nsName, ["iptables-restore", "-w", "--noflush"], text);
        // One Service's endpoints change: the rest keep their objects (as the proxy's memo does).
        const changed = cluster(1, 1);
        const c2 = { services: c.services, slices: [changed.slices[0]!, ...c.slices.slice(1)] };
        const bySvc = new Map<string, EndpointSlice[]>();
        for (const s of c2.slices) bySvc.set(sliceServiceKey(s)!, [s]);
        t0 = performance.now();
        const table2 = table.map((sp, i) => (sp.name === "svc-0" ? buildServiceTable([c2.services[0]!], () => [c2.slices[0]!], node)[0]! : table[i]!));
        const incText = backend === "nftables" ? nftablesTransaction(nftModel, nftablesModel(table2, node)).script : renderIptables(iptModel, iptablesModel(table2, node));
        const incGenerate = performance.now() - t0;
        const apply = backend === "nftables" ? inNetns(nsName, ["nft", "-f", "-"], incText) : inNetns(nsName, ["iptables-restore", "-w", "--noflush"], incText);
        console.log(`| ${count.toLocaleString("en")} | ${backend} | ${generate.toFixed(0)} ms | ${load.toFixed(0)} ms | ${incGenerate.toFixed(1)} ms | ${apply.toFixed(0)} ms |`);
      } finally {
        spawnSync("ip", ["netns", "del", nsName]);
      }
    }
  }
}

const services = resource<Service>("", "v1", "services", "Service", true);
const slices = resource<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);

async function changeToTraffic(): Promise<void> {
  const lab = await createLab();
  const api = await startTestApiServer({ store: "memory" });
  const stop = new AbortController();
  try {
    await api.client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } });
    const t0 = performance.now();
    for (let i = 0; i < backgroundServices; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, backgroundServices - i) }, async (_, k) => {
          const name = `bg-${i + k}`;
          await api.client.create(services, { apiVersion: "v1", kind: "Service", metadata: { namespace: "bench", name }, spec: { ports: [{ name: "http", port: 80 }] } });
          await api.client.create(slices, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { namespace: "bench", name: `${name}-1`, labels: { "kubernetes.io/service-name": name } }, addressType: "IPv4", ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [{ addresses: [lab.pods[1]!.ip], conditions: { ready: true } }] });
        }),
      );
    }
    const probe = await api.client.create(services, { apiVersion: "v1", kind: "Service", metadata: { namespace: "bench", name: "probe" }, spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }] } });
    const syncs: number[] = [];
    const proxy = startProxy({ client: api.client, nodeName: "lab-node", mode, signal: stop.signal, netns: lab.node, nodeIPs: [lab.nodeIP], podCIDR: lab.podCIDR, cleanupOnStop: true, minSyncIntervalMs: 0, log: () => undefined, onSync: (s) => syncs.push(s.durationMs) });
    await proxy.ready;
    console.log(`\n${mode}: ${backgroundServices + 1} Services created in ${((performance.now() - t0) / 1000).toFixed(1)} s; first sync ${syncs[0]?.toFixed(0)} ms`);
    const client = lab.agent(lab.client);
    const clusterIP = probe.spec!.clusterIP!;
    const latencies: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      await api.client.create(slices, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { namespace: "bench", name: "probe-1", labels: { "kubernetes.io/service-name": "probe" } }, addressType: "IPv4", ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [{ addresses: [lab.pods[r % 2]!.ip], conditions: { ready: true } }] });
      for (;;) {
        const res = await client.tcp(clusterIP, 80, 500);
        if (res.ok) break;
        if (performance.now() - start > 10_000) throw new Error("no traffic within 10 s");
      }
      latencies.push(performance.now() - start);
      await api.client.delete(slices, "probe-1", { namespace: "bench" });
      for (;;) {
        const res = await client.tcp(clusterIP, 80, 500);
        if (!res.ok) break;
      }
      // The client reuses source ports at once (the server closes first), and a SYN that
      // meets the previous round's TIME_WAIT conntrack entry keeps its old NAT mapping and
      // is answered by the pod's TIME_WAIT socket: a 1 s retransmit that is no part of
      // programming latency. Forget the probe's TCP entries between rounds.
      spawnSync("ip", ["netns", "exec", lab.node, "conntrack", "-D", "-p", "tcp", "--orig-dst", clusterIP], { stdio: "ignore" });
    }
    const steady = syncs.slice(1);
    console.log(`| mode | Services | change → traffic p50 | p99 | sync p50 | sync p99 |`);
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
    console.log(`| ${mode} | ${backgroundServices + 1} | ${percentile(latencies, 50).toFixed(1)} ms | ${percentile(latencies, 99).toFixed(1)} ms | ${percentile(steady, 50).toFixed(1)} ms | ${percentile(steady, 99).toFixed(1)} ms |`);
  } finally {
    stop.abort();
    await new Promise((r) => setTimeout(r, 200));
    await lab.destroy();
    await api.close();
  }
}

if (!canMakeLabs()) {
  console.error("bench:proxy needs root, ip netns and nft");
  process.exit(1);
}
await programmingTimes();
await changeToTraffic();
process.exit(0);
