// Durability: the real `k8ts server` on sqlite is killed with SIGKILL in the middle of a
// write load and started again on the same data dir and port. On etcd (a 3-member cluster
// on loopback) the server and every etcd member are SIGKILLed at once, as a power loss. Every write it
// acknowledged must be there, and a watch resumed from the last resourceVersion the
// first watch saw must deliver every later acknowledged write, in order, with no gap.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { etcdAvailable, startEtcdCluster, startK8tsServer, type EtcdCluster, type K8tsServerProcess } from "../harness/index.js";
import { rawClient, rawWatch, type RawClient, type RawWatch } from "./_raw-https.js";

const ns = "durable";
const cms = `/api/v1/namespaces/${ns}/configmaps`;

interface Ack {
  name: string;
  rv: number;
  /** The value of data.v the write stored. */
  v: number;
  verb: "create" | "update" | "patch";
}

interface ConfigMap {
  metadata: { name: string; resourceVersion: string };
  data?: { v?: string };
}

const rvOf = (o: { metadata?: { resourceVersion?: string } }): number => Number(o.metadata?.resourceVersion);

/** What the server stores in, and what else dies with it. */
interface Backend {
  /** Starts what the server needs first (etcd), once. */
  setup?: () => Promise<void>;
  args: () => string[];
  /** Called right after the server is SIGKILLed (etcd: kill every member, start them again). */
  afterKill?: () => Promise<void>;
}

describe("durability across SIGKILL", () => {
  durabilitySuite({ args: () => ["--store", "sqlite"] });
});

describe("durability across SIGKILL on etcd (server and every member killed)", { skip: etcdAvailable() ? false : "etcd-server is not installed" }, () => {
  let etcd: EtcdCluster | undefined;
  after(async () => {
    await etcd?.close();
  });
  durabilitySuite({
    setup: async () => {
      etcd ??= await startEtcdCluster({ members: 3 });
    },
    args: () => {
      if (!etcd) throw new Error("etcd not started");
      return ["--datastore-endpoint", `etcd://${etcd.endpoints.map((e) => e.replace("http://", "")).join(",")}`];
    },
    afterKill: async () => {
      await Promise.all(etcd!.members.map((m) => m.kill()));
      for (const m of etcd!.members) await m.start();
      await etcd!.leaderIndex(30_000);
    },
  });
});

