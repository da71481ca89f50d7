import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "./sqlite-store.js";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "k8ts-sqlite-durability-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("SqliteStore durability", () => {
  it("keeps every key, the revision and the compaction across a reopen", async () => {
    const path = join(dir, "reopen.db");
    const first = await SqliteStore.open({ path });
    await first.create("/r/a", "1");
    await first.create("/r/b", "1");
    await first.update("/r/a", "2");
    await first.delete("/r/b");
    const compactAt = await first.currentRevision();
    await first.create("/r/c", "1");
    await first.compact(compactAt);
    const lastRevision = await first.currentRevision();
    await first.close();

    const second = await SqliteStore.open({ path });
    try {
      assert.equal(await second.currentRevision(), lastRevision);
      assert.equal(await second.compactedRevision(), compactAt);
      assert.deepEqual(
        (await second.range("/r/")).kvs.map((kv) => `${kv.key}=${kv.value}`),
        ["/r/a=2", "/r/c=1"],
      );
      assert.deepEqual(
        (await second.range("/r/", { revision: compactAt })).kvs.map((kv) => kv.key),
        ["/r/a"],
      );
      const next = await second.create("/r/d", "1");
      assert.ok(next.ok);
      assert.equal(next.kv.modRevision, lastRevision + 1);
    } finally {
      await second.close();
    }
  });

  it("continues the revision after the newest rows were compacted away", async () => {
    const path = join(dir, "tombstones.db");
    const first = await SqliteStore.open({ path });
    await first.create("/r/a", "1");
    await first.delete("/r/a");
    const last = await first.currentRevision();
    await first.compact(last);
    await first.close();
    const second = await SqliteStore.open({ path });
    try {
      assert.equal(await second.currentRevision(), last);
      const r = await second.create("/r/a", "again");
      assert.ok(r.ok);
      assert.equal(r.kv.modRevision, last + 1);
    } finally {
      await second.close();
    }
  });

  it("loses no acknowledged write when the writer is SIGKILLed mid-load", async () => {
    const path = join(dir, "crash.db");
    const acked = await runCrashWriter(path, { workers: 20, killAfterAcks: 4_000 });
    assert.ok(acked.creates.size >= 2_000, `only ${acked.creates.size} creates acknowledged`);

    const store = await SqliteStore.open({ path });
    try {
      for (const [key, revision] of acked.creates) {
        const { kv } = await store.get(key);
        assert.equal(kv?.modRevision, revision, `acknowledged create of ${key} at ${revision} lost`);
      }
      for (const [key, ack] of acked.counters) {
        const { kv } = await store.get(key);
        assert.ok(kv, `counter ${key} lost`);
        assert.ok(Number(kv.value) >= ack.value, `${key} is ${kv.value}, but ${ack.value} was acknowledged`);
        assert.ok(kv.modRevision >= ack.revision);
      }
      const current = await store.currentRevision();
      assert.ok(current >= acked.maxRevision);
      // History is whole: a watch from the start replays every revision, one by one.
      const ac = new AbortController();
      let expected = 1;
      for await (const ev of store.watch("/", { fromRevision: 1, signal: ac.signal })) {
        expected++;
        assert.equal(ev.kv.modRevision, expected);
        if (expected === current) break;
      }
      const next = await store.create("/crash/after", "1");
      assert.ok(next.ok);
      assert.equal(next.kv.modRevision, current + 1);
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

async function runCrashWriter(path: string, options: { workers: number; killAfterAcks: number }): Promise<CrashAcks> {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith(".ts");
  const script = join(dirname(here), ts ? "_crash-writer.ts" : "_crash-writer.js");
  const child = spawn(process.execPath, [...(ts ? ["--import", "tsx"] : []), script, path, String(options.workers)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const acks: CrashAcks = { creates: new Map(), counters: new Map(), maxRevision: 0 };
  let count = 0;
  let partial = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
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
      if (++count === options.killAfterAcks) child.kill("SIGKILL");
    }
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  assert.equal(exit.signal, "SIGKILL", `writer exited on its own (code ${exit.code}): ${stderr}`);
  return acks;
}
