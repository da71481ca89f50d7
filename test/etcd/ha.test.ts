/**
 * A highly available control plane: two `k8ts server` processes (the real binary) on one
 * 3-member etcd cluster, upstream's leader-election timings but a 1 s retry period, fake kubelets over a client
 * that fails over between the servers. In order, each phase recording what it saw:
 * 1. both servers serve the API; one holds the scheduler and controller-manager Leases;
 * 2. SIGKILL that server, scale a Deployment meanwhile: the other takes both Leases
 *    within 20 s and the Deployment converges;
 * 3. one etcd member (the leader) stopped for 30 s: every request still answers;
 * 4. every member stopped for 20 s: requests fail with a 5xx Status in bounded time (none
 *    hangs), and within 60 s of the members coming back everything works again, a watch
 *    opened before included.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "../../src/api/index.js";
import { Client, failoverTransport, httpTransport, resources, type HttpTransport } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";
import {
  type EtcdCluster,
  type FakeNodes,
  type K8tsServerProcess,
  etcdAvailable,
  startEtcdCluster,
  startFakeNodes,
  startK8tsServer,
} from "../harness/index.js";

const skip = etcdAvailable() ? false : "etcd-server is not installed (.ci/run installs it)";

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; acquireTime?: string };
}

/** Upstream's 15 s lease and 10 s renew deadline; a 1 s retry period keeps the worst takeover under 20 s. */
const electionArgs = ["--leader-elect-retry-period", "1s"];