function durabilitySuite(backend: Backend): void {
  let server: K8tsServerProcess | undefined;
  const clients: RawClient[] = [];
  const watches: RawWatch[] = [];

  after(async () => {
    for (const w of watches) w.close();
    for (const c of clients) c.close();
    await server?.kill();
    await server?.cleanup();
  });

  it("keeps every acknowledged write and resumes a watch with no gap", async (t) => {
    await backend.setup?.();
    server = await startK8tsServer({ extraArgs: backend.args() });
    const c = await rawClient(server.kubeconfig, { maxSockets: 32 });
    clients.push(c);
    const nsRes = await c.send("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    assert.equal(nsRes.status, 201, nsRes.body.toString());

    const startRv = rvOf(nsRes.json as ConfigMap);
    const watch = await rawWatch(c, `${cms}?resourceVersion=${startRv}`);
    // A second watch that goes away mid-load, as a client whose connection dropped.
    const early = await rawWatch(c, `${cms}?resourceVersion=${startRv}`);
    watches.push(watch, early);
    assert.equal(watch.status(), 200);
    assert.equal(early.status(), 200);
    early.onEvent = () => {
      if (early.events.length >= 200) early.close();
    };

    // The load: each worker owns its objects (so no conflicts) and creates, updates with
    // a resourceVersion precondition, and merge-patches them; every 2xx is recorded.
    const acks: Ack[] = [];
    const killAfterAcks = 600;
    let killed = false;
    let stopLoad = false;
    let failedWrites = 0;
    let loadError: unknown;
    const killedAt = new Promise<void>((resolveKill) => {
      const worker = async (w: number): Promise<void> => {
        for (let k = 0; !stopLoad; k++) {
          const name = `w${w}-${k}`;
          try {
            const created = await c.send("POST", cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { v: "0" } });
            if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.body.toString()}`);
            let obj = created.json as ConfigMap;
            acks.push({ name, rv: rvOf(obj), v: 0, verb: "create" });
            for (let v = 1; v <= 3 && !stopLoad; v++) {
              const patch = v === 3;
              const res = patch
                ? await c.request({ method: "PATCH", path: `${cms}/${name}`, body: JSON.stringify({ data: { v: String(v) } }), headers: { "Content-Type": "application/merge-patch+json" } })
                : await c.send("PUT", `${cms}/${name}`, { ...obj, data: { v: String(v) } });
              if (res.status !== 200) throw new Error(`${patch ? "patch" : "update"} ${name}: ${res.status} ${res.body.toString()}`);
              obj = res.json as ConfigMap;
              assert.equal(obj.data?.v, String(v));
              acks.push({ name, rv: rvOf(obj), v, verb: patch ? "patch" : "update" });
            }
          } catch (err) {
            if (!killed) throw err;
            failedWrites++;
            return; // the server is gone: this write was never acknowledged
          }
          if (!killed && acks.length >= killAfterAcks) {
            killed = true;
            resolveKill();
          }
        }
      };
      const all = Array.from({ length: 24 }, (_, w) => worker(w));
      Promise.all(all).then(
        () => resolveKill(),
        (err: unknown) => {
          loadError = err;
          stopLoad = true;
          resolveKill();
        },
      );
    });
    await killedAt;
    if (loadError) throw loadError;
    assert.ok(killed, "the load ended before the kill");
    const acksBeforeKill = acks.length;
    await server.kill();
    await backend.afterKill?.();
    // Writes in flight at the kill either failed or their answer was already on the way.
    await new Promise((r) => setTimeout(r, 200));
    stopLoad = true;
    await watch.ended;
    c.close();

    await early.ended;
    const earlyEvents = early.events.map((e) => e.event);
    const earlyLastRv = rvOf(earlyEvents[earlyEvents.length - 1].object);
    assertIncreasing(earlyEvents.map((e) => rvOf(e.object)), "early watch");
    const firstEvents = watch.events.map((e) => e.event);
    const lastSeenRv = Math.max(0, ...firstEvents.filter((e) => e.type !== "ERROR").map((e) => rvOf(e.object)));
    t.diagnostic(`acknowledged ${acks.length} writes (${acksBeforeKill} when the kill was sent), ${failedWrites} writes cut off; the first watch saw ${firstEvents.length} events up to RV ${lastSeenRv}`);

    // The first watch saw its events in increasing order, and every acknowledged write up to its last RV.
    assertIncreasing(firstEvents.map((e) => rvOf(e.object)), "first watch");
    const firstSeen = new Set(firstEvents.map((e) => rvOf(e.object)));
    const missedByFirst = acks.filter((a) => a.rv <= lastSeenRv && !firstSeen.has(a.rv));
    assert.deepEqual(missedByFirst, [], "the first watch skipped acknowledged writes");

    // Restart on the same data dir and port.
    server = await startK8tsServer({ dataDir: server.dataDir, port: server.port, extraArgs: backend.args() });
    const c2 = await rawClient(server.kubeconfig, { maxSockets: 32 });
    clients.push(c2);

    // Every acknowledged write is there: the object's RV is at least the last acknowledged
    // one, and its content is that write's content (or a later one of the same writer).
    const lastAck = new Map<string, Ack>();
    for (const a of acks) if ((lastAck.get(a.name)?.rv ?? -1) < a.rv) lastAck.set(a.name, a);
    const list = await c2.send("GET", cms);
    assert.equal(list.status, 200, list.body.toString());
    const stored = new Map((list.json as { items: ConfigMap[] }).items.map((o) => [o.metadata.name, o]));
    const lost: string[] = [];
    for (const a of lastAck.values()) {
      const o = stored.get(a.name);
      if (!o) lost.push(`${a.name}: missing (acknowledged ${a.verb} at RV ${a.rv})`);
      else if (rvOf(o) < a.rv) lost.push(`${a.name}: RV ${rvOf(o)} < acknowledged ${a.rv}`);
      else if (rvOf(o) === a.rv && o.data?.v !== String(a.v)) lost.push(`${a.name}: v=${o.data?.v} at RV ${a.rv}, acknowledged v=${a.v}`);
      else if (Number(o.data?.v) < a.v) lost.push(`${a.name}: v=${o.data?.v} older than acknowledged v=${a.v}`);
    }
    assert.deepEqual(lost, [], "acknowledged writes lost across SIGKILL");
    // Each single object read agrees with the list.
    for (const a of [...lastAck.values()].slice(0, 50)) {
      const got = await c2.send("GET", `${cms}/${a.name}`);
      assert.equal(got.status, 200, `${a.name}: ${got.body.toString()}`);
      assert.ok(rvOf(got.json as ConfigMap) >= a.rv);
    }

    // Watches resumed from the last RV each first watch saw deliver every later write in order.
    for (const [what, fromRv] of [
      ["the watch closed mid-load", earlyLastRv],
      ["the watch cut by the kill", lastSeenRv],
    ] as const) {
      const resumed = await rawWatch(c2, `${cms}?resourceVersion=${fromRv}`);
      watches.push(resumed);
      assert.equal(resumed.status(), 200);
      const expected = acks.filter((a) => a.rv > fromRv);
      const storedMaxRv = Math.max(...[...stored.values()].map(rvOf));
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const seen = new Set(resumed.events.map((e) => rvOf(e.event.object)));
        if (expected.every((a) => seen.has(a.rv)) && (storedMaxRv <= fromRv || seen.has(storedMaxRv))) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      resumed.close();
      const events = resumed.events.map((e) => e.event);
      assert.ok(!events.some((e) => e.type === "ERROR"), JSON.stringify(events.find((e) => e.type === "ERROR")));
      const rvs = events.map((e) => rvOf(e.object));
      assertIncreasing(rvs, what);
      assert.ok(rvs.every((rv) => rv > fromRv), `${what}: resumed from ${fromRv} but replayed older RVs`);
      const gap = expected.filter((a) => !rvs.includes(a.rv));
      assert.deepEqual(gap, [], `${what}: the watch resumed from RV ${fromRv} skipped acknowledged writes`);
      for (const e of events) {
        const a = expected.find((x) => x.rv === rvOf(e.object));
        if (!a) continue;
        assert.equal((e.object as ConfigMap).data?.v, String(a.v), `${what}: event at RV ${a.rv}`);
        assert.equal(e.type, a.verb === "create" ? "ADDED" : "MODIFIED", `${what}: event at RV ${a.rv}`);
      }
      t.diagnostic(`${what}: resumed from RV ${fromRv} after restart, got ${events.length} events covering all ${expected.length} acknowledged writes after it`);
    }
  });
}

function assertIncreasing(rvs: number[], what: string): void {
  for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i] > rvs[i - 1], `${what}: RV ${rvs[i]} after ${rvs[i - 1]} (event ${i})`);
}
