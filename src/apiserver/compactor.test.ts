import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../storage/index.js";
import { startCompactor } from "./compactor.js";

test("compacts at the revision seen one interval earlier", async () => {
  const store = new MemoryStore();
  await store.create("/a", "1");
  const stop = new AbortController();
  // A long interval, and stopping as soon as the first compaction is seen: a loaded
  // machine delays timers, and a second tick would compact further.
  startCompactor(store, { intervalMs: 400, signal: stop.signal });
  await new Promise((r) => setTimeout(r, 5));
  const seen = await store.currentRevision();
  await store.create("/b", "2");
  const deadline = Date.now() + 5000;
  while ((await store.compactedRevision()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  stop.abort();
  assert.equal(await store.compactedRevision(), seen);
  // History after the compacted revision is still there.
  await assert.doesNotReject(store.range("/", { revision: seen + 1 }));
});
