import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { runStoreContract } from "../contract.js";
import { SqliteStore } from "./sqlite-store.js";

let dir = "";
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "k8ts-sqlite-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract({ name: "SqliteStore", newStore: () => SqliteStore.open({ path: join(dir, `contract-${n++}.db`) }) });

describe("SqliteStore", () => {
  it("opens nothing until start(), and refuses calls before it", async () => {
    const path = join(dir, "lazy.db");
    const store = new SqliteStore({ path });
    assert.equal(existsSync(path), false);
    await assert.rejects(store.get("/a"), { code: "unavailable" });
    await assert.rejects(store.create("/a", "1"), { code: "unavailable" });
    await store.start();
    assert.ok(existsSync(path));
    assert.ok((await store.create("/a", "1")).ok);
    await store.close();
  });

  it("refuses a second opener of the same file while the first holds it", async () => {
    const path = join(dir, "locked.db");
    const first = await SqliteStore.open({ path });
    await assert.rejects(SqliteStore.open({ path, busyTimeoutMs: 20 }), { code: "unavailable" });
    await first.close();
    const again = await SqliteStore.open({ path });
    await again.close();
  });

  it("compaction deletes superseded log rows and tombstones from the file", async () => {
    const path = join(dir, "compact.db");
    const store = await SqliteStore.open({ path });
    for (let i = 0; i < 50; i++) await store.create(`/c/${i}`, "0");
    for (let round = 1; round <= 3; round++) await Promise.all(Array.from({ length: 50 }, (_, i) => store.update(`/c/${i}`, `${round}`)));
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.delete(`/c/${i}`)));
    assert.equal(logRows(path), undefined); // still open: the file is locked
    await store.compact(await store.currentRevision());
    await store.close();
    assert.equal(logRows(path), 40);
  });

  it("writes issued together commit together and come back in submission order", async () => {
    const store = await SqliteStore.open({ path: join(dir, "batch.db") });
    const start = await store.currentRevision();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => store.create(`/b/${i}`, `${i}`)));
    results.forEach((r, i) => assert.equal(r.ok && r.kv.modRevision, start + 1 + i));
    await store.close();
  });
});

/** Count log rows by opening the file directly; undefined while a store holds its lock. */
function logRows(path: string): number | undefined {
  try {
    const db = new Database(path, { readonly: true, timeout: 10 });
    try {
      return db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM log").get()?.n;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}
