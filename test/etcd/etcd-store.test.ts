/**
 * The Store contract on a real 3-member etcd cluster (Debian's etcd-server), plus what is
 * etcd's own: key prefixes, several clients on one cluster, TLS-less endpoints parsing.
 * Every test store gets its own key prefix on the one cluster, so tests stay independent.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { EtcdStore, parseEndpoints, runStoreContract } from "../../src/storage/index.js";
import { type EtcdCluster, etcdAvailable, startEtcdCluster } from "../harness/index.js";

const skip = etcdAvailable() ? false : "etcd-server is not installed (.ci/run installs it)";
let etcd: EtcdCluster | undefined;
let n = 0;

describe("EtcdStore on a 3-member cluster", { skip }, () => {
  before(async () => {
    etcd = await startEtcdCluster({ members: 3 });
  });
  after(async () => {
    await etcd?.close();
  });

  runStoreContract({
    name: "EtcdStore",
    // A generous budget: the slow-watcher test queues 10,100 writes at once, and CI machines are shared.
    newStore: () => EtcdStore.open({ endpoints: etcd!.endpoints, keyPrefix: `/contract-${n++}`, requestTimeoutMs: 60_000 }),
  });

  describe("EtcdStore", () => {
    it("keeps clients with different key prefixes apart and strips the prefix from keys", async () => {
      const a = await EtcdStore.open({ endpoints: etcd!.endpoints, keyPrefix: "/pa" });
      const b = await EtcdStore.open({ endpoints: etcd!.endpoints, keyPrefix: "/pb" });
      try {
        assert.ok((await a.create("/k", "a")).ok);
        assert.equal((await b.get("/k")).kv, undefined);
        assert.deepEqual((await a.range("")).kvs.map((kv) => kv.key), ["/k"]);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("two clients on one cluster see each other's writes and watch them", async () => {
      const a = await EtcdStore.open({ endpoints: etcd!.endpoints, keyPrefix: "/two" });
      const b = await EtcdStore.open({ endpoints: [...etcd!.endpoints].reverse(), keyPrefix: "/two" });
      const ac = new AbortController();
      try {
        const iter = b.watch("/x/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
        const w = await a.create("/x/1", "v");
        assert.ok(w.ok);
        const ev = await iter.next();
        assert.equal(ev.value?.kv.modRevision, w.kv.modRevision);
        assert.equal((await b.get("/x/1")).kv?.value, "v");
        assert.equal((await b.update("/x/1", "w", { expectedModRevision: w.kv.modRevision })).ok, true);
        assert.equal((await a.update("/x/1", "z", { expectedModRevision: w.kv.modRevision })).ok, false);
      } finally {
        ac.abort();
        await a.close();
        await b.close();
      }
    });

    it("fails with unavailable, not a hang, when no member answers", async () => {
      await assert.rejects(EtcdStore.open({ endpoints: ["http://127.0.0.1:1"], requestTimeoutMs: 1_000 }), { code: "unavailable" });
    });
  });
});

describe("parseEndpoints", () => {
  it("reads etcd://, http:// and https:// lists", () => {
    assert.deepEqual(parseEndpoints("etcd://h1:2379,h2:2379,h3:2379"), { endpoints: ["http://h1:2379", "http://h2:2379", "http://h3:2379"], secure: false });
    assert.deepEqual(parseEndpoints("https://h1:2379,h2:2379"), { endpoints: ["https://h1:2379", "https://h2:2379"], secure: true });
    assert.throws(() => parseEndpoints("mysql://x"), /scheme must be etcd, http or https/);
    assert.throws(() => parseEndpoints(""), /no etcd endpoints/);
  });
});