describe("HA: two k8ts servers on one etcd cluster", { skip }, () => {
  let etcd: EtcdCluster;
  const servers: K8tsServerProcess[] = [];
  let transport: HttpTransport;
  let client: Client;
  let nodes: FakeNodes | undefined;
  let creds: { ca: string; cert: string; key: string };

  before(async () => {
    etcd = await startEtcdCluster({ members: 3 });
    const endpoint = `etcd://${etcd.endpoints.map((e) => e.replace("http://", "")).join(",")}`;
    const first = await startK8tsServer({ extraArgs: ["--datastore-endpoint", endpoint, ...electionArgs] });
    servers.push(first);
    // The second server shares the cluster's PKI and join token, as a joining control-plane machine would.
    const dataDir = await mkdtemp(join(tmpdir(), "k8ts-ha-"));
    await cp(join(first.dataDir, "pki"), join(dataDir, "pki"), { recursive: true });
    await cp(join(first.dataDir, "join-token"), join(dataDir, "join-token"));
    servers.push(await startK8tsServer({ dataDir, extraArgs: ["--datastore-endpoint", endpoint, ...electionArgs] }));
    const pki = join(first.dataDir, "pki");
    const [ca, cert, key] = await Promise.all(["ca.crt", "admin.crt", "admin.key"].map((f) => readFile(join(pki, f), "utf8")));
    creds = { ca: ca!, cert: cert!, key: key! };
    transport = failoverTransport(
      servers.map((s) => `https://127.0.0.1:${s.port}`),
      { ca, cert, key },
    );
    client = new Client({ transport });
  });

  after(async () => {
    await nodes?.close();
    transport?.close();
    for (const s of servers) {
      await s.kill();
      await s.cleanup();
    }
    await etcd?.close();
  });

  it("fails over the scheduler and controllers, and rides out etcd losing a member and then everything", async () => {
    // 1. Both serve; one leads.
    for (const s of servers) {
      const direct = httpTransport({ server: `https://127.0.0.1:${s.port}`, ...creds });
      try {
        const c = new Client({ transport: direct });
        assert.ok((await c.list(resources.namespaces, {})).items.length >= 4, `server on ${s.port} serves`);
      } finally {
        direct.close();
      }
    }
    const holderOf = async (name: string) => (await client.get<Lease>(resources.leases, name, { namespace: "kube-system" })).spec?.holderIdentity ?? "";
    await eventually(async () => (await holderOf("kube-scheduler")) !== "" && (await holderOf("kube-controller-manager")) !== "", 30_000, "both Leases held");
    const leaderId = await holderOf("kube-controller-manager");
    const leader = servers.findIndex((s) => s.output().includes(`this server (${leaderId}) leads`));
    assert.ok(leader >= 0, `no server says it holds ${leaderId}`);
    for (const lease of ["kube-scheduler", "kube-controller-manager"]) {
      const leading = servers.filter((s) => s.output().includes(`leader election: ${lease}: this server`));
      assert.equal(leading.length, 1, `exactly one server runs ${lease}`);
    }

    nodes = await startFakeNodes({ client, names: ["ha-node-1", "ha-node-2"] });
    await client.create(resources.deployments, deployment("web", 2), { namespace: "default" });
    await eventually(async () => readyReplicas(await client.get(resources.deployments, "web", { namespace: "default" })) === 2, 60_000, "web has 2 ready replicas");

    // 2. Kill the leader; scale during the failover.
    const killedAt = Date.now();
    await servers[leader]!.kill();
    await scale(client, "web", 4);
    await eventually(
      async () => {
        const [cm, sched] = [await holderOf("kube-controller-manager"), await holderOf("kube-scheduler")];
        return cm !== leaderId && cm !== "" && sched !== leaderId && sched !== "";
      },
      30_000,
      "the survivor takes both Leases",
    );
    // When the survivor acquired each Lease, by its own record (not by this test's polling).
    for (const name of ["kube-controller-manager", "kube-scheduler"]) {
      const lease = await client.get<Lease>(resources.leases, name, { namespace: "kube-system" });
      const tookOver = Date.parse(lease.spec?.acquireTime ?? "") - killedAt;
      console.log(`# failover: ${name} taken over ${tookOver} ms after SIGKILL`);
      // A candidate takes over leaseDuration (15 s) after it last saw the Lease change and
      // polls every retryPeriod × [1, 2.2): with a 1 s retry period at worst 15 + 2 × 2.2 s
      // after the last renewal, inside the issue's 20 s (upstream's 2 s allows up to 23.8 s).
      assert.ok(tookOver > 0 && tookOver <= 20_000, `${name}: takeover took ${tookOver} ms`);
    }
    await eventually(async () => readyReplicas(await client.get(resources.deployments, "web", { namespace: "default" })) === 4, 60_000, "web converges to 4 ready replicas after the failover");

    // 3. The etcd leader stopped for 30 s: the API keeps answering.
    const etcdLeader = await etcd.leaderIndex();
    etcd.members[etcdLeader]!.pause();
    const slowest = { ms: 0 };
    try {
      const until = Date.now() + 30_000;
      for (let i = 0; Date.now() < until; i++) {
        const t0 = Date.now();
        await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `during-pause-${i}` }, data: { i: String(i) } }, { namespace: "default" });
        await client.get(resources.configmaps, `during-pause-${i}`, { namespace: "default" });
        slowest.ms = Math.max(slowest.ms, Date.now() - t0);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      etcd.members[etcdLeader]!.resume();
    }
    console.log(`# one etcd member stopped 30 s: slowest create+get ${slowest.ms} ms`);
    assert.ok(slowest.ms < 15_000, `a request took ${slowest.ms} ms while one member was stopped`);

    // 4. Every member stopped for 20 s.
    const ac = new AbortController();
    const watched: string[] = [];
    const watchDone = (async () => {
      const start = (await client.list(resources.configmaps, { namespace: "default" })).metadata?.resourceVersion;
      for await (const ev of client.watch(resources.configmaps, { namespace: "default", resourceVersion: start, signal: ac.signal })) {
        if (ev.type !== "BOOKMARK" && ev.type !== "ERROR") watched.push(ev.object.metadata.name ?? "");
      }
    })().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    for (const m of etcd.members) m.pause();
    const stoppedAt = Date.now();
    const outcomes: Array<{ ms: number; code: number }> = [];
    try {
      while (Date.now() - stoppedAt < 20_000) {
        const t0 = Date.now();
        try {
          await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `blocked-${outcomes.length}` } }, { namespace: "default" });
          outcomes.push({ ms: Date.now() - t0, code: 201 });
        } catch (err) {
          assert.ok(isApiError(err), `expected a Status, got ${String(err)}`);
          outcomes.push({ ms: Date.now() - t0, code: err.code });
        }
      }
    } finally {
      for (const m of etcd.members) m.resume();
    }
    console.log(`# every member stopped 20 s: ${outcomes.map((o) => `${o.code} in ${o.ms} ms`).join(", ")}`);
    assert.ok(outcomes.length >= 1);
    for (const o of outcomes) {
      assert.ok(o.code >= 500 && o.code < 600, `a request during the outage answered ${o.code}`);
      assert.ok(o.ms < 20_000, `a request during the outage took ${o.ms} ms`);
    }
    const resumedAt = Date.now();
    await eventually(
      async () => {
        await client.create(resources.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `after-${Date.now()}` } }, { namespace: "default" });
        return true;
      },
      60_000,
      "writes work again",
    );
    await scale(client, "web", 3);
    await eventually(async () => readyReplicas(await client.get(resources.deployments, "web", { namespace: "default" })) === 3 && (await client.list(resources.pods, { namespace: "default" })).items.filter((p) => !p.metadata.deletionTimestamp).length === 3, 60_000, "web converges to 3 after the outage");
    await eventually(async () => watched.some((n) => n.startsWith("after-")), 60_000, "the watch opened before the outage sees writes after it");
    console.log(`# recovered ${Date.now() - resumedAt} ms after the members resumed`);
    assert.ok(Date.now() - resumedAt < 60_000);
    ac.abort();
    await watchDone;
  });
});

function deployment(name: string, replicas: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  } as KubeObject;
}

function readyReplicas(d: KubeObject): number {
  return (d as { status?: { readyReplicas?: number } }).status?.readyReplicas ?? 0;
}

async function scale(client: Client, name: string, replicas: number): Promise<void> {
  await eventually(
    async () => {
      const d = await client.get(resources.deployments, name, { namespace: "default" });
      await client.update(resources.deployments, { ...d, spec: { ...(d.spec as object), replicas } });
      return true;
    },
    30_000,
    `scale ${name} to ${replicas}`,
  );
}

/** Polls `check` (errors count as "not yet") until it returns true. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out after ${timeoutMs} ms: ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}
