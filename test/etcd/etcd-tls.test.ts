/**
 * etcd over https with client certificates (--client-cert-auth), as k8ts server's
 * --datastore-endpoint https://… with --datastore-cafile/--datastore-certfile/--datastore-keyfile.
 * The certificates come from k8ts's own PKI: the API server's serving pair for etcd, the
 * admin pair as the client.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePki } from "../../src/cmd/pki.js";
import { EtcdStore } from "../../src/storage/index.js";
import { type EtcdCluster, etcdAvailable, startEtcdCluster } from "../harness/index.js";

const skip = etcdAvailable() ? false : "etcd-server is not installed (.ci/run installs it)";

describe("EtcdStore over https with client certificates", { skip }, () => {
  let dir = "";
  let etcd: EtcdCluster | undefined;
  let pkiDir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "k8ts-etcd-tls-"));
    pkiDir = join(dir, "pki");
    await ensurePki(pkiDir, { bindAddress: "127.0.0.1" });
    etcd = await startEtcdCluster({
      members: 1,
      tls: {
        certFile: join(pkiDir, "apiserver.crt"),
        keyFile: join(pkiDir, "apiserver.key"),
        caFile: join(pkiDir, "ca.crt"),
        clientCertFile: join(pkiDir, "admin.crt"),
        clientKeyFile: join(pkiDir, "admin.key"),
      },
    });
  });
  after(async () => {
    await etcd?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes and watches with a client certificate, and is refused without one", async () => {
    const [ca, cert, key] = await Promise.all(["ca.crt", "admin.crt", "admin.key"].map((f) => readFile(join(pkiDir, f))));
    assert.ok(etcd!.endpoints[0]!.startsWith("https://"));
    const store = await EtcdStore.open({ endpoints: etcd!.endpoints, tls: { ca, cert, key } });
    try {
      const ac = new AbortController();
      const iter = store.watch("/tls/", { fromRevision: 0, signal: ac.signal })[Symbol.asyncIterator]();
      const w = await store.create("/tls/a", "1");
      assert.ok(w.ok);
      assert.equal((await iter.next()).value?.kv.modRevision, w.kv.modRevision);
      ac.abort();
    } finally {
      await store.close();
    }
    await assert.rejects(EtcdStore.open({ endpoints: etcd!.endpoints, tls: { ca }, requestTimeoutMs: 2_000 }), { code: "unavailable" });
  });
});
