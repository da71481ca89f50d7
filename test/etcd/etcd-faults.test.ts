/**
 * EtcdStore under faults, on a real 3-member cluster. Each test records every
 * acknowledged write and every watch event, then checks nothing acknowledged was lost
 * and the watch saw every write once, in revision order.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EtcdStore, type StoreEvent } from "../../src/storage/index.js";
import { type EtcdCluster, etcdAvailable, startEtcdCluster } from "../harness/index.js";

const skip = etcdAvailable() ? false : "etcd-server is not installed (.ci/run installs it)";

describe("EtcdStore under faults", { skip }, () => {
  let etcd: EtcdCluster;
  before(async () => {
    etcd = await startEtcdCluster({ members: 3 });
  });
  after(async () => {
    await etcd?.close();
  });

  it("killing the etcd leader during a write load: writes resume within seconds, no acknowledged write lost, no watch gap or reordering", async () => {
    const store = await EtcdStore.open({ endpoints: etcd.endpoints, keyPrefix: "/leader-kill" });
    const watcher = await EtcdStore.open({ endpoints: [...etcd.endpoints].reverse(), keyPrefix: "/leader-kill" });
    const ac = new AbortController();
    const start = await store.currentRevision();
    const events: StoreEvent[] = [];
    const watching = (async () => {
      for await (const ev of watcher.watch("/load/", { fromRevision: start, signal: ac.signal })) events.push(ev);
    })();
    const acked = new Map<string, number>();
    const failures: number[] = [];
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; !stop; n++) {
        const key = `/load/w${w}/${n}`;
        try {
          const r = await store.create(key, `${n}`);
          if (r.ok) acked.set(key, r.kv.modRevision);
        } catch {
          failures.push(Date.now());
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const leader = await etcd.leaderIndex();
    const before = acked.size;
    const killedAt = Date.now();
    await etcd.members[leader]!.kill();
    // Writes resume: more acknowledgements within a few seconds of the kill.
    let resumedAt = 0;
    const resumeDeadline = killedAt + 10_000;
    const ackedAtKill = acked.size;
    while (Date.now() < resumeDeadline) {
      await new Promise((r) => setTimeout(r, 100));
      if (acked.size > ackedAtKill + 50) {
        resumedAt = Date.now();
        break;
      }
    }
    assert.ok(resumedAt > 0, `writes did not resume within 10 s of killing the leader (${acked.size - ackedAtKill} after the kill)`);
    await new Promise((r) => setTimeout(r, 1_000));
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.size > before, "some writes were acknowledged after the kill");

    // Every acknowledged write is there, with its revision.
    const { kvs } = await store.range("/load/");
    const stored = new Map(kvs.map((kv) => [kv.key, kv.modRevision]));
    for (const [key, rev] of acked) assert.equal(stored.get(key), rev, `acknowledged ${key}@${rev} lost`);

    // The watch (on another member order) saw every stored write once, in revision order.
    const last = Math.max(...stored.values());
    for (let i = 0; i < 200 && (events.at(-1)?.kv.modRevision ?? 0) < last; i++) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await watching;
    const revisions = events.map((e) => e.kv.modRevision);
    for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i]! > revisions[i - 1]!, `watch reordered or duplicated at ${i}: ${revisions[i - 1]} then ${revisions[i]}`);
    assert.deepEqual(
      events.map((e) => `${e.kv.key}@${e.kv.modRevision}`).sort(),
      kvs.map((kv) => `${kv.key}@${kv.modRevision}`).sort(),
      "the watch saw exactly the stored writes (no gap)",
    );
    console.log(`# leader kill: ${acked.size} writes acknowledged, resumed ${resumedAt - killedAt} ms after the kill, ${failures.length} failed calls`);
    await store.close();
    await watcher.close();
    await etcd.members[leader]!.start();
    await etcd.leaderIndex();
  });

  it("a member stopped (SIGSTOP) costs a retry, not the store", async () => {
    const store = await EtcdStore.open({ endpoints: etcd.endpoints, keyPrefix: "/one-paused", attemptTimeoutMs: 1_000 });
    try {
      // Pause the member this client prefers (the first endpoint), keep writing.
      etcd.members[0]!.pause();
      const t0 = Date.now();
      for (let i = 0; i < 20; i++) assert.ok((await store.create(`/p/${i}`, "x")).ok);
      assert.ok(Date.now() - t0 < 8_000, `20 writes took ${Date.now() - t0} ms with one member paused`);
    } finally {
      etcd.members[0]!.resume();
      await store.close();
    }
  });

  it("with every member stopped, calls fail with unavailable within the request timeout, and work again after", async () => {
    const store = await EtcdStore.open({ endpoints: etcd.endpoints, keyPrefix: "/all-paused", requestTimeoutMs: 3_000, attemptTimeoutMs: 1_000 });
    try {
      for (const m of etcd.members) m.pause();
      const t0 = Date.now();
      await assert.rejects(store.create("/a", "1"), { code: "unavailable" });
      await assert.rejects(store.get("/a"), { code: "unavailable" });
      assert.ok(Date.now() - t0 < 8_000, `failing took ${Date.now() - t0} ms`);
      for (const m of etcd.members) m.resume();
      let ok = false;
      for (let i = 0; i < 60 && !ok; i++) {
        ok = await store.create(`/b${i}`, "1").then((r) => r.ok, () => false);
        if (!ok) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(ok, "writes work again after the members resume");
    } finally {
      for (const m of etcd.members) m.resume();
      await store.close();
    }
  });

  it("loses no acknowledged write when the writer and every etcd member are SIGKILLed mid-load", async () => {
    const acked = await runCrashWriter(etcd, { workers: 10, killAfterAcks: 3_000 });
    assert.ok(acked.creates.size >= 1_000, `only ${acked.creates.size} creates acknowledged`);
    // Power loss: every member dies at once, then the cluster comes back from its data dirs.
    await Promise.all(etcd.members.map((m) => m.kill()));
    for (const m of etcd.members) await m.start();
    await etcd.leaderIndex(30_000);
    const store = await EtcdStore.open({ endpoints: etcd.endpoints, keyPrefix: "/crash", requestTimeoutMs: 20_000 });
    try {
      const { kvs } = await store.range("/crash/");
      const stored = new Map(kvs.map((kv) => [kv.key, kv]));
      for (const [key, revision] of acked.creates) assert.equal(stored.get(key)?.modRevision, revision, `acknowledged create of ${key} at ${revision} lost`);
      for (const [key, ack] of acked.counters) {
        const kv = stored.get(key);
        assert.ok(kv, `counter ${key} lost`);
        assert.ok(Number(kv.value) >= ack.value, `${key} is ${kv.value}, but ${ack.value} was acknowledged`);
      }
      const current = await store.currentRevision();
      assert.ok(current >= acked.maxRevision);
      const next = await store.create("/crash/after", "1");
      assert.ok(next.ok);
      assert.ok(next.kv.modRevision > current);
    } finally {
      await store.close();
    }
  });
});

interface CrashAcks {
  creates: Map<string, number>;
  counters: Map<string, { revision: number; value: number }>;
  maxRevision: number;
}

async function runCrashWriter(etcd: EtcdCluster, options: { workers: number; killAfterAcks: number }): Promise<CrashAcks> {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith(".ts");
  const script = join(dirname(here), ts ? "_etcd-crash-writer.ts" : "_etcd-crash-writer.js");
  const child = spawn(process.execPath, [...(ts ? ["--import", "tsx"] : []), script, etcd.endpoints.join(","), "/crash", String(options.workers)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const acks: CrashAcks = { creates: new Map(), counters: new Map(), maxRevision: 0 };
  let count = 0;
  let partial = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-5_000)));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const [word, kind, key, rev, value] = line.split(" ");
      if (word !== "ack" || !key || !rev) continue;
      const revision = Number(rev);
      acks.maxRevision = Math.max(acks.maxRevision, revision);
      if (kind === "create") acks.creates.set(key, revision);
      else acks.counters.set(key, { revision, value: Number(value) });
      if (++count === options.killAfterAcks) {
        // The writer and the whole cluster at once: nothing gets to flush after the last ack.
        child.kill("SIGKILL");
        for (const m of etcd.members) void m.kill();
      }
    }
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  assert.equal(exit.signal, "SIGKILL", `writer exited on its own (code ${exit.code}): ${stderr}`);
  return acks;
}
