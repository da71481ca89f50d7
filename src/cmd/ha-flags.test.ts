import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseServerFlags } from "./main.js";

const env = { isRoot: false, home: "/home/u" };

describe("k8ts server flags for etcd and leader election", () => {
  it("reads --datastore-endpoint with its TLS files, and leaves SQLite the default", () => {
    assert.equal(parseServerFlags([], env).datastoreEndpoint, undefined);
    const o = parseServerFlags(["--datastore-endpoint", "https://h1:2379,h2:2379", "--datastore-cafile", "/ca", "--datastore-certfile", "/c", "--datastore-keyfile", "/k"], env);
    assert.equal(o.datastoreEndpoint, "https://h1:2379,h2:2379");
    assert.deepEqual(o.datastoreTls, { caFile: "/ca", certFile: "/c", keyFile: "/k" });
    assert.throws(() => parseServerFlags(["--datastore-endpoint", "mysql://x"], env), /--datastore-endpoint: .*scheme/);
    assert.throws(() => parseServerFlags(["--datastore-cafile", "/ca"], env), /needs --datastore-endpoint/);
  });

  it("reads --leader-elect and its timings, refusing upstream's invalid combinations", () => {
    const o = parseServerFlags(["--leader-elect=false", "--leader-elect-lease-duration", "20s", "--leader-elect-renew-deadline", "12s", "--leader-elect-retry-period", "3s"], env);
    assert.equal(o.leaderElect, false);
    assert.deepEqual(o.leaderElection, { leaseDurationMs: 20_000, renewDeadlineMs: 12_000, retryPeriodMs: 3_000 });
    assert.equal(parseServerFlags([], env).leaderElect, undefined);
    assert.throws(() => parseServerFlags(["--leader-elect", "maybe"], env), /not true or false/);
    assert.throws(() => parseServerFlags(["--leader-elect-lease-duration", "5s"], env), /greater than --leader-elect-renew-deadline/);
    assert.throws(() => parseServerFlags(["--leader-elect-renew-deadline", "2s"], env), /1.2 × --leader-elect-retry-period/);
    assert.throws(() => parseServerFlags(["--leader-elect-retry-period", "soon"], env), /not a duration/);
  });

  it("reads --watch-cache", () => {
    assert.equal(parseServerFlags(["--watch-cache=false"], env).watchCache, false);
    assert.equal(parseServerFlags([], env).watchCache, undefined);
    assert.throws(() => parseServerFlags(["--watch-cache", "off"], env), /not true or false/);
  });
});
